"""T7.1 [pg]: optimistic locking under real concurrency, on PostgreSQL with real connections.

SQLite serialises writers, so it cannot show a race (quality.md pitfall 20). These tests run on
the PostgreSQL leg of CI (DATABASE_URL=postgres://...), where an unreachable database fails the leg;
on the embedded SQLite leg they are not applicable and skip.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from profiles import services
from profiles.models import ProfileSection
from tests.factories.profiles import ProfileSectionFactory

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL leg only: SQLite cannot show a race"),
]

THREADS, SAVES = 8, 25


def _in_own_connection(work):
    def run(*args):
        try:
            work(*args)
        finally:
            connections.close_all()  # this thread's own connection

    return run


def test_many_editors_lose_no_update(teacher, student):
    """8 threads x 25 saves on one section: accepted + conflicts = 200, final version = 1 + accepted,
    one history row per accepted save, and the final text is the last accepted one."""
    section = ProfileSectionFactory(student=student, kind=ProfileSection.Kind.NEEDS, text="start")
    results, lock, start = [], threading.Lock(), threading.Barrier(THREADS)

    @_in_own_connection
    def editor(number: int) -> None:
        start.wait()
        for attempt in range(SAVES):
            version = ProfileSection.objects.values_list("version", flat=True).get(pk=section.pk)
            text = f"editor {number} save {attempt}"
            try:
                saved = services.update_section(student=student, kind=section.kind, text=text, base_version=version, edited_by=teacher)
            except services.EditConflict:
                outcome = ("conflict", None, None)
            else:
                outcome = ("accepted", saved.version, text)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    accepted = [r for r in results if r[0] == "accepted"]
    conflicts = [r for r in results if r[0] == "conflict"]
    section.refresh_from_db()
    assert len(accepted) + len(conflicts) == THREADS * SAVES
    assert section.version == 1 + len(accepted)
    assert sorted(r[1] for r in accepted) == list(range(2, 2 + len(accepted)))  # every version granted once
    assert section.history.filter(history_type="~").count() == len(accepted)
    assert section.text == max(accepted, key=lambda r: r[1])[2]
    print(f"T7.1: {len(accepted)} accepted, {len(conflicts)} conflicts, 0 lost")


def test_two_people_saving_at_once_one_gets_the_merge_view(teacher, case_manager, student):
    """Journey 2: a teacher and a case manager post the same section at the same moment from
    their own connections. One save wins; the other sees the merge view with both texts."""
    ProfileSectionFactory(student=student, kind=ProfileSection.Kind.STRENGTHS, text="Kind.")
    url = reverse("profiles:section-edit", args=[student.uuid, "strengths"])
    texts = {teacher.pk: "Kind. Helps others.", case_manager.pk: "Kind. Great at puzzles."}
    responses, start = {}, threading.Barrier(2)

    @_in_own_connection
    def post(user) -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        responses[user.pk] = client.post(url, {"text": texts[user.pk], "visibility": "student", "base_version": 1}, HTTP_HX_REQUEST="true")

    threads = [threading.Thread(target=post, args=(u,)) for u in (teacher, case_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    section = ProfileSection.objects.get(student=student, kind="strengths")
    winner = next(pk for pk, text in texts.items() if text == section.text)
    loser = next(pk for pk in texts if pk != winner)
    assert section.version == 2
    assert 'role="status"' in responses[winner].content.decode()
    merge = responses[loser].content.decode()
    assert "Your changes are not saved yet." in merge
    assert texts[winner] in merge and texts[loser] in merge
    assert list(section.history.filter(history_type="~").values_list("history_user", flat=True)) == [winner]
