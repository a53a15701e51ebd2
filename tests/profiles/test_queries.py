"""P1 / T10: the profile pages' query counts do not grow with goals, accommodations or history."""

import pytest
from django.urls import reverse

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from profiles import services
from profiles.models import ProfileSection
from roster.access import relationships, standing
from tests.factories.profiles import AccommodationFactory, ProfileGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_profile(teacher, student):
    def fill(count: int) -> None:
        ProfileGoalFactory.create_batch(count, student=student)
        AccommodationFactory.create_batch(count, student=student, category="classroom")
        AccommodationFactory.create_batch(count, student=student, category="assessment")
        for kind in ProfileSection.Kind.values[:count]:
            for version in range(1, count + 1):
                services.update_section(student=student, kind=kind, text=f"v{version}", base_version=version, edited_by=teacher)

    return fill


def shared_frame_queries(user, student) -> int:
    """Queries made by the shared student page frame (roster/student_base.html: other apps' tabs
    may ask the policy), measured on its own so the counts below are this app's exactly."""
    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    fresh = type(student).objects.select_related("school__district").get(pk=student.pk)
    relationships(user, fresh)  # the door reads them with the student (P1): the frame's tabs ask no more
    standing(user)  # and the person's standing, for the navigation's flags (issue 19.2)
    with CaptureQueriesContext(connection) as captured:
        render_to_string("roster/student_base.html", {"student": fresh, "user": user}, request=request)
    return len(captured)


# Session, user, the door (the student with every relationship, one query; the AccessEvent insert),
# then sections, goals and accommodations, then the statements of disagreement shown next to them (one query
# for the page, T3.4): 8 in all (quality.md P1: at most 12).
@pytest.mark.parametrize("item_count", [1, 3])
def test_profile_page_query_count(client, teacher, student, filled_profile, item_count, django_assert_num_queries):
    filled_profile(item_count)
    client.force_login(teacher)
    frame = shared_frame_queries(teacher, student)
    with django_assert_num_queries(8 + frame):
        response = client.get(reverse("profiles:detail", args=[student.uuid]))
    assert len(response.context["profile"].goals) == item_count
    assert len(response.context["profile"].accommodations) == 2 * item_count
    assert [s.text for s in response.context["profile"].sections if s.text] == [f"v{item_count}"] * item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_profile_page_query_count_for_a_parent(client, guardian, student, filled_profile, item_count, django_assert_num_queries):
    filled_profile(item_count)
    client.force_login(guardian)
    with django_assert_num_queries(8 + shared_frame_queries(guardian, student)):  # with the statements (T3.4)
        response = client.get(reverse("profiles:detail", args=[student.uuid]))
    assert len(response.context["profile"].goals) == item_count


def shared_frame_queries(user, student) -> int:
    """Queries made by the shared student page frame (roster/student_base.html: other apps' tabs
    may ask the policy), measured on its own so the counts below are this app's exactly."""
    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    fresh = type(student).objects.select_related("school__district").get(pk=student.pk)
    relationships(user, fresh)  # the door reads them with the student (P1): the frame's tabs ask no more
    standing(user)  # and the person's standing, for the navigation's flags (issue 19.2)
    with CaptureQueriesContext(connection) as captured:
        render_to_string("roster/student_base.html", {"student": fresh, "user": user}, request=request)
    return len(captured)


# Session, user, the door (2), then one history query per tracked model (3): 7.
@pytest.mark.parametrize("item_count", [1, 3])
def test_history_page_query_count(client, teacher, student, filled_profile, item_count, django_assert_num_queries):
    filled_profile(item_count)
    client.force_login(teacher)
    with django_assert_num_queries(7 + shared_frame_queries(teacher, student)):
        response = client.get(reverse("profiles:history", args=[student.uuid]))
    # per section: creation + item_count edits, goals and accommodations: creation only
    assert len(response.context["entries"]) == item_count * (item_count + 1) + 3 * item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_packet_and_meet_query_counts(client, teacher, student, filled_profile, item_count, django_assert_num_queries):
    filled_profile(item_count)
    client.force_login(teacher)
    with django_assert_num_queries(7):  # the packet page has no student tabs
        client.get(reverse("profiles:packet", args=[student.uuid]))
    with django_assert_num_queries(8 + shared_frame_queries(teacher, student)):  # + the statements (T3.4)
        response = client.get(reverse("profiles:meet", args=[student.uuid]))
    assert len(response.context["profile"].classroom_accommodations) == item_count
