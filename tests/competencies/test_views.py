"""Pages: the class grid, bulk entry in one request, a student's progression and chart, exports."""

from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from competencies import services
from competencies.models import Evidence, Mastery
from tests.factories.competencies import CompetencyFactory
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def give(student, competency, score, teacher, days_ago=0):
    services.record_evidence(student=student, competencies=[competency], score=D(score), kind="quiz", demonstration="written",
                             observed_on=timezone.localdate() - timedelta(days=days_ago), recorded_by=teacher)


@pytest.mark.parametrize(("student_count", "competency_count"), [(1, 3), (8, 12)])
def test_grid_query_count_does_not_grow_with_students_or_competencies(
    client, teacher, section, framework, competencies, student, student_count, competency_count, django_assert_num_queries
):
    """P1/T10: the same literal count at 1 x 3 and 8 x 12 (students x competencies)."""
    extra = [CompetencyFactory(framework=framework) for _ in range(competency_count - 3)]
    services.link_section_competencies(section=section, competencies=[*competencies, *extra])
    for _ in range(student_count - 1):
        EnrollmentFactory(student=StudentFactory(school=section.school), section=section)
    for competency in [*competencies, *extra]:
        give(student, competency, 3, teacher)
    client.force_login(teacher)
    with django_assert_num_queries(9):  # 8, the class door (one query, its answers reused by the permission) (its events in one INSERT ... SELECT, issue 19.3), the standing (19.2)
        response = client.get(reverse("competencies:section-grid", args=[section.pk]))
    assert (len(response.context["students"]), len(response.context["competencies"])) == (student_count, competency_count)


def test_grid_cells_carry_symbol_and_words_not_only_colour(client, teacher, section, competencies, student):
    """T9.5 / WCAG 1.4.1: a mastered cell says so in a symbol (drawn from its class) and in words, links to the result."""
    give(student, competencies[0], 4, teacher)
    client.force_login(teacher)
    html = client.get(reverse("competencies:section-grid", args=[section.pk])).content.decode()
    href = reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk])
    assert f'<td class="state-mastered"><a href="{href}">4<span class="vh"> Advanced, mastered</span></a></td>' in html
    css = Path(finders.find("competencies/competencies.css")).read_text()
    assert '.mastery-grid td.state-mastered a::before { content: "\\2714"; content: "\\2714" / ""; }' in css
    assert ".mastery-grid .vh { position: absolute !important;" in css
    assert "<caption id=\"grid-caption\">Mastery of 1 student on 3 competencies." in html
    assert 'style=' not in html and "<script>" not in html


def test_grid_cells_escape_a_level_name_from_an_imported_scale(client, teacher, section, framework, competencies, student):
    """T4: a level's name comes from an imported framework; the grid prints it as text, never as markup (its cells are
    printed in Python, not by the template engine)."""
    from competencies.models import ProficiencyLevel

    ProficiencyLevel.objects.filter(scale__framework=framework, value=4).update(label='<img src=x onerror="alert(1)">')
    give(student, competencies[0], 4, teacher)
    client.force_login(teacher)
    html = client.get(reverse("competencies:section-grid", args=[section.pk])).content.decode()
    assert "<img src=x" not in html
    assert '4<span class="vh"> &lt;img src=x onerror=&quot;alert(1)&quot;&gt;, mastered</span>' in html


