"""A statement of disagreement is shown wherever the contested item is shown (FERPA 99.21(c); quality.md T3.4):
the learner profile (staff and family), the section fragment htmx swaps in, the IEP pages, the family portal,
and the progress-report PDF. The statements of a page are read in one query however many items it shows (P1)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from iep import services as iep_services
from iep.monitoring import quarter_of
from privacy.models import AmendmentRequest, RecordStatement
from privacy.registry import item_key
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.profiles import AccommodationFactory, ProfileGoalFactory, ProfileSectionFactory

pytestmark = pytest.mark.django_db


def contest(student, by, obj, field: str, text: str) -> RecordStatement:
    request = AmendmentRequest.objects.create(
        student=student, requested_by=by, item_key=item_key(type(obj), obj.pk, field), item_label=f"{obj} {field}",
        reason="It is wrong.", status=AmendmentRequest.Status.REFUSED)
    return RecordStatement.objects.create(request=request, text=text)


@pytest.fixture
def contested(student, guardian, case_manager):
    """Maya with a profile section, a profile goal, an accommodation, an IEP goal and one result, each contested."""
    section = ProfileSectionFactory(student=student, text="Avoids reading aloud at home.")
    profile_goal = ProfileGoalFactory(student=student, description="Reads one chapter book a month.")
    accommodation = AccommodationFactory(student=student, description="Extra time on tests.")
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    goal = GoalFactory(plan=plan)
    point = ProgressPointFactory(goal=goal, recorded_by=case_manager)
    return {
        "section": contest(student, guardian, section, "text", "SECTION: she reads aloud every evening."),
        "profile_goal": contest(student, guardian, profile_goal, "description", "PGOAL: she already does."),
        "accommodation": contest(student, guardian, accommodation, "description", "ACCOM: needs a quiet room too."),
        "statement": contest(student, guardian, goal, "statement", "GOAL: the goal is too low."),
        "baseline": contest(student, guardian, goal, "baseline", "BASELINE: she was ill that day."),
        "point": contest(student, guardian, point, "value", "POINT: the probe was interrupted."),
        "objects": {"section": section, "goal": goal, "plan": plan},
    }


def page(user, name: str, **kwargs) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_profile_page_shows_each_statement_next_to_its_item_for_staff_and_family(contested, student, case_manager, guardian):
    """T3.4: the learner profile page (staff and family) shows the statements on a section, a goal and an
    accommodation, each after the contested text and labelled as the family's statement."""
    for viewer in (case_manager, guardian):
        html = page(viewer, "profiles:detail", student_id=student.uuid)
        for key, contested_text in [("section", "Avoids reading aloud at home."), ("profile_goal", "Reads one chapter book a month."),
                                    ("accommodation", "Extra time on tests.")]:
            statement = contested[key].text
            assert html.count(statement) == 1, (viewer, key)
            assert html.index(contested_text) < html.index(statement)
        assert html.count('role="note" aria-label="Statement of disagreement from the family"') == 3


def test_section_fragment_and_edit_form_show_the_statement(contested, student, case_manager):
    """T3.4: the reading-mode fragment htmx swaps back in, and the edit form of the contested section."""
    kind = contested["objects"]["section"].kind
    assert contested["section"].text in page(case_manager, "profiles:section", student_id=student.uuid, kind=kind)
    assert contested["section"].text in page(case_manager, "profiles:section-edit", student_id=student.uuid, kind=kind)


def test_iep_pages_show_statements_on_the_goal_its_baseline_and_a_result(contested, student, case_manager, guardian):
    """T3.4: the IEP page and the goal page (staff), and the family portal's goals-and-progress page of the child."""
    goal = contested["objects"]["goal"]
    for html in (page(case_manager, "iep:student-iep", student_id=student.uuid),
                 page(case_manager, "iep:goal-detail", student_id=student.uuid, goal_id=goal.pk),
                 page(guardian, "iep:student-iep", student_id=student.uuid),
                 page(guardian, "family_portal:child-goals", student_id=student.uuid)):
        for key in ("statement", "baseline", "point"):
            assert html.count(contested[key].text) == 1, key
        assert html.index(goal.statement) < html.index(contested["statement"].text)


def test_family_portal_shows_the_statement_on_a_shared_profile_section(contested, student, guardian):
    html = page(guardian, "family_portal:child-about", student_id=student.uuid)
    assert html.index("Avoids reading aloud at home.") < html.index(contested["section"].text)
    assert html.index("Extra time on tests.") < html.index(contested["accommodation"].text)


def test_family_portal_shows_the_statement_on_a_profile_goal(contested, student, guardian):
    """T3.4: the goals the child, family and teachers set together carry the family's statement in the portal too."""
    html = page(guardian, "family_portal:child-goals", student_id=student.uuid)
    assert html.count(contested["profile_goal"].text) == 1
    assert html.index("Reads one chapter book a month.") < html.index(contested["profile_goal"].text)


def test_statements_stay_with_their_own_student_and_item(contested, student, case_manager, other_student, other_guardian):
    """No statement of another student's goal on Maya's pages, and none once the request is gone."""
    other_goal = GoalFactory(plan=IEPPlanFactory(student=other_student))
    contest(other_student, other_guardian, other_goal, "statement", "OTHER: not Maya's.")
    html = page(case_manager, "iep:student-iep", student_id=student.uuid)
    assert contested["statement"].text in html and "OTHER: not Maya's." not in html
    AmendmentRequest.objects.filter(student=student).delete()
    assert "Statement of disagreement from the family" not in page(case_manager, "iep:student-iep", student_id=student.uuid)


def pdf_text(html: str) -> str:
    document = HTML(string=html, base_url="about:blank").render()
    return " ".join(box.text for p in document.pages for box in p._page_box.descendants() if isinstance(box, boxes.TextBox))


def test_progress_report_pdf_shows_the_statements_of_its_goal(contested, student):
    """T3.4: the text laid out in the progress-report PDF holds the goal's statements (the PDF shows the goal,
    its baseline and its results)."""
    plan = contested["objects"]["plan"]
    html = render_to_string("iep/report_pdf.html", iep_services.report_context(plan=plan, period=quarter_of(timezone.localdate())))
    text = pdf_text(html)
    for key in ("statement", "baseline"):
        assert contested[key].text in text, key
    assert "Statement of disagreement from the family" in text


def test_statements_cost_one_query_per_page_however_many_items(contested, student, case_manager):
    """P1: the profile page shows three contested items and reads statements once; the IEP page three, once."""
    client = Client()
    client.force_login(case_manager)
    for name in ("profiles:detail", "iep:student-iep"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, kwargs={"student_id": student.uuid})).status_code == 200
        assert sum('"privacy_amendmentrequest"' in q["sql"] for q in queries.captured_queries) == 1, name
