"""Issue 20.7: small groups in paths formed from the same data. A class's Small groups page offers the students of
the class on the same tier 2 or 3 intervention as a group, no larger than the intervention's group size, and
schedules it as a session with the intervention as its focus. P1: one query for it, the same with 2 or 6 plans."""

import pytest
from django.urls import reverse

from tests.factories.mtss import InterventionFactory, SupportPlanFactory
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _on(intervention, school, section, count, tier=2):
    kids = []
    for _ in range(count):
        kid = StudentFactory(school=school)
        EnrollmentFactory(student=kid, section=section)
        SupportPlanFactory(student=kid, intervention=intervention, area=intervention.area, tier=tier)
        kids.append(kid)
    return kids


def test_students_on_the_same_intervention_are_offered_as_a_group(client, teacher, school, section, other_school):
    phonics = InterventionFactory(district=school.district, name="Phonics small group", group_size=3,
                                  sessions_per_week=4, minutes=30)
    together = _on(phonics, school, section, 5)  # 5 students, groups of at most 3: 3 and 2
    _on(InterventionFactory(district=school.district, name="Number sense", area="math"), school, section, 1)  # alone
    elsewhere = StudentFactory(school=school)  # same intervention, another class: not in this class's groups
    SupportPlanFactory(student=elsewhere, intervention=phonics)
    client.force_login(teacher)

    response = client.get(reverse("paths:section-groups", args=[section.pk]))
    groups = response.context["sourced_groups"]
    assert [len(group.students) for group in groups] == [3, 2]
    assert {s for group in groups for s in group.students} == set(together)
    assert groups[0].heading == "Reading, tier 2: Phonics small group"
    page = response.content.decode()
    assert "Groups from support plans" in page and "groups up to 3, 4 sessions a week of 30 minutes" in page
    assert "Number sense" not in page and elsewhere.display_name not in page

    form = client.get(reverse("paths:session-new", args=[section.pk]),
                      {"focus": phonics.name, "student": [s.pk for s in groups[1].students]})
    assert form.context["form"].initial["focus"] == "Phonics small group"
    assert set(form.context["form"].initial["students"]) == {s.pk for s in groups[1].students}


def test_no_group_from_plans_when_nobody_shares_an_intervention(client, teacher, school, section):
    _on(InterventionFactory(district=school.district, name="Phonics small group"), school, section, 1)
    client.force_login(teacher)
    response = client.get(reverse("paths:section-groups", args=[section.pk]))
    assert response.context["sourced_groups"] == [] and "Groups from support plans" not in response.content.decode()


@pytest.mark.parametrize("count", [2, 6])
def test_the_groups_page_reads_the_plans_in_one_query(client, teacher, school, section, count,
                                                      django_assert_num_queries):
    _on(InterventionFactory(district=school.district, group_size=6), school, section, count)
    client.force_login(teacher)
    with django_assert_num_queries(9):  # the door, its events, the standing, the class, its paths, the plans in one
        response = client.get(reverse("paths:section-groups", args=[section.pk]))
    assert sum(len(group.students) for group in response.context["sourced_groups"]) == count
