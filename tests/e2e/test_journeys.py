"""The seven journeys of product.md ("Journeys that must work end to end"), through the browser (issue #9).

Each journey signs in as the demo accounts and does what a person does: links and buttons found by their
visible name, fields by their label. The database is read only to choose which demo students fit a journey
(the demo data is generated) and to check the result after the UI steps, never to perform a step.
"""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from accounts.models import User
from competencies import mastery
from competencies.models import Competency, Evidence, Framework, ImportJob, Mastery
from family_portal.models import Highlight
from iep import monitoring
from iep.models import IEPInput, ProgressReport
from iep.selectors import current_plan
from paths.models import PathStep
from profiles.models import ProfileSection
from roster.models import Enrollment, Guardianship, ImportRun, School, Section, StaffAssignment, Student
from tests.roster.roster_files import RosterFiles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAYA = "Maya Rivera"  # demo-student-00: IEP, on the case manager's caseload, child of parent@demo.test
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Reports, photos and attachments written by these journeys stay out of the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


def maya() -> Student:
    return Student.objects.get(sourced_id="demo-student-00")


def open_student(page, name: str, tab: str | None = None) -> None:
    """From a staff member's start page: the student by name, then one of the record's tabs."""
    page.get_by_role("link", name="My students").click()
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    if tab:
        page.get_by_role("link", name=tab, exact=True).click()


def post_highlight(session, student_name: str, text: str) -> None:
    page = session.page
    open_student(page, student_name, "Highlights for the family")
    page.get_by_label("Message to the family").fill(text)
    page.get_by_role("button", name="Post to the family").click()
    expect(page.get_by_text(text)).to_be_visible()


def parent_sends_input(page, kind_label: str, message_label: str, send_label: str, text: str) -> None:
    page.get_by_label(kind_label, exact=True).check()
    page.get_by_label(message_label).fill(text)
    page.get_by_role("button", name=send_label).click()


# --- journey 1 -------------------------------------------------------------------------------------------


def assessment_plan() -> tuple[Competency, list[Student], list[Student]]:
    """Five students of the teacher's math class assessed on one competency: the two who reach mastery
    with a 4 today (their path's open step is that competency and the step after it waits), and three
    who stay below mastery with a 1. Chosen from the generated demo evidence with the pure mastery code."""
    section = Section.objects.get(sourced_id="demo-section-math-1")
    students = list(Student.objects.filter(enrollments__section=section).order_by("last_name", "first_name"))

    def mastered_after(student, competency, score) -> bool | None:
        row = Mastery.objects.filter(student=student, competency=competency).first()
        if row is None or row.effective_mastered:
            return None
        scores = [e.score for e in Evidence.objects.filter(student=student, competency=competency).order_by("observed_on", "pk")]
        return mastery.compute([*scores, Decimal(score)], mastery.Params.from_json(row.params)).is_mastered

    by_competency: dict[Competency, list[Student]] = {}
    for student in students:
        steps = list(PathStep.objects.filter(path__student=student, path__is_active=True).order_by("position", "pk"))
        for index, step in enumerate(steps[:-1]):
            if step.status == PathStep.Status.OPEN and steps[index + 1].status == PathStep.Status.LOCKED:
                competencies = list(step.competencies.all())
                if len(competencies) == 1 and mastered_after(student, competencies[0], 4):
                    by_competency.setdefault(competencies[0], []).append(student)
                break
    competency, reaching = max(by_competency.items(), key=lambda item: len(item[1]))
    assert len(reaching) >= 2, "the demo data no longer has two students one result away from mastery"
    reaching = reaching[:2]
    staying = [s for s in students if s not in reaching and mastered_after(s, competency, 1) is False][:3]
    assert len(staying) == 3
    return competency, reaching, staying


