"""Issue 15.4: the district administrator runs accounts and rosters in the admin site, and never reads or
edits a student's date of birth, student number, plan or disability category there (quality.md T1)."""

import pytest
from django.urls import reverse

from roster.demo import _make_site_administrator
from roster.models import Student

pytestmark = pytest.mark.django_db

SECRETS = ["2015-03-09", "March 9, 2015", "S-77731", "Specific learning disability", "Autism"]


@pytest.fixture
def student_with_details(student):
    student.date_of_birth = "2015-03-09"
    student.student_number = "S-77731"
    student.plan = Student.Plan.IEP
    student.disability_category = "Specific learning disability"
    student.save()
    student.disability_category = "Autism"  # a second version, so the history lists a change
    student.save()
    return student


@pytest.fixture
def admin_client(client, district_admin):
    _make_site_administrator(district_admin)  # as the demo makes one: model permissions, not a superuser
    client.force_login(district_admin)
    return client


def test_the_change_page_list_and_history_show_no_restricted_detail(admin_client, student_with_details):
    pk = student_with_details.pk
    pages = [
        admin_client.get(reverse("admin:roster_student_change", args=[pk])),
        admin_client.get(reverse("admin:roster_student_changelist")),
        admin_client.get(reverse("admin:roster_student_changelist") + "?plan__exact=iep"),
        admin_client.get(reverse("admin:roster_student_history", args=[pk])),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    assert student_with_details.first_name in pages[0].content.decode()
    for page in pages:
        html = page.content.decode()
        assert not [secret for secret in SECRETS if secret in html]
        assert 'name="disability_category"' not in html and 'name="date_of_birth"' not in html
    search = admin_client.get(reverse("admin:roster_student_changelist") + "?q=S-77731")
    assert student_with_details.last_name not in search.content.decode()  # the number cannot be probed by search


def test_posting_the_restricted_fields_changes_nothing(admin_client, student_with_details):
    student = student_with_details
    form = {
        "school": student.school_id, "first_name": "Renamed", "last_name": student.last_name, "grade_level": "5",
        "is_active": "on", "disability_category": "Changed", "plan": "none", "date_of_birth": "2001-01-01",
        "student_number": "X", **{f"{p}-{k}": v for p in ("guardianships", "caseload_entries")
                                   for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()},
    }
    response = admin_client.post(reverse("admin:roster_student_change", args=[student.pk]), form)
    assert response.status_code == 302, [(f.formset.prefix, f.formset.errors, f.formset.non_form_errors()) for f in response.context["inline_admin_formsets"]]
    student.refresh_from_db()
    assert student.first_name == "Renamed"  # the form was accepted: only the restricted fields were ignored
    assert (student.disability_category, student.plan, str(student.date_of_birth), student.student_number) == (
        "Autism", Student.Plan.IEP, "2015-03-09", "S-77731")
