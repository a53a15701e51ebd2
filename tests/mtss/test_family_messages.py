"""Issue 20.6: a family writes to the support team of a tier 2 or 3 plan as it writes to an IEP team: the same input
row (iep.IEPInput, team "support"), its life and its answer. The school's problem-solving team and the interventionist
read and answer it on the student's tiered-supports page (mtss.answer_input, reverse form roster.access.support_team,
tests/security/test_access_forms.py); the family reads the answer with its other messages; the IEP queue and
dashboard leave it out. Bad input is refused with nothing written (T1.1 routes: tests/security/matrix.py)."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AccessEvent
from iep import services as iep_services
from iep.models import IEPInput
from mtss.models import TeamSeat
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.mtss import SupportPlanFactory
from tests.factories.roster import EnrollmentFactory, GuardianshipFactory, StaffAssignmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _staff(school, email, role=StaffAssignment.Role.TEACHER):
    user = UserFactory(role=role, email=email)
    StaffAssignmentFactory(user=user, district=school.district, school=school, role=role)
    return user


@pytest.fixture
def world(school, section, teacher, guardian):
    """A child in `teacher`'s class with a tier 2 reading plan given by an interventionist; a team member at school."""
    kid = StudentFactory(school=school, first_name="Nia", last_name="Okafor")
    EnrollmentFactory(student=kid, section=section)
    GuardianshipFactory(guardian=guardian, student=kid)
    interventionist = _staff(school, "reading.specialist@school.test")
    member = _staff(school, "principal@school.test", StaffAssignment.Role.SCHOOL_LEADER)
    TeamSeat.objects.create(school=school, user=member)
    plan = SupportPlanFactory(student=kid, interventionist=interventionist)
    return {"kid": kid, "interventionist": interventionist, "member": member, "plan": plan}


def _send(client, guardian, kid, text="Nia reads to her brother every night now. What can we practise at home?"):
    client.force_login(guardian)
    return client.post(reverse("family_portal:support-input-new", args=[kid.uuid]),
                       {"kind": "question", "text": text, "idempotency_key": "8c8e1b2a-6a53-4b47-9d1f-1f3f6d0c1a11"})


def test_the_family_writes_from_the_extra_help_page_and_the_team_reads_it_where_it_works(client, world, guardian,
                                                                                        sped_director, teacher):
    kid = world["kid"]
    client.force_login(guardian)
    supports = client.get(reverse("family_portal:child-supports", args=[kid.uuid])).content.decode()
    assert "Ask the support team a question or share something" in supports
    assert reverse("family_portal:support-input-new", args=[kid.uuid]) in supports
    form = client.get(reverse("family_portal:support-input-new", args=[kid.uuid])).content.decode()
    assert "Priority for the next IEP" not in form and 'type="file"' not in form

    response = _send(client, guardian, kid)
    assert response.status_code == 302 and response.headers["Location"] == reverse("family_portal:input-list", args=[kid.uuid])
    item = IEPInput.objects.get()
    assert (item.team, item.sender, item.kind, item.status) == ("support", "family", "question", "received")
    listed = client.get(reverse("family_portal:input-list", args=[kid.uuid])).content.decode()
    assert "Question to the support team (extra help), sent on" in listed
    assert _send(client, guardian, kid).status_code == 302 and IEPInput.objects.count() == 1  # posted twice: one row
    assert AccessEvent.objects.filter(user=guardian, student=kid, route_name="family_portal:support-input-new",
                                      outcome=AccessEvent.Outcome.ALLOWED).count() == 3  # the form, two sends

    # The team and the interventionist are emailed; the IEP reviewers are not.
    mail.outbox.clear()
    assert iep_services.notify_new_input(input_id=item.pk)
    assert sorted(mail.outbox[0].to) == sorted([world["member"].email, world["interventionist"].email])
    assert item.text not in mail.outbox[0].body and "support team" in mail.outbox[0].subject

    for person in (world["member"], world["interventionist"]):
        client.force_login(person)
        page = client.get(reverse("mtss:student", args=[kid.uuid])).content.decode()
        assert "Messages from the family to the support team" in page and "reads to her brother" in page
        assert reverse("mtss:input-answer", args=[kid.uuid, item.pk]) in page
    # A teacher of the child sees the child's supports, not the family's messages to the team.
    client.force_login(teacher)
    assert "reads to her brother" not in client.get(reverse("mtss:student", args=[kid.uuid])).content.decode()
    # Not an input to an IEP team: the director's queue leaves it out.
    kid.plan = "iep"
    kid.save(update_fields=["plan"])
    client.force_login(sped_director)
    assert list(client.get(reverse("iep:queue")).context["page"].object_list) == []


def test_the_team_answers_and_the_family_reads_the_answer_with_its_other_messages(client, world, guardian, teacher):
    kid = world["kid"]
    _send(client, guardian, kid)
    item = IEPInput.objects.get()
    url = reverse("mtss:input-answer", args=[kid.uuid, item.pk])
    answer = {f"input-{item.pk}-action": "answer", f"input-{item.pk}-seen_status": "received",
              f"input-{item.pk}-answer": "Read the same short passage three times; time the third reading.",
              f"input-{item.pk}-answer_es": ""}

    client.force_login(teacher)  # teaches the child, is not on the team nor gives the plan
    assert client.post(url, answer).status_code == 403

    client.force_login(world["interventionist"])
    refused = client.post(url, {**answer, f"input-{item.pk}-answer": "  "})
    assert refused.status_code == 400 and "Please write the answer the sender will read." in refused.content.decode()
    item.refresh_from_db()
    assert (item.status, item.answer) == ("received", "")

    response = client.post(url, answer)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#input-{item.pk}")
    item.refresh_from_db()
    assert (item.status, item.answered_by) == ("answered", world["interventionist"])
    assert client.post(url, answer).status_code == 302  # seen as received, now answered: refused, nothing changed
    item.refresh_from_db()
    assert item.events.count() == 2

    mail.outbox.clear()
    assert iep_services.notify_answer(input_id=item.pk)
    assert mail.outbox[0].to == [guardian.email] and mail.outbox[0].subject == "The support team answered you"
    client.force_login(guardian)
    listed = client.get(reverse("family_portal:input-list", args=[kid.uuid])).content.decode()
    assert "time the third reading" in listed and "Answer from" in listed


def test_an_empty_message_is_refused_with_nothing_written(client, world, guardian):
    response = _send(client, guardian, world["kid"], text="   ")
    assert response.status_code == 400 and "Please write your message." in response.content.decode()
    assert not IEPInput.objects.exists()


def test_no_support_team_to_write_to_without_an_active_plan(client, world, guardian):
    kid = world["kid"]
    world["plan"].is_active = False
    world["plan"].save(update_fields=["is_active"])
    client.force_login(guardian)
    assert client.get(reverse("family_portal:support-input-new", args=[kid.uuid])).status_code == 403
    page = client.get(reverse("family_portal:child-supports", args=[kid.uuid])).content.decode()
    assert "Ask the support team" not in page
    assert not IEPInput.objects.exists()
