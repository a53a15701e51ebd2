"""T3.4 amendment workflow (FERPA 99.20-99.22), T7.3 one winner when two staff decide at once."""

import json

import pytest
from django.urls import reverse

from privacy import export, pdf, services
from privacy.models import AmendmentRequest, RecordStatement
from privacy.registry import item_key
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.profiles import ProfileSectionFactory
from tests.factories.roster import StaffAssignmentFactory

from .conftest import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def principal(school):
    user = UserFactory(role="school_leader", email="principal@school.test")
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=StaffAssignment.Role.SCHOOL_LEADER)
    return user


@pytest.fixture
def contested(student):
    return ProfileSectionFactory(student=student, text="Avoids reading aloud at home.")


def _ask(client, student, section):
    return client.post(reverse("privacy:amendments", args=[student.uuid]),
                       {"item": item_key(type(section), section.pk, "text"), "reason": "She reads aloud every evening."})


def _decide(client, student, amendment, action, note="Teachers see this in class."):
    return client.post(reverse("privacy:amendment-decide", args=[student.uuid, amendment.pk]),
                       {"action": action, "note": note, "seen_status": amendment.status})


def test_request_refusal_hearing_and_statement_shown_everywhere(student, guardian, principal, sped_director, contested):
    """T3.4: received -> refused (a hearing is offered) -> hearing asked -> upheld -> the parent's statement
    appears on the staff page, in the JSON export next to the contested field, and in the PDF."""
    parent = client_as(guardian)
    assert _ask(parent, student, contested).status_code == 302
    amendment = AmendmentRequest.objects.get(student=student)
    assert (amendment.status, amendment.requested_by) == ("received", guardian)

    assert _decide(client_as(principal), student, amendment, "refuse").status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "refused" and amendment.hearing_offered
    page = parent.get(reverse("privacy:amendments", args=[student.uuid])).content.decode()
    assert "You have the right to a hearing" in page and "Ask for a hearing" in page

    assert parent.post(reverse("privacy:amendment-hearing", args=[student.uuid, amendment.pk])).status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == "hearing_requested"
    _decide(client_as(sped_director), student, amendment, "uphold", note="The hearing officer kept the note.")
    amendment.refresh_from_db()
    assert amendment.status == "upheld"

    statement = "We disagree: she reads aloud daily. MARK-STATEMENT"
    assert parent.post(reverse("privacy:amendment-statement", args=[student.uuid, amendment.pk]), {"text": statement}).status_code == 302
    assert RecordStatement.objects.get(request=amendment).text == statement

    staff_page = client_as(principal).get(reverse("privacy:student-requests", args=[student.uuid])).content.decode()
    assert "MARK-STATEMENT" in staff_page
    data = export.build_export(student)
    rows = [r for r in data["tables"]["profiles.ProfileSection"]["rows"] if r["id"] == contested.pk]
    assert rows[0]["statements_of_disagreement"]["text"][0]["statement"] == statement
    assert json.dumps(data).count("MARK-STATEMENT") == 2  # the contested row, and the request's own table
    html = pdf.record_html(request=None, student=student, data=data, disclosure=None)
    assert "Statement of disagreement from the family" in html and "MARK-STATEMENT" in html


def test_a_statement_waits_for_a_refusal(student, guardian, contested):
    parent = client_as(guardian)
    _ask(parent, student, contested)
    amendment = AmendmentRequest.objects.get(student=student)
    parent.post(reverse("privacy:amendment-statement", args=[student.uuid, amendment.pk]), {"text": "Too early"})
    assert not RecordStatement.objects.exists()


def test_refusal_needs_an_explanation(student, guardian, principal, contested):
    _ask(client_as(guardian), student, contested)
    amendment = AmendmentRequest.objects.get(student=student)
    response = _decide(client_as(principal), student, amendment, "refuse", note="")
    assert response.status_code == 200 and "Please explain the decision" in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == "received"


def test_the_form_offers_only_this_childs_items(student, other_student, guardian, contested):
    other = ProfileSectionFactory(student=other_student, text="Other child")
    response = client_as(guardian).post(reverse("privacy:amendments", args=[student.uuid]),
                                        {"item": item_key(type(other), other.pk, "text"), "reason": "x"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not AmendmentRequest.objects.exists()


def test_second_decider_gets_a_clear_message_and_changes_nothing(student, guardian, principal, sped_director, contested):
    """T7.3 (sequential form; tests/trust/test_concurrency_pg.py races it on PostgreSQL): both saw "received";
    the first wins, the second is told and the row keeps the first decision."""
    _ask(client_as(guardian), student, contested)
    amendment = AmendmentRequest.objects.get(student=student)
    _decide(client_as(principal), student, amendment, "agree")
    director = client_as(sped_director)
    response = _decide(director, student, amendment, "refuse")
    follow = director.get(response.url).content.decode()
    assert "Someone else already decided this request" in follow
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decided_by) == ("agreed", principal)


def test_services_refuse_a_decision_from_a_stale_state(student, guardian, principal, contested):
    amendment = services.request_amendment(student=student, by=guardian, item_key="k", item_label="l", reason="r")
    with pytest.raises(services.TransitionRefused):
        services.decide_amendment(request_id=amendment.pk, student=student, action="uphold", note="n", by=principal, seen_status="received")
