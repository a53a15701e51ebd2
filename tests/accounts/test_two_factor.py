"""T5.4: two-step sign-in with an authenticator app and backup codes."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from roster.models import District

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def sign_in(client, email: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": "waypoint-demo"})


def require_two_factor(district: District) -> None:
    district.requires_staff_two_factor = True
    district.save()


def test_staff_without_a_device_cannot_reach_a_student_page_when_the_district_requires_it(client, teacher, student):
    require_two_factor(student.school.district)
    sign_in(client, "teacher@school.test")
    page = reverse("roster:student-detail", args=[student.uuid])
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:two-factor-setup") + f"?next={page}"
    assert client.get(reverse("roster:staff-home")).status_code == 302


def test_setting_up_an_authenticator_opens_the_pages_and_gives_ten_backup_codes(client, teacher, student):
    require_two_factor(student.school.district)
    sign_in(client, "teacher@school.test")
    page = client.get(reverse("accounts:two-factor-setup"))
    assert page.context["qr_code"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=teacher, confirmed=False)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": code_for(device), "next": "/staff/"})
    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=teacher).confirmed is True
    assert client.get(reverse("roster:student-detail", args=[student.uuid])).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_nothing_confirmed(client, teacher):
    sign_in(client, "teacher@school.test")
    client.get(reverse("accounts:two-factor-setup"))
    response = client.post(reverse("accounts:two-factor-setup"), {"code": "000000"})
    assert "That code did not match" in response.content.decode()
    assert TOTPDevice.objects.filter(user=teacher, confirmed=True).count() == 0


@pytest.fixture
def enrolled_teacher(client, teacher):
    sign_in(client, "teacher@school.test")
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=teacher)
    codes = client.post(reverse("accounts:two-factor-setup"), {"code": code_for(device, offset=-1)}).context["codes"]
    client.post(reverse("accounts:logout"))
    return device, codes


def test_enrolled_person_must_enter_a_code_at_sign_in_and_a_reused_code_is_refused(client, enrolled_teacher, student):
    device, _ = enrolled_teacher
    sign_in(client, "teacher@school.test")
    assert client.get(reverse("roster:staff-home")).headers["Location"].startswith(reverse("accounts:two-factor-verify"))
    code = code_for(device)
    assert client.post(reverse("accounts:two-factor-verify"), {"code": code}).status_code == 302
    assert client.get(reverse("roster:staff-home")).status_code == 200
    client.post(reverse("accounts:logout"))
    sign_in(client, "teacher@school.test")
    reused = client.post(reverse("accounts:two-factor-verify"), {"code": code})
    assert reused.status_code == 200
    assert "That code did not work" in reused.content.decode()


def test_a_backup_code_works_once(client, enrolled_teacher):
    _, codes = enrolled_teacher
    sign_in(client, "teacher@school.test")
    assert client.post(reverse("accounts:two-factor-verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "teacher@school.test")
    assert client.post(reverse("accounts:two-factor-verify"), {"code": codes[0]}).status_code == 200


def test_parents_are_not_asked_unless_they_opt_in(client, guardian, student):
    require_two_factor(student.school.district)
    sign_in(client, "parent@family.test")
    assert client.get(reverse("accounts:home")).status_code == 302
    assert not client.get(reverse("accounts:home")).headers["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_verify_ignores_an_offsite_next(client, enrolled_teacher):
    device, _ = enrolled_teacher
    sign_in(client, "teacher@school.test")
    response = client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device), "next": "https://evil.test/"})
    assert response.headers["Location"] == reverse("accounts:home")


# --- The takeover an outside probe found, and what stops it now (quality.md T5.4; docs/security.md) ----------------


def confirmed_devices(user) -> list[int]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True))


def test_a_password_alone_cannot_replace_the_authenticator(client, enrolled_teacher, teacher):
    """The probe's sequence: sign in with the password only, open set-up, confirm a key of one's own.
    Set-up is closed to the half-signed-in session, and a key left pending cannot be confirmed from it."""
    device, codes = enrolled_teacher
    sign_in(client, "teacher@school.test")
    setup = client.get(reverse("accounts:two-factor-setup"))
    assert setup.status_code == 302
    assert setup.headers["Location"].startswith(reverse("accounts:two-factor-verify"))
    attacker_key = TOTPDevice.objects.create(user=teacher, name="Attacker", confirmed=False)
    posted = client.post(reverse("accounts:two-factor-setup"), {"code": code_for(attacker_key)})
    assert posted.status_code == 302 and posted.headers["Location"].startswith(reverse("accounts:two-factor-verify"))
    assert confirmed_devices(teacher) == [device.pk]
    assert StaticToken.objects.filter(device__user=teacher).count() == len(codes)
    assert client.get(reverse("roster:staff-home")).headers["Location"].startswith(reverse("accounts:two-factor-verify"))
    assert not SecurityEvent.objects.filter(user=teacher, kind=SecurityEvent.Kind.AUTHENTICATOR_REPLACED).exists()


def verified(client, device) -> None:
    sign_in(client, "teacher@school.test")
    assert client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device)}).status_code == 302


def test_replacing_needs_the_password_again_and_keeps_the_old_app_until_the_new_one_is_confirmed(
    client, enrolled_teacher, teacher, django_capture_on_commit_callbacks
):
    device, old_codes = enrolled_teacher
    verified(client, device)
    page = client.get(reverse("accounts:two-factor-setup"))
    assert page.status_code == 200 and page.context["replacing"]
    new = TOTPDevice.objects.get(user=teacher, confirmed=False)

    wrong = client.post(reverse("accounts:two-factor-setup"), {"code": code_for(new), "current_password": "guess"})
    assert "That is not your password or an unused backup code. You have 4 tries left." in wrong.content.decode()
    bad_code = client.post(reverse("accounts:two-factor-setup"), {"code": "000000", "current_password": "waypoint-demo"})
    assert "That code did not match" in bad_code.content.decode()
    assert confirmed_devices(teacher) == [device.pk]

    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)), django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("accounts:two-factor-setup"), {"code": code_for(new), "current_password": "waypoint-demo"},
                           REMOTE_ADDR="203.0.113.9")
    assert len(done.context["codes"]) == 10 and done.context["replaced"]
    assert confirmed_devices(teacher) == [new.pk]
    assert not StaticToken.objects.filter(device__user=teacher, token__in=old_codes).exists()
    event = SecurityEvent.objects.filter(user=teacher).first()
    assert (event.kind, event.network) == (SecurityEvent.Kind.AUTHENTICATOR_REPLACED, "203.0.113.x")
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert "authenticator app for your Waypoint account was replaced" in mail.outbox[0].body
    event.refresh_from_db()
    assert event.notified_at is not None


def test_a_backup_code_stands_in_for_the_password_and_is_used_up(client, enrolled_teacher, teacher):
    device, codes = enrolled_teacher
    verified(client, device)
    client.get(reverse("accounts:two-factor-setup"))
    new = TOTPDevice.objects.get(user=teacher, confirmed=False)
    done = client.post(reverse("accounts:two-factor-setup"), {"code": code_for(new), "current_password": codes[3]})
    assert done.context["replaced"]
    assert confirmed_devices(teacher) == [new.pk]


def test_turning_two_step_sign_in_on_is_written_down_and_emailed(client, teacher, django_capture_on_commit_callbacks):
    sign_in(client, "teacher@school.test")
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:two-factor-setup"), {"code": code_for(device)})
    assert list(SecurityEvent.objects.values_list("kind", flat=True)) == [SecurityEvent.Kind.TWO_FACTOR_ON]
    assert mail.outbox[-1].subject == "Waypoint: your two-step sign-in changed"


def test_five_wrong_codes_end_the_sign_in_and_tell_the_owner(client, enrolled_teacher, teacher, django_capture_on_commit_callbacks):
    """Each wrong code says how many tries remain; the fifth signs the session out and emails the owner,
    whose password someone else evidently has. django-otp's wait between tries is on (time moves on here)."""
    device, _ = enrolled_teacher
    sign_in(client, "teacher@school.test")
    mail.outbox.clear()
    messages = []
    with time_machine.travel(timezone.now(), tick=False) as clock, django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            clock.shift(timedelta(minutes=10))
            response = client.post(reverse("accounts:two-factor-verify"), {"code": "123456"})
            messages.append(response)
    assert [r.status_code for r in messages] == [200, 200, 200, 200, 302]
    assert "You have 4 tries left." in messages[0].content.decode()
    assert "You have 1 try left." in messages[3].content.decode()
    assert messages[4].headers["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(user=teacher).first().kind == SecurityEvent.Kind.WRONG_CODES
    assert mail.outbox[-1].subject == "Waypoint: someone used your password"


def test_django_otp_throttling_asks_to_wait_after_a_wrong_code(client, enrolled_teacher):
    device, _ = enrolled_teacher
    sign_in(client, "teacher@school.test")
    with time_machine.travel(timezone.now(), tick=False):
        client.post(reverse("accounts:two-factor-verify"), {"code": "123456"})
        right = client.post(reverse("accounts:two-factor-verify"), {"code": code_for(device)})
    assert right.status_code == 200
    assert "please wait 2 seconds before trying again" in right.content.decode()
