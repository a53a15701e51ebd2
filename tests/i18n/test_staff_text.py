"""Text written by staff is marked with its own language on a page in another one, with a visible note, and a
Spanish version is shown to Spanish readers when a staff member wrote one (issue 18; WCAG 3.1.2, T9)."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories.accounts import UserFactory
from tests.factories.family_portal import HighlightFactory
from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory, TeamMemberFactory
from tests.factories.profiles import AccommodationFactory

pytestmark = pytest.mark.django_db

TAG = Template('{% load reader_language %}{% staff_text obj "description" %}')


def _render(obj, language):
    with translation.override(language):
        return TAG.render(Context({"obj": obj}))


def test_on_an_english_page_english_text_is_printed_as_it_is(student):
    item = AccommodationFactory(student=student, description="Extra time <50%>")
    assert _render(item, "en") == "Extra time &lt;50%&gt;"


def test_on_a_spanish_page_english_text_gets_its_lang_and_a_visible_note(student):
    item = AccommodationFactory(student=student, description="Extra time")
    assert _render(item, "es") == '<span lang="en">Extra time</span> <span class="written-in">(en inglés)</span>'


def test_a_spanish_version_is_shown_to_spanish_readers_only(student):
    item = AccommodationFactory(student=student, description="Extra time", description_es="Tiempo adicional")
    assert _render(item, "es") == "Tiempo adicional"
    assert _render(item, "en") == "Extra time"


@pytest.fixture
def spanish_family(guardian):
    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    return guardian


def test_a_spanish_family_reads_the_goal_marked_or_in_its_spanish_version(client, spanish_family, student, case_manager):
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    TeamMemberFactory(plan=plan, user=spanish_family, role="parent")
    goal = GoalFactory(plan=plan, statement="Will read 70 words correctly per minute.")
    ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=7), value=44)
    client.force_login(spanish_family)
    url = reverse("iep:student-iep", args=[student.uuid])
    body = client.get(url).content.decode()
    assert '<span lang="en">Will read 70 words correctly per minute.</span> <span class="written-in">(en inglés)</span>' in body
    assert "Cada semana" in body and "Weekly" not in body  # how often: a choice, translated
    goal.statement_es = "Leerá 70 palabras correctamente por minuto."
    goal.save(update_fields=["statement_es"])
    body = client.get(url).content.decode()
    assert "Leerá 70 palabras correctamente por minuto." in body and "Will read 70 words" not in body


def test_a_highlight_is_marked_on_the_spanish_family_page(client, spanish_family, student, teacher):
    HighlightFactory(student=student, author=teacher, text="Maya read aloud today.")
    client.force_login(spanish_family)
    body = client.get(reverse("family_portal:child", args=[student.uuid])).content.decode()
    assert '<span lang="en">Maya read aloud today.</span> <span class="written-in">(en inglés)</span>' in body


def test_an_answer_and_a_highlight_reach_a_spanish_family_in_their_spanish_version_by_email(
        student, guardian, case_manager, teacher, django_capture_on_commit_callbacks, mailoutbox):
    from family_portal import services as portal
    from iep import services as iep_services
    from tests.factories.iep import IEPInputFactory

    guardian.preferred_language = "es"
    guardian.save(update_fields=["preferred_language"])
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    TeamMemberFactory(plan=plan, user=guardian, role="parent")
    item = IEPInputFactory(student=student, submitted_by=guardian, sender="family")
    with django_capture_on_commit_callbacks(execute=True):
        iep_services.move_input(input_id=item.pk, action="answer", by=case_manager, seen_status=item.status,
                                answer="Thank you, we will talk on Monday.", answer_es="Gracias, hablamos el lunes.")
    (answer_mail,) = [m for m in mailoutbox if guardian.email in m.to]
    assert "Gracias, hablamos el lunes." in answer_mail.body and "Thank you" not in answer_mail.body
    item.refresh_from_db()
    with translation.override("es"):
        rendered = Template('{% load reader_language %}{% staff_text i "answer" %}').render(Context({"i": item}))
    assert rendered == "Gracias, hablamos el lunes."


def test_a_profile_section_is_marked_for_a_spanish_reading_teacher_and_left_plain_for_an_english_one(
        client, student, case_manager):
    """A learner profile's sections are written by staff in paragraphs: on a Spanish page the block carries
    lang="en" and the note after it (the Spanish crawl found them unmarked on staff pages, stop 26)."""
    from tests.factories.profiles import ProfileSectionFactory

    ProfileSectionFactory(student=student, text="Loves maps.\n\nReads timelines aloud.")
    student.disability_category = "Specific learning disability"
    student.save(update_fields=["disability_category"])
    client.force_login(case_manager)
    url = reverse("profiles:detail", args=[student.uuid])
    english = client.get(url).content.decode()
    assert '<div class="text-break-anywhere"><p>Loves maps.</p>\n\n<p>Reads timelines aloud.</p></div>' in english
    assert "written-in" not in english and "</strong> Specific learning disability</p>" in english
    case_manager.preferred_language = "es"
    case_manager.save(update_fields=["preferred_language"])
    spanish = client.get(url).content.decode()
    assert ('<div class="text-break-anywhere" lang="en"><p>Loves maps.</p>\n\n<p>Reads timelines aloud.</p></div>'
            '<p class="written-in small text-body-secondary">(en inglés)</p>') in spanish
    assert '<span lang="en">Specific learning disability</span>' in spanish  # a value staff typed, in English


def test_a_spanish_reading_student_reads_her_help_in_the_version_her_team_wrote(client, student):
    """Her own profile's "Help I can use" goes through the same rule as the family's page: the Spanish version
    when the team wrote one, else the English marked as such (it printed the English unmarked before)."""
    AccommodationFactory(student=student, description="Extra time on tests", description_es="Tiempo adicional en pruebas")
    AccommodationFactory(student=student, description="Audio books")
    student_user = UserFactory(role="student", email="maya@student.test", preferred_language="es")
    student.user = student_user
    student.save(update_fields=["user"])
    client.force_login(student_user)
    body = client.get(reverse("profiles:detail", args=[student.uuid])).content.decode()
    assert '<li class="text-break-anywhere">Tiempo adicional en pruebas</li>' in body and "Extra time" not in body
    assert '<span lang="en">Audio books</span> <span class="written-in">(en inglés)</span>' in body


# --- Notes and reasons staff write on staff pages: marked English for a Spanish-reading colleague ------------------

@pytest.fixture
def spanish_teacher(teacher):
    teacher.preferred_language = "es"
    teacher.save(update_fields=["preferred_language"])
    return teacher


def test_support_plan_notes_and_tier_reasons_are_marked_for_a_spanish_reading_teacher(client, spanish_teacher, student):
    from mtss import services as mtss
    from tests.factories.mtss import SupportPlanFactory

    plan = SupportPlanFactory(student=student, interventionist=spanish_teacher)
    with translation.override("en"):
        mtss.set_tier(student=student, area="reading", tier=2, reason="Fall screening: 15th percentile", by=spanish_teacher)
        mtss.record_result(plan=plan, measured_on=plan.start_date + timedelta(days=7), value=45,
                           note="Tired after recess", by=spanish_teacher)
        mtss.log_session(plan=plan, held_on=plan.start_date + timedelta(days=8), delivered=False, minutes=None,
                         missed_reason="other", note="Fire drill", by=spanish_teacher)
    client.force_login(spanish_teacher)
    plan_page = client.get(reverse("mtss:plan", args=[student.uuid, plan.pk])).content.decode()
    assert '<td><span lang="en">Tired after recess</span></td>' in plan_page
    assert '<td><span lang="en">Fire drill</span></td>' in plan_page
    student_page = client.get(reverse("mtss:student", args=[student.uuid])).content.decode()
    assert '<td><span lang="en">Fall screening: 15th percentile</span></td>' in student_page


def test_a_voided_results_reason_is_marked_in_the_goals_history(client, student, case_manager):
    from iep import services as iep

    case_manager.preferred_language = "es"
    case_manager.save(update_fields=["preferred_language"])
    plan = IEPPlanFactory(student=student, case_manager=case_manager)
    goal = GoalFactory(plan=plan)
    point = ProgressPointFactory(goal=goal, measured_on=goal.baseline_date + timedelta(days=7), value=44,
                                 note="Probe 3", recorded_by=case_manager)
    iep.void_result(goal=goal, point_id=point.pk, by=case_manager, version=point.version, reason="Typed twice")
    client.force_login(case_manager)
    body = client.get(reverse("iep:goal-detail", args=[student.uuid, goal.pk])).content.decode()
    assert '<div class="small"><span lang="en">Probe 3</span></div>' in body
    assert ': <span lang="en">Typed twice</span>' in body


def test_a_path_templates_names_and_descriptions_are_marked_for_a_spanish_reading_teacher(client, spanish_teacher, school):
    from tests.factories.competencies import FrameworkFactory
    from tests.factories.paths import PathTemplateFactory, TemplateStepFactory

    template = PathTemplateFactory(school=school, framework=FrameworkFactory(), title="Fractions",
                                   description="Six weeks of fractions.")
    TemplateStepFactory(template=template, title="Halves", description="Fold paper in two.")
    client.force_login(spanish_teacher)
    body = client.get(reverse("paths:template-detail", args=[template.pk])).content.decode()
    assert '<h1 class="h2"><span lang="en">Fractions</span></h1>' in body
    assert '<p><span lang="en">Six weeks of fractions.</span> <span class="written-in">(en inglés)</span></p>' in body
    assert '1. <span lang="en">Halves</span></h2>' in body
    assert '<p><span lang="en">Fold paper in two.</span> <span class="written-in">(en inglés)</span></p>' in body
