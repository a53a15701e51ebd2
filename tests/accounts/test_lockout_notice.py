"""Sign-in lockouts: the owner's email, no enumeration, and unlocking (quality.md T5.2, T5.5, T8.2)."""

from datetime import timedelta

import pytest
import time_machine
from celery import current_app
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import lockouts
from accounts.models import Lockout, User
from audit.models import AccessEvent
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.roster import StaffAssignmentFactory

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(email: str, times: int, ip: str = "203.0.113.7", client: Client | None = None):
    client = client or Client()
    return [sign_in(client, email, "wrong password!!", ip) for _ in range(times)]


def test_the_owner_gets_one_email_saying_what_when_where_and_what_to_do(teacher, django_capture_on_commit_callbacks):
    """T5.2: the owner gets exactly one email per lockout, however many refused tries follow."""
    with django_capture_on_commit_callbacks(execute=True):
        responses = fail(teacher.email, 9)
        sign_in(Client(), teacher.email, settings.WAYPOINT_DEMO_PASSWORD)
    assert [r.status_code for r in responses] == [200] * 4 + [429] * 5
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [teacher.email]
    assert message.subject == "Waypoint: signing in to your account was paused"
    lockout = Lockout.objects.get()
    assert (lockout.user, lockout.network, lockout.ended_at) == (teacher, "203.0.113.x", None)
    assert lockout.notified_at is not None
    body = message.body
    assert "five times" in body
    assert "203.0.113.x" in body and "203.0.113.7" not in body  # the network, never the full address
    assert "after 15 minutes" in body
    assert settings.WAYPOINT_BASE_URL + reverse("accounts:password-reset") in body
    assert "Waypoint administrator" in body
    assert str(timezone.localtime(lockout.locked_at).year) in body