def test_journey_1_teacher_records_an_assessment_paths_open_and_she_posts_a_highlight(signed_in_page):
    """product.md journey 1; the accommodations used are recorded with each result (quality.md "beyond peers")."""
    competency, reaching, staying = assessment_plan()
    assessed = reaching + staying
    next_steps = {}
    for student in reaching:
        steps = list(PathStep.objects.filter(path__student=student, path__is_active=True).order_by("position", "pk"))
        open_index = [s.status for s in steps].index(PathStep.Status.OPEN)
        next_steps[student.pk] = steps[open_index + 1].pk
    last_evidence = Evidence.objects.order_by("-pk").values_list("pk", flat=True).first()
    session = signed_in_page("teacher@demo.test")
    page = session.page

    page.get_by_role("link", name="Mastery grid for Grade 5 Math").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mastery grid: Grade 5 Math")
    page.get_by_role("link", name="Record results for the class").click()
    page.get_by_label("Competency assessed").select_option(str(competency.pk))
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_role("heading", level=2, name=competency.short_code)).to_be_visible()
    ticked = {}
    for student in assessed:
        page.get_by_label(f"Level for {student.display_name}").select_option("4" if student in reaching else "1")
        row = page.locator("tr", has=page.get_by_role("rowheader", name=student.display_name, exact=True))
        row.locator("summary").click()  # the accommodations, ticked from the student's plan (issue 17.3)
        row.get_by_label("Read aloud").check()
        ticked[student.pk] = sorted(row.locator("input[type=checkbox]:checked").evaluate_all("(boxes) => boxes.map(b => b.value)"))
    page.get_by_role("button", name="Save the results").click()

    expect(page.get_by_text("Saved 5 results. The grid shows the new mastery.")).to_be_visible()
    new_rows = Evidence.objects.filter(pk__gt=last_evidence)
    assert sorted((e.student_id, e.competency_id, e.score, sorted(e.accommodations), e.recorded_by.email) for e in new_rows) == sorted(
        (s.pk, competency.pk, Decimal(4 if s in reaching else 1), ticked[s.pk], "teacher@demo.test") for s in assessed)
    assert all("read_aloud" in accommodations for accommodations in ticked.values())
    now_mastered = set(Mastery.objects.filter(competency=competency, student__in=assessed, is_mastered=True)
                       .values_list("student_id", flat=True))
    assert now_mastered == {s.pk for s in reaching}
    assert set(PathStep.objects.filter(pk__in=next_steps.values()).values_list("status", flat=True)) == {PathStep.Status.OPEN}

    # What the teacher sees: the path of one who reached mastery now shows the next step open.
    first = reaching[0]
    open_student(page, first.display_name, "Learning path")
    next_title = PathStep.objects.get(pk=next_steps[first.pk]).title
    step_item = page.locator("li, tr, article, section", has_text=next_title).last
    expect(step_item).to_contain_text("Open: working on it")

    post_highlight(session, MAYA, "Maya explained her fraction strategy to the whole class today.")
    highlight = Highlight.objects.get(text="Maya explained her fraction strategy to the whole class today.")
    assert (highlight.student, highlight.author.email) == (maya(), "teacher@demo.test")
    assert session.problems.items == []


# --- journey 2 -------------------------------------------------------------------------------------------


