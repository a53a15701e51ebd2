"""T7.3 [pg]: state transitions raced by two staff members with real threads and real connections.

SQLite serialises writers and ignores select_for_update, so it cannot show a race (quality.md pitfall 20).
These tests belong to the PostgreSQL leg (DATABASE_URL=postgres://...), where an unreachable database fails the
leg; on the embedded SQLite leg they do not apply and skip, like tests/profiles/test_concurrency_pg.py (T7.1:
8 threads x 25 saves, already covered there).
"""

import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections
from django.test import Client
from django.urls import reverse

from iep.models import IEPInput, InputEvent
from iep.tasks import sweep_outbox
from privacy import services
from privacy.registry import item_key
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.iep import IEPInputFactory
from tests.factories.profiles import ProfileSectionFactory
from tests.factories.roster import StaffAssignmentFactory

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL leg only: SQLite cannot show a race"),
]

TRIALS = 10


def _race(posts: dict) -> dict:
    """Run each (client, url, data) in its own thread and connection, released at the same moment."""
    answers, start = {}, threading.Barrier(len(posts))

    def post(key, client, url, data):
        try:
            start.wait()
            answers[key] = client.post(url, data)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=post, args=(key, *args)) for key, args in posts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_reviewers_answering_one_input_at_once_give_one_winner(student, guardian, case_manager, sped_director):
    """T7.3: 10 inputs, each answered at the same moment by the two people who review them (a student has one
    active case manager, a database rule, so the second is the district's director), from their own connections:
    per input exactly 1 answer saved (the winner's text, one "answered" event, one email to the family), and
    the other person is told on the next page that someone else acted first. Figure: 10/10 single winners."""
    managers = {case_manager.pk: _client(case_manager), sped_director.pk: _client(sped_director)}
    winners = []
    for trial in range(TRIALS):
        item = IEPInputFactory(student=student, submitted_by=guardian, notified_at=None)
        url = reverse("iep:input-act", args=[student.uuid, item.pk])
        texts = {pk: f"Answer {trial} from {pk}" for pk in managers}
        answers = _race({pk: (client, url, {"action": "answer", "seen_status": "received", "answer": texts[pk]})
                         for pk, client in managers.items()})
        assert {pk: a.status_code for pk, a in answers.items()} == {pk: 302 for pk in managers}
        item.refresh_from_db()
        assert item.status == IEPInput.Status.ANSWERED
        winner = item.answered_by_id
        loser = next(pk for pk in managers if pk != winner)
        assert item.answer == texts[winner]
        assert InputEvent.objects.filter(input=item, status=IEPInput.Status.ANSWERED).count() == 1
        told = managers[loser].get(answers[loser].url).content.decode()
        assert "Someone else changed this input first" in told
        assert "Someone else changed this input first" not in managers[winner].get(answers[winner].url).content.decode()
        winners.append(winner)
    # The answer's email is claimed with SKIP LOCKED; when the loser still holds the input's row lock at that
    # instant (seen under load in CI), the winner leaves it to the outbox sweep, as production's beat does
    # every 5 minutes. Exactly once, eventually: after the sweep, one email per answer, never two.
    sweep_outbox()
    answer_mails = [m for m in mail.outbox if m.to == [guardian.email]]
    assert len(answer_mails) == TRIALS
    print(f"T7.3 (IEP input): {TRIALS}/{TRIALS} single winners; wins per person {[winners.count(pk) for pk in managers]}")


@pytest.fixture
def principal(school):
    user = UserFactory(role="school_leader", email="principal@school.test")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.SCHOOL_LEADER)
    return user


def test_two_staff_deciding_one_correction_request_at_once_give_one_decision(student, guardian, principal, sped_director):
    """T7.3 (FERPA 99.20-99.22 requests; tests/privacy/test_amendments.py has the sequential form): a principal
    agrees and the director refuses at the same moment, 10 times: one decision stands each time, the other
    person is told, and the request keeps the winner's decision and note."""
    deciders = {principal.pk: ("agree", _client(principal)), sped_director.pk: ("refuse", _client(sped_director))}
    section = ProfileSectionFactory(student=student, text="Avoids reading aloud at home.")
    for trial in range(TRIALS):
        amendment = services.request_amendment(student=student, by=guardian, item_key=item_key(type(section), section.pk, "text"),
                                               item_label="Strengths", reason=f"Wrong {trial}.")
        url = reverse("privacy:amendment-decide", args=[student.uuid, amendment.pk])
        answers = _race({pk: (client, url, {"action": action, "note": f"{action} {trial}", "seen_status": amendment.status})
                         for pk, (action, client) in deciders.items()})
        assert {pk: a.status_code for pk, a in answers.items()} == {pk: 302 for pk in deciders}
        amendment.refresh_from_db()
        winner = amendment.decided_by_id
        loser = next(pk for pk in deciders if pk != winner)
        action = deciders[winner][0]
        assert (amendment.status, amendment.decision_note) == ({"agree": "agreed", "refuse": "refused"}[action], f"{action} {trial}")
        told = deciders[loser][1].get(answers[loser].url).content.decode()
        assert "Someone else already decided this request" in told