def test_grid_filters_by_domain(client, teacher, section, framework, student):
    fractions, decimals = CompetencyFactory(framework=framework, code="NF"), CompetencyFactory(framework=framework, code="NBT")
    a = CompetencyFactory(framework=framework, parent=fractions, code="5.NF.1")
    b = CompetencyFactory(framework=framework, parent=decimals, code="5.NBT.1")
    services.link_section_competencies(section=section, competencies=[a, b])
    client.force_login(teacher)
    response = client.get(reverse("competencies:section-grid", args=[section.pk]), {"domain": decimals.pk})
    assert response.context["competencies"] == [b]
    fragment = client.get(reverse("competencies:section-grid", args=[section.pk]), {"domain": fractions.pk}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="grid"') and "5.NF.1" in fragment.content.decode()


def test_other_teacher_gets_404_for_a_class_not_theirs(client, other_teacher, section, competencies):
    client.force_login(other_teacher)
    assert client.get(reverse("competencies:section-grid", args=[section.pk])).status_code == 404
    assert client.post(reverse("competencies:section-evidence", args=[section.pk]) + f"?competency={competencies[0].pk}",
                       {"observed_on": "2020-01-01"}).status_code == 404
    assert Evidence.objects.count() == 0


def _bulk_post(students, competency, level="3"):
    data = {"observed_on": timezone.localdate().isoformat(), "kind": "test", "demonstration": "written"}
    for kid in students:
        data[f"level_{kid.pk}"] = level
        data[f"acc_{kid.pk}"] = ["read_aloud"]
    data[f"how_{students[0].pk}"] = "oral"
    return data


@pytest.mark.parametrize("class_size", [5, 30])
def test_bulk_entry_for_a_class_is_one_request_with_bounded_queries(
    client, teacher, section, competencies, class_size, django_assert_num_queries
):
    """The class grid's bulk entry: 5 or 30 students, one POST, the same number of queries."""
    students = [StudentFactory(school=section.school) for _ in range(class_size)]
    for kid in students:
        EnrollmentFactory(student=kid, section=section)
    client.force_login(teacher)
    url = reverse("competencies:section-evidence", args=[section.pk]) + f"?competency={competencies[0].pk}"
    with django_assert_num_queries(26):  # 23, the history rows of the new results (issue 16.2), the plan's accommodations (issue 17.3), the class door (issue 19.3), the person's standing (issue 19.2)
        response = client.post(url, _bulk_post(students, competencies[0]))
    assert response.status_code == 302 and response["Location"] == reverse("competencies:section-grid", args=[section.pk])
    assert Evidence.objects.filter(competency=competencies[0], accommodations=["read_aloud"]).count() == class_size
    assert Evidence.objects.get(student=students[0]).demonstration == "oral"
    assert Mastery.objects.filter(competency=competencies[0], is_mastered=True).count() == class_size


def test_bulk_entry_with_a_level_outside_the_scale_writes_nothing(client, teacher, section, competencies, student):
    client.force_login(teacher)
    url = reverse("competencies:section-evidence", args=[section.pk]) + f"?competency={competencies[0].pk}"
    response = client.post(url, _bulk_post([student], competencies[0], level="7"))
    assert response.status_code == 200
    assert "Choose one of the levels on the scale." in response.content.decode()
    assert Evidence.objects.count() == 0


def test_single_entry_refuses_unknown_competency_and_future_date(client, teacher, student, competencies):
    client.force_login(teacher)
    url = reverse("competencies:evidence-new", args=[student.uuid])
    foreign = CompetencyFactory()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"competencies": [foreign.pk], "level": "3", "observed_on": tomorrow, "kind": "quiz",
                                 "demonstration": "oral"})
    html = response.content.decode()
    assert "That competency is not one this student is working on." in html and "The date cannot be in the future." in html
    assert Evidence.objects.count() == 0
    response = client.post(url, {"competencies": [competencies[0].pk], "level": "3", "observed_on": timezone.localdate().isoformat(),
                                 "kind": "quiz", "demonstration": "oral", "accommodations": ["read_aloud"]})
    assert response.status_code == 302
    assert list(Evidence.objects.values_list("student", "score", "accommodations")) == [(student.pk, D(3), ["read_aloud"])]


def test_teacher_cannot_enter_evidence_for_a_student_outside_their_classes(client, teacher, other_student):
    client.force_login(teacher)
    response = client.post(reverse("competencies:evidence-new", args=[other_student.uuid]), {"level": "3"})
    assert response.status_code == 404
    assert Evidence.objects.count() == 0


def test_family_sees_progress_but_cannot_record(client, guardian, student, teacher, competencies):
    give(student, competencies[0], 3, teacher)
    client.force_login(guardian)
    page = client.get(reverse("competencies:student-progress", args=[student.uuid]))
    assert page.status_code == 200 and "Record a result" not in page.content.decode()
    assert client.get(reverse("competencies:evidence-new", args=[student.uuid])).status_code == 403


