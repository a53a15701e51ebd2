"""A language for everyone (issue 18): students, staff and families choose it; it is kept on the account; a
student's language may also be set by her teacher, case manager or family, through the access door."""

import pytest
from django.urls import reverse

from accounts import language as account_language
from accounts.models import User
from audit.models import AccessEvent
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_account(student):
    student.user = UserFactory(role=User.Role.STUDENT, email="maya@student.test")
    student.save(update_fields=["user"])
    return student.user


def test_every_language_is_offered_in_its_own_name():
    assert account_language.choices() == [("en", "English"), ("es", "Español")]


def test_a_student_switches_to_spanish_and_reads_her_next_page_in_spanish(client, student_account):
    client.force_login(student_account)
    home = reverse("roster:student-home")
    response = client.post(reverse("accounts:language"), {"language": "es", "next": home})
    assert response.status_code == 302 and response.url == home
    student_account.refresh_from_db()
    assert student_account.preferred_language == "es"
    page = client.get(home, headers={"accept-language": "en"}, follow=True).content.decode()
    assert '<html lang="es" dir="ltr">' in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_header_switch_names_each_language_in_its_own_name_on_every_page(client, teacher, language):
    """Never "Inglés" on a Spanish page: the button reads "English" with lang="en"."""
    teacher.preferred_language = language
    teacher.save(update_fields=["preferred_language"])
    client.force_login(teacher)
    page = client.get(reverse("roster:staff-home")).content.decode()
    assert 'lang="en" class="btn btn-sm' in page and ">English</button>" in page
    assert 'lang="es" class="btn btn-sm' in page and ">Español</button>" in page
    assert "Inglés" not in page and "Spanish</button>" not in page


def test_the_account_choice_wins_over_the_browser_for_staff(client, teacher):
    teacher.preferred_language = "es"
    teacher.save(update_fields=["preferred_language"])
    client.force_login(teacher)
    response = client.get(reverse("roster:staff-home"), headers={"accept-language": "en"})
    assert response.headers["Content-Language"] == "es"


@pytest.mark.parametrize("who", ["teacher", "case_manager", "guardian"])
def test_a_teacher_case_manager_or_parent_sets_the_students_language(client, request, student, student_account, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    response = client.post(reverse("roster:student-language", args=[student.uuid]), {"language": "es", "next": "/"})
    assert response.status_code == 302
    student_account.refresh_from_db()
    assert student_account.preferred_language == "es"
    assert AccessEvent.objects.filter(user=person, student=student, permission="roster.set_student_language",
                                      outcome="allowed").count() == 1


def test_someone_who_does_not_work_with_the_student_cannot_set_her_language(client, other_teacher, student, student_account):
    client.force_login(other_teacher)
    response = client.post(reverse("roster:student-language", args=[student.uuid]), {"language": "es"})
    assert response.status_code == 404
    student_account.refresh_from_db()
    assert student_account.preferred_language == "en"


def test_the_student_language_form_is_on_the_teachers_student_page_and_the_familys_choices(
        client, teacher, guardian, student, student_account):
    form_action = reverse("roster:student-language", args=[student.uuid])
    client.force_login(teacher)
    assert form_action in client.get(reverse("roster:student-detail", args=[student.uuid])).content.decode()
    client.force_login(guardian)
    assert form_action in client.get(reverse("family_portal:preferences")).content.decode()


def test_the_header_switch_goes_back_to_the_page_it_was_on_and_never_off_site(client, teacher):
    client.force_login(teacher)
    page = "http://testserver" + reverse("roster:student-list")
    response = client.post(reverse("accounts:language"), {"language": "es"}, headers={"referer": page})
    assert response.url == page
    response = client.post(reverse("accounts:language"), {"language": "en"}, headers={"referer": "https://evil.test/x"})
    assert response.url == reverse("accounts:home")
