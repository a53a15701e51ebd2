"""T5.4: two-step sign-in with an authenticator app and backup codes."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