def test_progression_shows_mastered_next_and_credit(client, teacher, student, competencies):
    give(student, competencies[0], 4, teacher)
    client.force_login(teacher)
    course = client.get(reverse("competencies:student-progress", args=[student.uuid])).context["courses"][0]
    # 5.NF.1 mastered -> 5.NF.2 (needs 5.NF.1) and 5.NF.3 (no prerequisite) are ready; no credit yet
    assert ([c.code for c in course["ready"]], course["mastered_count"], course["credit_earned"]) == (["5.NF.2", "5.NF.3"], 1, False)
    for competency in competencies[1:]:
        give(student, competency, 3, teacher)
    course = client.get(reverse("competencies:student-progress", args=[student.uuid])).context["courses"][0]
    assert (course["ready"], course["mastered_count"], course["credit_earned"]) == ([], 3, True)


def test_chart_is_an_svg_image_with_a_data_table_and_writes_one_access_event(client, teacher, student, competencies):
    """T9.5 charts and T2.1 one AccessEvent per student page."""
    give(student, competencies[0], 2, teacher, days_ago=20)
    give(student, competencies[0], 4, teacher)
    client.force_login(teacher)
    before = AccessEvent.objects.count()
    response = client.get(reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk]))
    html = response.content.decode()
    assert AccessEvent.objects.count() == before + 1
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert html.count('<circle class="point"') == 2 and '<caption id="results-caption">Every result, oldest first (the data of the chart)</caption>' in html
    assert "Proficient: recent results count more (2 results so far)." in html  # .65*4 + .35*2 = 3.30


def test_student_evidence_csv_is_an_export_event(client, guardian, teacher, student, competencies):
    give(student, competencies[0], 3, teacher)
    client.force_login(guardian)
    response = client.get(reverse("competencies:student-evidence-csv", args=[student.uuid]))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Date,Code,Competency,Level") and len(lines) == 2 and ",5.NF.1,Fractions skill 1,3.00," in lines[1]
    assert AccessEvent.objects.filter(student=student, action="export").count() == 1


def test_section_csv_records_a_disclosure_per_student(client, teacher, section, student, competencies):
    give(student, competencies[0], 4, teacher)
    client.force_login(teacher)
    lines = client.get(reverse("competencies:section-grid-csv", args=[section.pk])).content.decode().splitlines()
    assert lines == ["Student,5.NF.1,5.NF.2,5.NF.3", "Maya Rivera,4.00 Advanced (mastered),,"]
    assert AccessEvent.objects.filter(student=student, action="export").count() == 1


def test_override_page_saves_reason_and_shows_it(client, teacher, student, competencies):
    give(student, competencies[0], 2, teacher)
    client.force_login(teacher)
    url = reverse("competencies:mastery-override", args=[student.uuid, competencies[0].pk])
    assert "Say why" in client.post(url, {"level": "3", "reason": ""}).content.decode()
    client.post(url, {"level": "3", "reason": "Explained it aloud"})
    page = client.get(reverse("competencies:student-competency", args=[student.uuid, competencies[0].pk])).content.decode()
    assert "“Explained it aloud”" in page and "(set by a teacher)" in page


@pytest.mark.parametrize("competency_count", [3, 12])
def test_progress_page_query_count_does_not_grow_with_competencies(
    client, teacher, section, framework, competencies, student, competency_count, django_assert_num_queries
):
    """T10: a student's progression at 3 and 12 competencies, the same literal count.

    9: session, user, the door (the student with every relationship the permission checks and the other apps'
    tabs in student_base.html read, one query), the audit row, then the progression itself: sections, links,
    prerequisites, mastery, the scale joined to its levels (may-record costs no query)."""
    extra = [CompetencyFactory(framework=framework) for _ in range(competency_count - 3)]
    services.link_section_competencies(section=section, competencies=[*competencies, *extra])
    for competency in [*competencies, *extra]:
        give(student, competency, 3, teacher)
    client.force_login(teacher)
    with django_assert_num_queries(9):
        response = client.get(reverse("competencies:student-progress", args=[student.uuid]))
    assert len(response.context["courses"][0]["cells"]) == competency_count