def test_journey_2_two_people_edit_the_same_profile_section_nothing_is_lost(signed_in_page):
    """product.md journey 2; quality.md T7.1 (conflict shows both texts, 0 lost updates) through the in-place htmx edit."""
    teacher, manager = signed_in_page("teacher@demo.test"), signed_in_page("casemanager@demo.test")
    for session in (teacher, manager):
        open_student(session.page, MAYA, "Learner profile")
        session.page.get_by_role("link", name="Edit Strengths").click()
        expect(session.page.get_by_role("heading", name="Editing: Strengths")).to_be_visible()
    original = manager.page.get_by_label("Strengths", exact=True).input_value()
    teacher_line, manager_line = "Builds careful diagrams before she computes.", "Explains her reasoning aloud when asked."

    teacher.page.get_by_label("Strengths", exact=True).fill(f"{original}\n{teacher_line}")
    teacher.page.get_by_role("button", name="Save").click()
    expect(teacher.page.locator("#section-strengths")).to_contain_text(teacher_line)

    manager.page.get_by_label("Strengths", exact=True).fill(f"{original}\n{manager_line}")
    manager.page.get_by_role("button", name="Save").click()
    conflict = manager.page.get_by_role("alert")
    expect(conflict).to_contain_text("Your changes are not saved yet.")
    expect(conflict).to_contain_text("Saved meanwhile by")
    expect(manager.page.locator("#section-strengths")).to_contain_text(teacher_line)  # the text saved meanwhile, beside hers
    box = manager.page.get_by_label("Strengths", exact=True)
    assert manager_line in box.input_value() and teacher_line not in box.input_value()
    box.fill(f"{original}\n{teacher_line}\n{manager_line}")  # she merges: keeps both
    manager.page.get_by_role("button", name="Save").click()
    expect(manager.page.locator("#section-strengths")).to_contain_text(manager_line)
    expect(manager.page.get_by_role("alert")).to_have_count(0)

    section = ProfileSection.objects.get(student=maya(), kind="strengths")
    assert teacher_line in section.text and manager_line in section.text
    editors = list(section.history.order_by("-history_date").values_list("history_user__email", flat=True)[:2])
    assert editors == ["casemanager@demo.test", "teacher@demo.test"]

    manager.page.get_by_role("link", name="History of changes").click()
    timeline = manager.page.get_by_role("region", name="Every change, newest first")
    for name in (User.objects.get(email="teacher@demo.test").get_full_name(),
                 User.objects.get(email="casemanager@demo.test").get_full_name()):
        expect(timeline.get_by_text(name).first).to_be_visible()
    assert teacher.problems.items == [] and manager.problems.items == []


# --- journey 3 -------------------------------------------------------------------------------------------


def test_journey_3_student_chooses_a_short_video_and_updates_how_she_learns_best(signed_in_page):
    """product.md journey 3."""
    session = signed_in_page("student@demo.test")
    page = session.page

    # Issue 17.1: her own home offers the choice for today's step first.
    expect(page.get_by_role("heading", name="Today I am working on")).to_be_visible()
    page.get_by_role("link", name="Choose how I learn and show it").first.click()
    page.get_by_label("Make a short video").check()
    expect(page.get_by_label("Write a paragraph")).not_to_be_checked()
    page.get_by_label("Why I chose this (optional)").fill("I explain better when I can talk and draw.")
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Make a short video").first).to_be_visible()

    step = PathStep.objects.filter(path__student=maya(), chosen_show__isnull=False).get()
    assert (step.chosen_show.title, step.choice_reason) == ("Make a short video", "I explain better when I can talk and draw.")

    page.get_by_role("navigation", name="My pages").get_by_role("link", name="How I learn best", exact=True).click()
    page.get_by_role("link", name=re.compile("^(Write about me|Change what I wrote)$")).click()
    page.get_by_label("About me: how I learn best").fill("I learn best when I can draw it first and then explain it out loud.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("I learn best when I can draw it first and then explain it out loud.")).to_be_visible()

    about = ProfileSection.objects.get(student=maya(), kind="about_me")
    assert (about.text, about.updated_by.email) == ("I learn best when I can draw it first and then explain it out loud.", "student@demo.test")
    assert session.problems.items == []


# --- journey 4 -------------------------------------------------------------------------------------------


def test_journey_4_parent_in_spanish_sees_the_highlight_and_goal_chart_and_writes_to_the_iep_team(signed_in_page):
    """product.md journey 4; quality.md T9.5 (the goal chart has role=img, a name and a data table)."""
    post_highlight(signed_in_page("teacher@demo.test"), MAYA, "Maya led her group's fraction game today.")
    session = signed_in_page("parent@demo.test")
    page = session.page

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name=MAYA, exact=True).first.click()
    highlights = page.get_by_role("region", name="Destacados de la escuela")
    expect(highlights).to_contain_text("Maya led her group's fraction game today.")
    # The child's pages are tabs (quality.md P1): the parent moves to the goals by the tab's visible name.
    tabs = page.get_by_role("navigation", name=f"Páginas sobre {MAYA}")
    tabs.get_by_role("link", name="Metas y progreso", exact=True).click()
    expect(tabs.get_by_role("link", name="Metas y progreso", exact=True)).to_have_attribute("aria-current", "page")
    goals = page.get_by_role("region", name="Metas del IEP y progreso")
    charts = goals.get_by_role("img")
    expect(charts.first).to_be_visible()
    assert all(chart.get_attribute("aria-label") or chart.get_attribute("aria-labelledby") for chart in charts.all())
    expect(goals.locator("table caption").first).to_be_visible()

    page.get_by_role("link", name="Escribir al equipo del IEP").first.click()
    parent_sends_input(page, "Preocupación", "Su mensaje", "Enviar al equipo del IEP",
                       "Maya se cansa mucho con las tareas de lectura en casa.")

    expect(page.get_by_role("heading", level=1)).to_have_text("Recibimos su mensaje")
    expect(page.get_by_role("status")).to_contain_text("Recibido")
    sent = IEPInput.objects.get(text="Maya se cansa mucho con las tareas de lectura en casa.")
    assert (sent.student, sent.kind, sent.status, sent.submitted_by.email) == (maya(), "concern", "received", "parent@demo.test")
    assert session.problems.items == []


