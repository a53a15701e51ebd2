"""Issue 19.1: the places that once wrote "a guardian with rights to the record" themselves now ask roster/access.py;
each answers exactly as access.guardians_with_rights / family_readers for a barred guardian, a former guardian and
the guardian of a student who has turned 18 (FERPA 99.5), so a copy written again fails here."""

from datetime import timedelta

import pytest
from django.utils import timezone

from family_portal import selectors as family_selectors
from family_portal import services as family_services
from iep import selectors as iep_selectors
from iep import services as iep_services
from roster import access
from roster.models import Guardianship, Student
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(student, guardian):
    barred, former = UserFactory(role="guardian"), UserFactory(role="guardian")
    Guardianship.objects.create(guardian=barred, student=student, may_access_records=False)
    Guardianship.objects.create(guardian=former, student=student, is_active=False)
    adult = Student.objects.create(school=student.school, first_name="Adult", last_name="Z", grade_level="12",
                                   plan=Student.Plan.IEP, date_of_birth=timezone.localdate() - timedelta(days=19 * 366),
                                   user=UserFactory(role="student"))
    Guardianship.objects.create(guardian=guardian, student=adult)
    return [student, adult]


def test_every_call_site_names_only_guardians_with_rights(families, guardian):
    for student in families:
        want = set(access.guardians_with_rights(student))
        assert set(family_services.guardians_with_access(student)) == want
        readers = {u.email for u in access.family_readers(student)}
        assert {email for email, _lang in iep_services._family_readers(student)} == readers
        offered = {c.user for c in iep_selectors.team_candidates(student, None) if c.suggested_role == "parent"}
        assert offered == want
    child, adult = families
    assert set(access.guardians_with_rights(child)) == {guardian} and not access.guardians_with_rights(adult).exists()
    assert {u.email for u in access.family_readers(adult)} == {adult.user.email}
    contents = family_selectors.digest_contents(family_ids=[u.pk for u in guardian.__class__.objects.all()],
                                                week=timezone.localdate() - timedelta(days=timezone.localdate().weekday()))
    named = {(family_id, c.student.pk) for family_id, content in contents.items() for c in content.children}
    assert named == {(guardian.pk, child.pk)}
