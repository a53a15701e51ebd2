"""T8.6: the district administrator sees every email to the district's people that could not be sent,
and sends it again or dismisses it. Nobody else sees the page; no other district's failures leak."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from iep import services as iep_services
from iep import tasks as iep_tasks
from notifications.models import DeliveryFailure
from tests.factories.accounts import UserFactory
from tests.factories.iep import IEPInputFactory
from tests.factories.roster import StaffAssignmentFactory
from tests.notifications.smtp import EmailBackend, no_such_mailbox

pytestmark = pytest.mark.django_db
State = DeliveryFailure.State


@pytest.fixture
def admin_client(district_admin) -> Client:
    client = Client()
    client.force_login(district_admin)
    return client


@pytest.fixture
def refused(settings, student, guardian, case_manager) -> DeliveryFailure:
    """The case manager's mailbox is unknown to the mail server: the email about a family's input failed."""
    settings.EMAIL_BACKEND = "tests.notifications.smtp.EmailBackend"
    EmailBackend.reset(answers=[no_such_mailbox(case_manager.email)])
    item = IEPInputFactory(student=student, submitted_by=guardian, notified_at=None, text="PRIVATE family message")
    iep_tasks.notify_new_input.delay(input_id=item.pk)
    return DeliveryFailure.objects.get()


def _failure(recipient: User, n: int) -> DeliveryFailure:
    now = timezone.now()
    return DeliveryFailure.objects.create(
        kind="accounts.lockout.notified_at", object_id=1000 + n, recipient=recipient, to=recipient.email,
        state=State.FAILED, permanent=True, smtp_code=550, error="5.1.1 User unknown", attempts=1,
        first_failed_at=now, last_failed_at=now)


def test_the_admin_sees_the_failure_in_plain_words(admin_client, refused, case_manager, other_district_director):
    _failure(other_district_director, 1)  # another district's: must not show
    page = admin_client.get(reverse("roster:delivery-failures"))
    assert page.status_code == 200
    assert [failure for failure, _what in page.context["rows"]] == [refused]
    html = page.content.decode()
    assert "<h1" in html and "Emails that could not be sent" in html
    assert "<caption>" in html
    assert case_manager.get_full_name() in html and case_manager.email in html
    assert "New input for the IEP team (to the case manager)" in html
    assert "Refused:" in html and "550" in html and "Recipient address rejected: User unknown" in html
    assert "PRIVATE family message" not in html
    assert other_district_director.email not in html
    assert html.count('name="csrfmiddlewaretoken"') >= 2


def test_the_district_home_links_to_the_page(admin_client):
    home = admin_client.get(reverse("roster:district-overview")).content.decode()
    assert reverse("roster:delivery-failures") in home


def test_empty_state(admin_client):
    page = admin_client.get(reverse("roster:delivery-failures")).content.decode()
    assert "Every email to the district" in page and "Nothing needs your attention." in page
    assert "<table" not in page


def test_send_again_makes_the_next_sweep_send_it_once(admin_client, refused, district_admin, case_manager):
    response = admin_client.post(reverse("roster:delivery-failure-send-again", args=[refused.pk]))
    assert response.status_code == 302 and response.url == reverse("roster:delivery-failures")
    refused.refresh_from_db()
    assert (refused.state, refused.resolved_by) == (State.SENT_AGAIN, district_admin)
    assert admin_client.get(reverse("roster:delivery-failures")).context["rows"] == []
    assert iep_services.sweep_outbox() == 1
    assert iep_services.sweep_outbox() == 0
    assert [m.to for m in mail.outbox] == [[case_manager.email]]


def test_dismiss_keeps_the_record_and_sends_nothing(admin_client, refused, district_admin):
    response = admin_client.post(reverse("roster:delivery-failure-dismiss", args=[refused.pk]), follow=True)
    assert "was dismissed. It will not be sent." in response.content.decode()
    refused.refresh_from_db()
    assert (refused.state, refused.resolved_by) == (State.DISMISSED, district_admin)
    assert response.context["rows"] == []
    assert [failure for failure, _what in response.context["resolved"]] == [refused]  # kept for the record
    record = response.content.decode().split("Recently sent again or dismissed")[1]
    assert "Dismissed" in record and district_admin.get_full_name() in record
    assert iep_services.sweep_outbox() == 0
    assert EmailBackend.calls == 1 and mail.outbox == []


def test_another_district_admin_cannot_see_or_act_on_it(refused, other_district_admin):
    client = Client()
    client.force_login(other_district_admin)
    assert client.get(reverse("roster:delivery-failures")).context["rows"] == []
    assert client.post(reverse("roster:delivery-failure-send-again", args=[refused.pk])).status_code == 404
    assert client.post(reverse("roster:delivery-failure-dismiss", args=[refused.pk])).status_code == 404
    refused.refresh_from_db()
    assert (refused.state, refused.resolved_at) == (State.FAILED, None)


@pytest.mark.parametrize("persona", ["sped_director", "teacher", "guardian"])
def test_nobody_else_reaches_the_page(request, refused, persona):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("roster:delivery-failures")).status_code == 403
    assert client.post(reverse("roster:delivery-failure-send-again", args=[refused.pk])).status_code == 403
    assert client.post(reverse("roster:delivery-failure-dismiss", args=[refused.pk])).status_code == 403
    assert DeliveryFailure.objects.get().state == State.FAILED


def test_acting_needs_a_csrf_token(refused, district_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district_admin)
    for name in ("roster:delivery-failure-send-again", "roster:delivery-failure-dismiss"):
        assert client.post(reverse(name, args=[refused.pk])).status_code == 403
    assert DeliveryFailure.objects.get().state == State.FAILED


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_page_query_count_does_not_grow(admin_client, school, item_count, django_assert_num_queries):
    """P1: the same queries for 1, 3 or 50 failures (a page shows 25), and as many already resolved."""
    people = UserFactory.create_batch(item_count, role=User.Role.TEACHER)
    for n, person in enumerate(people):
        StaffAssignmentFactory(user=person, district=school.district, school=school)
        _failure(person, n)
        done = _failure(person, 100 + n)
        DeliveryFailure.objects.filter(pk=done.pk).update(state=State.DISMISSED, resolved_at=timezone.now(),
                                                          resolved_by=person)
    with django_assert_num_queries(7):  # + the person's standing, from relationships (issue 19.2)
        page = admin_client.get(reverse("roster:delivery-failures"))
    assert len(page.context["rows"]) == min(item_count, 25)
    if item_count == 50:
        assert page.context["page"].paginator.num_pages == 2
        second = admin_client.get(reverse("roster:delivery-failures") + "?page=2")
        assert len(second.context["rows"]) == 25