# --- journey 5 -------------------------------------------------------------------------------------------


def test_journey_5_director_assigns_case_manager_answers_and_takes_it_into_the_draft_parent_is_told(signed_in_page):
    """product.md journey 5; quality.md T7.3's happy path and the outbox email (T8.*) seen from the browser."""
    parent = signed_in_page("parent@demo.test")
    parent.page.get_by_role("link", name=MAYA, exact=True).first.click()
    parent.page.get_by_role("link", name="Write to the IEP team").first.click()
    question = "Could Maya have the math tests read aloud at home practice too?"
    parent_sends_input(parent.page, "Question", "Your message", "Send to the IEP team", question)
    expect(parent.page.get_by_role("heading", level=1)).to_have_text("Your message was received")
    item = IEPInput.objects.get(text=question)
    manager = User.objects.get(email="casemanager@demo.test")

    director = signed_in_page("director@demo.test")
    page = director.page
    page.get_by_role("link", name="IEP input queue").click()
    row = page.locator("tr", has=page.locator(f'a[href$="/iep/inputs/{item.pk}/"]'))
    expect(row).to_contain_text("Received")
    row.get_by_role("checkbox", name=f"Select Question about {MAYA}").check()
    page.get_by_label("Assign the selected inputs to").select_option(label=str(manager))
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("tr", has=page.locator(f'a[href$="/iep/inputs/{item.pk}/"]'))).to_contain_text("Assigned")

    cm = signed_in_page("casemanager@demo.test")
    page = cm.page
    page.get_by_role("link", name="IEP input queue").click()
    page.locator(f'a[href$="/iep/inputs/{item.pk}/"]').click()
    expect(page.get_by_role("region", name="Message as sent")).to_contain_text(question)
    page.get_by_role("button", name="Start the review").click()
    answer = "Yes: we will add read-aloud for math practice to the draft and send a recording home each week."
    page.get_by_label("Answer to the sender").fill(answer)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Done. The input is now: Answered.")).to_be_visible()
    page.get_by_role("button", name="Mark as taken into the IEP draft").click()
    expect(page.get_by_text("Done. The input is now: Taken into the IEP draft.")).to_be_visible()

    item.refresh_from_db()
    assert (item.status, item.assigned_to, item.answered_by, item.answer) == ("taken_into_draft", manager, manager, answer)
    told = [m for m in mail.outbox if m.to == ["parent@demo.test"] and answer in m.body]
    assert len(told) == 1 and item.answer_notified_at is not None

    parent.page.get_by_role("link", name="Messages to the school team").click()
    entry = parent.page.get_by_role("article").filter(has_text=question)
    expect(entry).to_contain_text("Taken into the IEP draft")
    expect(entry).to_contain_text(answer)
    assert [*parent.problems.items, *director.problems.items, *cm.problems.items] == []


# --- journey 6 -------------------------------------------------------------------------------------------