def test_a_new_lockout_after_the_first_ran_out_sends_a_second_email(teacher, django_capture_on_commit_callbacks):
    """T5.2: one email per lockout, not one per account for ever."""
    with django_capture_on_commit_callbacks(execute=True):
        fail(teacher.email, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        with django_capture_on_commit_callbacks(execute=True):
            fail(teacher.email, 5)
    assert len(mail.outbox) == 2
    first, second = Lockout.objects.order_by("locked_at")
    assert first.end_reason == Lockout.End.EXPIRED and second.ended_at is None


def test_unknown_email_sends_nothing_and_gets_the_same_answer(teacher, django_capture_on_commit_callbacks):
    """T5.2 with T5.5: no email and no row for an unknown account; status and body equal byte for byte."""
    with django_capture_on_commit_callbacks(execute=True):
        known = fail(teacher.email, 6, ip="198.51.100.1")
    unknown = fail("nobody@school.test", 6, ip="198.51.100.2")
    assert len(mail.outbox) == 1
    assert Lockout.objects.filter(user=teacher).count() == 1 and Lockout.objects.count() == 1
    for a, b in zip(known, unknown):
        body_a = a.content.decode().replace(teacher.email, "EMAIL")
        body_b = b.content.decode().replace("nobody@school.test", "EMAIL")
        strip = lambda body: "".join(line for line in body.splitlines() if "csrfmiddlewaretoken" not in line)  # noqa: E731
        assert (a.status_code, strip(body_a)) == (b.status_code, strip(body_b))


@pytest.fixture
def broker_down():
    """The network edge only: a broker on a closed port, not eager (as tests/iep/test_services.py)."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    current_app._pool = None
    current_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url = saved
    current_app._pool = None
    current_app.amqp._producer_pool = None


def test_broker_down_the_page_still_answers_and_the_sweep_sends_the_email_once(
        teacher, broker_down, django_capture_on_commit_callbacks):
    """T5.2 with T8.2: the lockout row is saved before anything is queued; the sweep sends 1 email, then 0."""
    with django_capture_on_commit_callbacks(execute=True):
        responses = fail(teacher.email, 5)
    assert responses[-1].status_code == 429
    assert mail.outbox == []
    assert Lockout.objects.filter(user=teacher, notified_at=None).count() == 1
    assert lockouts.sweep_unsent() == 1
    assert lockouts.sweep_unsent() == 0
    assert [m.to for m in mail.outbox] == [[teacher.email]]


def test_a_failing_email_is_released_for_the_next_sweep(teacher, settings):
    lockout = Lockout.objects.create(user=teacher, network="203.0.113.x")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT, settings.EMAIL_HOST = 1, "127.0.0.1"
    assert lockouts.sweep_unsent() == 0
    lockout.refresh_from_db()
    assert lockout.notified_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert lockouts.sweep_unsent() == 1


@pytest.mark.parametrize("ip, network", [("203.0.113.77", "203.0.113.x"), ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
                                         ("::ffff:192.0.2.9", "192.0.2.x"), ("", "unknown")])
def test_the_address_is_kept_only_in_coarse_form(ip, network):
    assert lockouts.coarse_network(ip) == network


def test_the_district_admin_sees_locked_accounts_of_the_district_and_unlocks_one(
        teacher, case_manager, other_district_director, district_admin):
    """T5.2: the administrator's page lists the district's locked accounts only (not other districts', not
    unknown names); unlocking lets the owner in at once and records who unlocked, with no student access event."""
    fail(teacher.email, 5)
    fail(other_district_director.email, 5)
    fail("nobody@school.test", 5)
    admin = Client()
    admin.force_login(district_admin)
    page = admin.get(reverse("roster:locked-accounts"))
    assert page.status_code == 200
    assert [a.user for a in page.context["locked"]] == [teacher]
    assert "203.0.113.x" in page.content.decode() and "203.0.113.7" not in page.content.decode()
    assert admin.post(reverse("roster:locked-account-unlock", args=[other_district_director.pk])).status_code == 404
    assert admin.post(reverse("roster:locked-account-unlock", args=[case_manager.pk])).status_code == 302  # not locked
    response = admin.post(reverse("roster:locked-account-unlock", args=[teacher.pk]))
    assert response.status_code == 302
    assert sign_in(Client(), teacher.email, settings.WAYPOINT_DEMO_PASSWORD).status_code == 302
    assert sign_in(Client(), other_district_director.email, settings.WAYPOINT_DEMO_PASSWORD).status_code == 429
    lockout = Lockout.objects.get(user=teacher)
    assert (lockout.end_reason, lockout.ended_by) == (Lockout.End.UNLOCKED, district_admin)
    trail = admin.get(reverse("roster:locked-accounts"))
    assert trail.context["locked"] == []
    assert list(trail.context["unlocks"]) == [lockout]
    assert AccessEvent.objects.count() == 0


def test_only_the_district_admin_reaches_the_page(teacher, sped_director, district_admin):
    client = Client()
    client.force_login(sped_director)
    assert client.get(reverse("roster:locked-accounts")).status_code == 403
    client.force_login(district_admin)
    home = client.get(reverse("roster:district-overview"))
    assert reverse("roster:locked-accounts") in home.content.decode()


def test_choosing_a_new_password_from_the_reset_link_unlocks_the_account(teacher):
    """T5.2: the owner can unlock by resetting the password; the lockout records how it ended."""
    fail(teacher.email, 5)
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": teacher.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line).strip()
    path = link[link.index("/password-reset/"):]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a brand new long phrase",
                                                    "new_password2": "a brand new long phrase"})
    assert done.status_code == 302
    assert sign_in(Client(), teacher.email, "a brand new long phrase").status_code == 302
    lockout = Lockout.objects.get(user=teacher)
    assert (lockout.end_reason, lockout.ended_by) == (Lockout.End.PASSWORD_RESET, teacher)


def test_locked_accounts_page_runs_the_same_queries_for_one_or_three_locked_accounts(
        teacher, case_manager, school, district_admin):
    """P1, T10: the list's query count does not grow with the number of locked accounts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = Client()
    admin.force_login(district_admin)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            page = admin.get(reverse("roster:locked-accounts"))
        return len(page.context["locked"]), len(queries)

    fail(teacher.email, 5)
    one = count()
    for n in range(2):
        extra = UserFactory(role=User.Role.TEACHER, email=f"extra{n}@school.test")
        StaffAssignmentFactory(user=extra, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
        fail(extra.email, 5, ip=f"198.51.100.{n}")
    three = count()
    assert (one[0], three[0]) == (1, 3)
    assert one[1] == three[1]
