"""Server-side drafts of long forms (quality.md T9.6; ASVS 8.2.2: kept on the server, never in the browser)."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessEvent
from roster import drafts
from roster.models import Draft

pytestmark = pytest.mark.django_db

NEUTRAL = {"HTTP_X_WAYPOINT_IDLE_NEUTRAL": "1"}


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def family_url(student) -> str:
    return reverse("roster:draft-family-input", kwargs={"student_id": student.uuid})


def profile_url(student, kind: str = "needs") -> str:
    return reverse("roster:draft-profile-section", kwargs={"student_id": student.uuid, "part": kind})


def test_a_parents_message_is_kept_given_back_once_and_then_gone(student, guardian):
    """T9.6: save -> one row with only the form's declared fields; take -> the same text, and the row is removed."""
    client = as_user(guardian)
    saved = client.post(family_url(student), {"action": "save", "kind": "question", "text": "Can Maya use audiobooks?",
                                              "idempotency_key": "3f1c", "student": "someone else", "extra": "x"}, **NEUTRAL)
    assert saved.json() == {"saved": True}
    draft = Draft.objects.get()
    assert (draft.user, draft.student, draft.form) == (guardian, student, "family-input")
    assert draft.fields == {"kind": "question", "text": "Can Maya use audiobooks?", "idempotency_key": "3f1c"}
    taken = client.post(family_url(student), {"action": "take"}, **NEUTRAL).json()
    assert taken["fields"] == draft.fields
    assert Draft.objects.count() == 0
    assert client.post(family_url(student), {"action": "take"}, **NEUTRAL).json() == {"fields": {}}


def test_saving_again_replaces_the_draft_and_empty_text_keeps_nothing(student, case_manager):
    client = as_user(case_manager)
    client.post(profile_url(student), {"action": "save", "text": "first", "visibility": "team", "base_version": "3"})
    client.post(profile_url(student), {"action": "save", "text": "second", "visibility": "team", "base_version": "3"})
    assert list(Draft.objects.values_list("form", "fields")) == [
        ("profile-section:needs", {"text": "second", "visibility": "team", "base_version": "3"})]
    client.post(profile_url(student, "strengths"), {"action": "save", "text": "other section"})
    assert Draft.objects.count() == 2
    assert client.post(profile_url(student), {"action": "save", "text": "   "}).json() == {"saved": False}
    assert list(Draft.objects.values_list("form", flat=True)) == ["profile-section:strengths"]
    assert client.post(profile_url(student, "strengths"), {"action": "discard"}).json() == {"discarded": 1}
    assert Draft.objects.count() == 0


def test_each_person_gets_only_their_own_draft(student, case_manager, teacher):
    as_user(case_manager).post(profile_url(student), {"action": "save", "text": "the case manager's words"})
    assert as_user(teacher).post(profile_url(student), {"action": "take"}).json() == {"fields": {}}
    assert Draft.objects.count() == 1


def test_drafts_go_through_the_door_of_their_form(student, other_student, guardian, teacher, case_manager):
    """T1.2/T2.1 for the draft routes: 404 for a student one cannot see, 403 without the form's permission,
    one access event per request, and nothing kept when refused."""
    parent = as_user(guardian)
    assert parent.post(family_url(other_student), {"action": "save", "text": "x"}).status_code == 404
    assert parent.post(profile_url(student), {"action": "save", "text": "x"}).status_code == 403  # parents do not edit profiles
    assert as_user(teacher).post(family_url(student), {"action": "save", "text": "x"}).status_code == 403
    assert Draft.objects.count() == 0
    before = AccessEvent.objects.count()
    assert as_user(case_manager).post(profile_url(student), {"action": "save", "text": "x"}).status_code == 200
    events = AccessEvent.objects.order_by("pk")[before:]
    assert [(e.student_id, e.permission, e.outcome, e.route_name) for e in events] == [
        (student.pk, "profiles.change", "allowed", "roster:draft-profile-section")]
    assert AccessEvent.objects.filter(outcome="denied").count() == 3
    assert Client().post(family_url(student), {"action": "take"}).status_code == 302  # signed out: to sign in
    assert parent.get(family_url(student)).status_code == 405


def test_text_is_cut_at_the_limit(student, guardian):
    as_user(guardian).post(family_url(student), {"action": "save", "text": "a" * (drafts.MAX_CHARS + 50)})
    assert len(Draft.objects.get().fields["text"]) == drafts.MAX_CHARS


def test_the_long_forms_carry_their_draft_address(student, guardian, case_manager):
    """T9.6: the parent IEP input and the profile section edit opt in; the address is the door above."""
    page = as_user(guardian).get(reverse("family_portal:input-new", kwargs={"student_id": student.uuid}))
    assert f'data-draft-url="{family_url(student)}"' in page.content.decode()
    edit = as_user(case_manager).get(reverse("profiles:section-edit", kwargs={"student_id": student.uuid, "kind": "needs"}))
    assert f'data-draft-url="{profile_url(student)}"' in edit.content.decode()