def test_journey_6_quarterly_progress_reports_for_every_student_with_an_iep_and_each_family_told(signed_in_page):
    """product.md journey 6 (quality.md P5 measures their speed; here: all made, all real PDFs, every family told once).
    The quarter has not ended, so the director chooses an interim report, up to today, and it is named so (issue 16.4)."""
    district_students = Student.objects.filter(school__district__sourced_id="demo-district")
    with_iep = [s for s in district_students if current_plan(s) is not None]
    assert len(with_iep) >= 2
    session = signed_in_page("director@demo.test")
    page = session.page

    page.get_by_role("link", name="IEP deadlines").click()
    today = timezone.localdate()
    period = monitoring.quarter_of(today)
    label = f"{monitoring.period_name(period)}: Interim report, up to {date_format(today, 'DATE_FORMAT')}"
    page.get_by_role("radio", name=re.compile(rf"^An interim report for {monitoring.period_name(period)}, which has not ended")).check()
    page.get_by_role("button", name="Produce the reports").click()
    # First who and what, and a question (issue 17.6): nothing is made by asking.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before producing the reports")
    assert not ProgressReport.objects.filter(period=period, interim_up_to=today).exists()
    button = page.get_by_role("button", name=f"Yes, produce {len(with_iep)} reports")
    mail.outbox.clear()
    with page.expect_navigation(timeout=300_000):  # eager tasks: every PDF is rendered inside this request
        button.click(no_wait_after=True)
    expect(page.get_by_text(f"{len(with_iep)} progress reports for {label} are being prepared.")).to_be_visible()

    reports = ProgressReport.objects.filter(period=period, interim_up_to=today, student__in=with_iep)
    assert sorted(r.student_id for r in reports) == sorted(s.pk for s in with_iep)
    for report in reports:
        with report.pdf.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        assert report.family_notified_at is not None
    expected = sorted(
        email for s in with_iep for email in Guardianship.objects.filter(student=s, is_active=True, may_access_records=True)
        .values_list("guardian__email", flat=True)
    )
    assert sorted(address for m in mail.outbox for address in m.to) == expected

    # Maya's family reads the new report from the portal.
    parent = signed_in_page("parent@demo.test")
    parent.page.get_by_role("link", name=MAYA, exact=True).first.click()
    expect(parent.page.get_by_role("link", name=f"read it ({label})")).to_be_visible()
    assert session.problems.items == [] and parent.problems.items == []


# --- journey 7 -------------------------------------------------------------------------------------------


def zipped(folder: Path, into: Path) -> Path:
    return Path(shutil.make_archive(str(into / folder.name), "zip", folder))


def roster_counts() -> tuple[int, ...]:
    return (School.objects.count(), Section.objects.count(), Student.objects.count(), User.objects.count(),
            Enrollment.objects.count(), Guardianship.objects.count())