@pytest.mark.parametrize("raw", ["²", "٣", "99999999999999999999", "-1", "0", "1e3", " 1"])
def test_a_strange_id_in_the_address_means_nothing_chosen_not_an_error(client, teacher, section, competencies, raw):
    """Issue 15 / quality.md T4: "²" passes str.isdigit() but not int(), and 20 digits overflow the database id.
    The grid, the evidence form and a new session treat them as "nothing chosen" (config.params)."""
    client.force_login(teacher)
    grid = reverse("competencies:section-grid", args=[section.pk])
    evidence = reverse("competencies:section-evidence", args=[section.pk])
    session = reverse("paths:session-new", args=[section.pk])
    assert client.get(f"{grid}?domain={raw}&competency={raw}").status_code == 200
    assert client.get(f"{evidence}?competency={raw}").status_code == 200
    assert client.get(f"{session}?competency={raw}&student={raw}").status_code == 200


# --- issue 17.3: the grid's empty state, colours and scroll box; recording with the plan's accommodations ---------


def test_empty_grid_names_the_real_cause_and_offers_nothing_to_record(client, teacher, section, student):
    """A class with students and no competencies says exactly that and what to do; no "Record results" button."""
    client.force_login(teacher)
    html = client.get(reverse("competencies:section-grid", args=[section.pk])).content.decode()
    assert "1 student is enrolled, but no competencies are linked to this class yet." in html
    assert "Ask your district administrator to import the framework for this subject" in html
    assert "no students or no competencies" not in html
    assert reverse("competencies:section-evidence", args=[section.pk]) not in html


def test_empty_grid_without_students_says_so(client, teacher, section, competencies):
    client.force_login(teacher)
    html = client.get(reverse("competencies:section-grid", args=[section.pk])).content.decode()
    assert "No students are enrolled in this class this term." in html
    assert reverse("competencies:section-evidence", args=[section.pk]) not in html


def test_grid_scroll_box_is_a_named_focusable_region_and_cells_use_bootstraps_variables(
        client, teacher, section, competencies, student):
    """T9.1 (scrollable region focusable, named) and the legend's colours on the cells (Bootstrap's table paints cells
    from --bs-table-bg, which beat a plain background: every cell was white)."""
    client.force_login(teacher)
    html = client.get(reverse("competencies:section-grid", args=[section.pk])).content.decode()
    assert '<div class="grid-scroll" role="region" tabindex="0" aria-labelledby="grid-caption">' in html
    css = Path(finders.find("competencies/competencies.css")).read_text()
    assert ".mastery-grid tbody td { --bs-table-bg: var(--state-bg);" in css
    assert ".mastery-grid thead th { position: sticky; top: 0;" in css


def test_plan_accommodations_are_read_in_plain_words():
    from competencies.selectors import accommodation_kinds

    assert accommodation_kinds("Read aloud (except reading comprehension items)") == {"read_aloud"}
    assert accommodation_kinds("Extended time (time and a half)") == {"extended_time"}
    assert accommodation_kinds("Separate, quiet setting") == {"small_group"}
    assert accommodation_kinds("Tiempo extendido y calculadora") == {"extended_time", "calculator"}
    assert accommodation_kinds("Preferential seating") == set()


@pytest.mark.parametrize("class_size", [2, 6])
def test_recording_ticks_each_students_plan_accommodations(
        client, teacher, section, competencies, class_size, django_assert_num_queries):
    """Each student's assessment accommodations from the plan arrive ticked (classroom ones and stopped ones do not),
    folded into one line per student; the page's queries do not grow with the class (T10)."""
    from tests.factories.profiles import AccommodationFactory

    students = [StudentFactory(school=section.school) for _ in range(class_size)]
    for kid in students:
        EnrollmentFactory(student=kid, section=section)
        AccommodationFactory(student=kid, category="assessment", description="Read aloud (math tests)")
        AccommodationFactory(student=kid, category="assessment", description="Extended time")
        AccommodationFactory(student=kid, category="classroom", description="Movement break every 20 minutes")
        AccommodationFactory(student=kid, category="assessment", description="Calculator", is_active=False)
    client.force_login(teacher)
    url = reverse("competencies:section-evidence", args=[section.pk]) + f"?competency={competencies[0].pk}"
    with django_assert_num_queries(12):  # 11, the class door (issue 19.3) and the person's standing (issue 19.2)
        response = client.get(url)
    html = response.content.decode()
    form = response.context["form"]
    assert [form[f"acc_{kid.pk}"].initial for kid in students] == [["read_aloud", "extended_time"]] * class_size
    assert html.count("2 accommodations from the plan") == class_size
    assert html.count('<details class="accommodations-used">') == class_size
