"""Demo IEP data: a plan, a team and two goals with four months of weekly data for every student with an IEP
(some goals flagged), inputs to the IEP team in every state (some past the response target), and last
quarter's progress report for Maya. Each math goal is linked to the multiplication competencies of the
student's math class and each reading goal to the student's reading goal on the learner profile (when
competencies and profiles are seeded first). Idempotent: rows are found by stable keys, data are added only to
rows this run created, and links only to goals that have none yet."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from competencies.models import Competency
from profiles.models import ProfileGoal
from roster.models import Caseload, District, Guardianship, StaffAssignment, Student

from . import monitoring, results, selectors, services
from .models import Goal, IEPInput, IEPPlan, InputEvent, ProgressPoint, ReviewSettings, TeamMember

DEMO_NAMESPACE = uuid.UUID("5b0b6a1e-0000-4000-8000-000000000006")
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
GOALS = [
    (Goal.Area.READING, "Given a grade-level passage, {name} will read aloud {target} words correctly per minute.",
     "words read correctly per minute", Decimal("40"), Decimal("90"), "One-minute oral reading fluency probe", "weekly"),
    (Goal.Area.MATH, "Given 25 mixed multiplication facts, {name} will answer {target} correctly in two minutes.",
     "facts correct in two minutes", Decimal("6"), Decimal("20"), "Two-minute curriculum-based measurement", "weekly"),
]
# Each goal's measure (issue 16): a one-minute probe counts whole words read correctly, up to 250 a minute; the
# math probe counts correct answers out of 25 facts.
MEASURES = {
    Goal.Area.READING: {"measure_kind": Goal.MeasureKind.RATE, "whole_numbers": True, "minimum": Decimal(0),
                        "maximum": Decimal(250)},
    Goal.Area.MATH: {"measure_kind": Goal.MeasureKind.COUNT, "whole_numbers": True, "minimum": Decimal(0),
                     "maximum": Decimal(25)},
}
WEEKS = 16
# The multiplication standards of the demo math classes (competencies/demo.py): the math goals' competencies.
MATH_CODES = ["CCSS.Math.Content.5.NBT.B.5", "CCSS.Math.Content.5.NBT.B.6"]


def seed(district: District) -> None:
    today = timezone.localdate()
    ReviewSettings.objects.get_or_create(district=district, defaults={"response_target_school_days": 10})
    director = StaffAssignment.objects.filter(district=district, role=StaffAssignment.Role.SPED_DIRECTOR).first()
    students = Student.objects.filter(school__district=district, plan=Student.Plan.IEP).order_by("sourced_id")
    for index, student in enumerate(students):
        plan = _plan(student, index, today)
        for area_index, spec in enumerate(GOALS):
            _goal(plan, spec, index, area_index, today)
        _link_goals(plan)
        _inputs(student, index, director.user if director else None, today)
    maya = Student.objects.filter(sourced_id="demo-student-00", plan=Student.Plan.IEP).first()
    if maya is not None:
        _maya_team(maya)
        services.create_progress_report(student_id=maya.pk, period=monitoring.previous_quarter(today))


def _case_manager(student: Student) -> User | None:
    entry = Caseload.objects.filter(student=student, role=Caseload.Role.CASE_MANAGER, is_active=True).select_related("staff").first()
    return entry.staff if entry else None


def _plan(student: Student, index: int, today: date) -> IEPPlan:
    # Spread the dates so the deadlines page has reviews due in 30 and 60 days, and one already late.
    start = today - timedelta(days=365 - 12 - index * 9)
    plan, created = IEPPlan.objects.get_or_create(
        student=student, is_current=True,
        defaults={"start_date": start, "annual_review_due": start + timedelta(days=365),
                  "reevaluation_due": start + timedelta(days=365 * 2 + 40 * (index % 4) - (index % 3) * 300),
                  "case_manager": _case_manager(student)},
    )
    if created:
        members = [(plan.case_manager, TeamMember.Role.CASE_MANAGER)] if plan.case_manager else []
        members += [(g.guardian, TeamMember.Role.PARENT) for g in Guardianship.objects.filter(student=student).select_related("guardian")]
        members += [(c.staff, TeamMember.Role.SERVICE_PROVIDER) for c in Caseload.objects.filter(
            student=student, role=Caseload.Role.SERVICE_PROVIDER).select_related("staff")]
        for user, role in members:
            TeamMember.objects.get_or_create(plan=plan, user=user, defaults={"role": role})
    return plan


def _maya_team(maya: Student) -> None:
    plan = maya.iep_plans.get(is_current=True)
    teacher = User.objects.filter(email="teacher@demo.test").first()
    if teacher:
        TeamMember.objects.get_or_create(plan=plan, user=teacher, defaults={"role": TeamMember.Role.GENERAL_EDUCATOR})


def _goal(plan: IEPPlan, spec, index: int, area_index: int, today: date) -> None:
    area, statement, unit, baseline, target, method, schedule = spec
    start = today - timedelta(days=7 * WEEKS + 7)
    goal, created = Goal.objects.get_or_create(
        plan=plan, area=area,
        defaults={"statement": statement.format(name=plan.student.first_name, target=target), "unit": unit,
                  "baseline": baseline, "baseline_date": start, "target": target, "target_date": start + timedelta(days=300),
                  "measurement_method": method, "monitoring_schedule": schedule, **MEASURES[area]},
    )
    if not created:
        return
    recorder = plan.case_manager or User.objects.filter(role=User.Role.SPECIAL_EDUCATOR).first()
    # Every third student's reading goal falls below the aim line over the last four weeks: flagged.
    falling = area_index == 0 and index % 3 == 0
    aim = monitoring.aim_line(baseline=float(baseline), target=float(target), days_to_goal=300)
    for week in range(1, WEEKS + 1):
        day = start + timedelta(days=7 * week)
        wobble = ((week * 7 + index * 3) % 5 - 2) * float(target - baseline) / 50
        value = aim.at(7 * week) + wobble
        if falling and week > WEEKS - 4:
            value = aim.at(7 * week) - float(target - baseline) / 10 - week % 2
        # Through the one rule every result passes (iep/results.py): whole numbers, in range, one a day.
        result = results.check_result(goal, measured_on=day, value=Decimal(round(value)), today=today)
        ProgressPoint.objects.create(goal=goal, measured_on=day, value=result, recorded_by=recorder)
    if selectors.status_of(goal, list(goal.points.all())).needs_a_look:
        now = timezone.now()
        Goal.objects.filter(pk=goal.pk).update(flagged_at=now, flag_notified_at=now)


def _link_goals(plan: IEPPlan) -> None:
    """Math goal -> the student's multiplication competencies; reading goal -> the profile's reading goal."""
    student = plan.student
    math = plan.goals.filter(area=Goal.Area.MATH, competencies__isnull=True).first()
    if math is not None:
        linked = list(Competency.objects.filter(code__in=MATH_CODES, section_links__section__enrollments__student=student)
                      .distinct().order_by("code"))
        if linked:
            math.competencies.add(*linked)
    reading = plan.goals.filter(area=Goal.Area.READING, profile_goals__isnull=True).first()
    if reading is not None:
        source = ProfileGoal.objects.filter(student=student, description__istartswith="read").order_by("pk").first()
        if source is not None:
            reading.profile_goals.add(source)


# (kind, status, days ago, text)
MAYA_INPUTS = [
    (IEPInput.Kind.STRENGTH, IEPInput.Status.RECEIVED, 1, "Maya has started reading comic books to her brother every night."),
    (IEPInput.Kind.CONCERN, IEPInput.Status.ASSIGNED, 20, "Homework takes her over two hours; she gets very tired."),
    (IEPInput.Kind.QUESTION, IEPInput.Status.IN_REVIEW, 6, "Can she use audiobooks for the reading log?"),
    (IEPInput.Kind.PRIORITY, IEPInput.Status.ANSWERED, 30, "For the next IEP we would like a goal about asking for help."),
    (IEPInput.Kind.PRIORITY, IEPInput.Status.TAKEN_INTO_DRAFT, 45, "Typing instead of handwriting for long answers."),
    (IEPInput.Kind.OTHER, IEPInput.Status.CLOSED, 60, "Thank you for the meeting notes."),
]
OTHER_INPUTS = [
    (IEPInput.Kind.CONCERN, IEPInput.Status.RECEIVED, 25, "We are worried about the bus ride; it is long and loud."),
    (IEPInput.Kind.QUESTION, IEPInput.Status.RECEIVED, 3, "When is the next IEP meeting?"),
]
PATH = [IEPInput.Status.RECEIVED, IEPInput.Status.ASSIGNED, IEPInput.Status.IN_REVIEW, IEPInput.Status.ANSWERED,
        IEPInput.Status.TAKEN_INTO_DRAFT, IEPInput.Status.CLOSED]


def _inputs(student: Student, index: int, director: User | None, today: date) -> None:
    guardian = Guardianship.objects.filter(student=student).select_related("guardian").order_by("pk").first()
    if guardian is None:
        return
    specs = MAYA_INPUTS if student.sourced_id == "demo-student-00" else OTHER_INPUTS[: 1 + index % 2]
    case_manager = _case_manager(student)
    for number, (kind, status, days_ago, text) in enumerate(specs):
        key = uuid.uuid5(DEMO_NAMESPACE, f"{student.sourced_id}-{number}")
        if IEPInput.objects.filter(idempotency_key=key).exists():
            continue
        _input(student, guardian.guardian, key, kind, status, text, timezone.now() - timedelta(days=days_ago),
               director, case_manager, with_attachment=(number == 1))


def _input(student, sender, key, kind, status, text, received_at, director, case_manager, with_attachment) -> None:
    reviewer = case_manager or director
    item = IEPInput.objects.create(student=student, submitted_by=sender, sender=IEPInput.Sender.FAMILY, kind=kind, text=text,
                                   idempotency_key=key, status=status, notified_at=received_at)
    if with_attachment:
        item.attachment.save(f"{key}.pdf", ContentFile(MINIMAL_PDF), save=False)
        item.attachment_name, item.attachment_type = "homework-log.pdf", "application/pdf"
    reached = PATH[: PATH.index(status) + 1]
    if IEPInput.Status.ASSIGNED in reached and reviewer:
        item.assigned_to, item.assigned_notified_at = reviewer, received_at
    if IEPInput.Status.ANSWERED in reached and reviewer:
        item.answer = "Thank you. We talked about it as a team and will bring it to the next IEP meeting."
        item.answered_by, item.answered_at, item.answer_notified_at = reviewer, received_at + timedelta(days=3), received_at
    item.save()
    IEPInput.objects.filter(pk=item.pk).update(created_at=received_at)
    actors = {IEPInput.Status.RECEIVED: sender, IEPInput.Status.ASSIGNED: director or reviewer}
    for step, status_reached in enumerate(reached):
        actor = actors.get(status_reached, reviewer)
        if actor is None:
            continue
        event = InputEvent.objects.create(input=item, status=status_reached, actor=actor,
                                          assigned_to=reviewer if status_reached == IEPInput.Status.ASSIGNED else None)
        InputEvent.objects.filter(pk=event.pk).update(at=received_at + timedelta(days=step))