def test_journey_7_district_admin_imports_a_oneroster_roster_and_a_case_framework(signed_in_page, tmp_path):
    """product.md journey 7: progress shown, bad rows named, nothing half-written (the refused file changes no row)."""
    session = signed_in_page("admin@demo.test")
    page = session.page
    before = roster_counts()

    page.get_by_role("link", name="District", exact=True).click()
    page.get_by_role("link", name="Import a roster").first.click()
    page.get_by_label("OneRoster file (.zip)").set_input_files(zipped(SAMPLES / "oneroster" / "v1p1-bulk-catalyst-full", tmp_path))
    page.get_by_role("button", name="Upload and check").click()
    status = page.locator("#import-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("The file was refused because of 8 problems that must be fixed in the export. Nothing was changed.")
    problems = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="What is wrong"))
    expect(problems).to_contain_text("names a department, not a school")
    errors = problems.get_by_role("row").filter(has=page.get_by_role("cell", name="Error", exact=True))
    expect(errors).to_have_count(8)  # each bad row named with its file, line and reason (warnings listed after)
    assert roster_counts() == before and ImportRun.objects.get().status == "refused"

    files = RosterFiles(students=5, staff=1, guardians=3, enrollments=5, district_id="demo-district")
    good = zipped(files.write(tmp_path / "riverside-fall"), tmp_path)
    page.get_by_role("link", name="Import a roster").click()
    page.get_by_label("OneRoster file (.zip)").set_input_files(good)
    page.get_by_label("Check only: show what would change, and change nothing").check()
    page.get_by_role("button", name="Upload and check").click()
    expect(status).to_contain_text("Every row can be imported")
    assert roster_counts() == before
    page.get_by_role("button", name="Import this file now").click()
    expect(page.get_by_text("The import has started. This page shows its progress.")).to_be_visible()
    expect(status).to_contain_text("The roster was imported.")
    counts = page.get_by_role("table", name="What the import changed")
    expect(counts.get_by_role("row", name=re.compile(r"^Students"))).to_contain_text("5")
    assert Student.objects.filter(sourced_id__startswith="stu-", school__district__sourced_id="demo-district").count() == 5

    # CASE: the administration site's "Import a CASE framework", a broken file first, then a good one.
    frameworks, competencies = Framework.objects.count(), Competency.objects.count()
    page.goto("/admin/")
    page.get_by_role("link", name="Frameworks").first.click()
    page.get_by_role("link", name="Import a CASE framework").click()
    broken = tmp_path / "broken-case.json"
    broken.write_text('{"CFDocument": {"identifier": "x"}, "CFItems": [')
    page.get_by_label("CASE package (JSON)").set_input_files(broken)
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-status")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("alert").filter(has_text="The file was refused and nothing was saved")).to_be_visible()
    assert (Framework.objects.count(), Competency.objects.count()) == (frameworks, competencies)

    page.go_back()
    small = SAMPLES / "case" / "opensalt-test-markdown-framework-small.json"
    page.get_by_label("CASE package (JSON)").set_input_files(small)
    page.get_by_role("button", name="Import").click()
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == "done", job.message
    expect(page.locator("#import-status")).to_contain_text(job.get_status_display())
    expect(page.get_by_role("link", name=str(job.framework))).to_be_visible()
    assert Framework.objects.count() == frameworks + 1
    assert Competency.objects.filter(framework=job.framework).count() > 0
    assert session.problems.items == []


# --- issue 16.5: no input without an owner -------------------------------------------------------------------


def test_director_gives_cedar_concerns_with_no_case_manager_to_someone_at_cedar_and_is_told_what_happened_to_each(
        signed_in_page):
    """The demo's Cedar students have an IEP and no case manager: the queue warns of them, a concern goes to a
    service provider of Cedar chosen on its row, and one sent to "each student's own case manager" is an error
    naming the student, not a green banner."""
    cedar = School.objects.get(name="Cedar Elementary School")
    sisp = User.objects.create(email="sisp.cedar@demo.test", first_name="Ana", last_name="Lopez", role=User.Role.SISP)
    StaffAssignment.objects.create(user=sisp, district=cedar.district, school=cedar, role=StaffAssignment.Role.SISP)
    first, second = IEPInput.objects.filter(student__school=cedar, status="received").order_by("created_at", "pk")[:2]

    page = signed_in_page("director@demo.test").page
    page.get_by_role("link", name="IEP input queue").click()
    expect(page.get_by_role("region", name="Warning: 5 students with an IEP have no case manager")).to_contain_text(
        first.student.display_name)
    page.get_by_label(f"Give the {first.get_kind_display()} about {first.student.display_name} to").select_option(
        label=str(sisp))
    page.get_by_role("checkbox", name=f"Select {second.get_kind_display()} about {second.student.display_name}").check()
    page.get_by_label("Assign the selected inputs to").select_option(label="Each student's own case manager")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"Assigned the input about {first.student.display_name} to Ana Lopez.")).to_be_visible()
    expect(page.get_by_text(f"{second.student.display_name} has no case manager: choose a person for this input.")
           ).to_be_visible()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.assigned_to, second.status, second.assigned_to) == ("assigned", sisp, "received", None)
    assert first.events.filter(status="assigned", assigned_to=sisp).count() == 1
    assert [m.to for m in mail.outbox if "given to you" in m.subject] == [[sisp.email]]
