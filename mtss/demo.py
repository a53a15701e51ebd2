"""Demo MTSS data: the district's intervention library, the fall screening of every demo student (imported from
mtss/demo_data/fall_screening.csv through the real import), Maple's problem-solving team, a tier 2 reading plan
(demo-student-02) and a tier 3 math plan (demo-student-03, flagged by the decision rule) with weeks of results and
sessions, a tier 2 plan at Cedar (demo-student-41), Maya's closed reading plan from before her IEP, a team meeting and a
referral in progress (demo-student-03, consent ten days ago). Idempotent:
rows are found by stable keys; plans and their data are made only when the student has none."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from roster.access import family_readers
from roster.models import District, School, Student

from . import screening, selectors, services
from .models import Decision, FamilyNotice, Intervention, Settings, SupportPlan, TeamSeat, TierChange

SAMPLE = Path(__file__).parent / "demo_data" / "fall_screening.csv"
LIBRARY = [
    # name, area, evidence, group size, sessions a week, minutes
    ("Repeated reading for fluency", "reading", "moderate", 3, 3, 20, "Short passages read several times with feedback."),
    ("Systematic phonics small group", "reading", "strong", 5, 4, 30, "Explicit decoding lessons in a small group."),
    ("One-to-one intensive reading", "reading", "strong", 1, 5, 30, "Daily individual lessons with a reading specialist."),
    ("Number sense small group", "math", "strong", 4, 3, 40, "Explicit number and operations lessons."),
    ("Math facts fluency practice", "math", "promising", 1, 5, 10, "Timed practice of facts with a graph of progress."),
    ("Check-in/check-out", "behavior", "moderate", 10, 5, 10, "A daily check-in with an adult and a behavior card."),
]


def seed(district: District) -> None:
    today = timezone.localdate()
    library = {}
    for name, area, evidence, size, times, minutes, description in LIBRARY:
        library[name], _ = Intervention.objects.get_or_create(
            district=district, name=name, defaults={"area": area, "evidence_level": evidence, "group_size": size,
                                                    "sessions_per_week": times, "minutes": minutes,
                                                    "description": description})
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.test")}
    maple = School.objects.get(sourced_id="demo-school-1")
    for name in ("principal", "casemanager"):
        TeamSeat.objects.get_or_create(school=maple, user=users[name])
    result = screening.import_file(SAMPLE.read_bytes(), students=Student.objects.filter(school__district=district),
                                   by=users["principal"])
    if not result.ok:  # the shipped sample is a valid file: a problem here is a defect, said loudly
        raise RuntimeError(f"the demo screening file was refused: {result.problems}")
    students = {s.sourced_id: s for s in Student.objects.filter(sourced_id__in=[
        "demo-student-00", "demo-student-02", "demo-student-03", "demo-student-41"])}
    # demo-student-02 (the other family's child): tier 2 reading since the fall screening, on track.
    _plan(students["demo-student-02"], library["Repeated reading for fluency"], users["casemanager"], users["teacher"],
          tier=2, weeks=7, baseline=62, aim=92, values=[64, 67, 66, 70, 72, 74, 75], today=today,
          history=[(2, 7, "Fall screening: 14th percentile in oral reading fluency.")])
    # demo-student-03: tier 2 math from the fall, moved to tier 3 when four results in a row fell below the aim line.
    _plan(students["demo-student-03"], library["Number sense small group"], users["casemanager"], users["casemanager"],
          tier=3, weeks=6, baseline=171, aim=200, values=[172, 171, 173, 172, 174, 173], today=today,
          history=[(2, 12, "Fall screening: 8th percentile in math."),
                   (3, 6, "Four results in a row below the aim line in the tier 2 group: intensify.")])
    # demo-student-41 at Cedar: tier 2 reading with her teacher.
    _plan(students["demo-student-41"], library["Systematic phonics small group"], users["teacher2"], users["teacher2"],
          tier=2, weeks=4, baseline=70, aim=95, values=[71, 74, 76, 79], today=today,
          history=[(2, 4, "Fall screening: 24th percentile in oral reading fluency.")])
    # Maya: tier 3 reading before her IEP; the plan is closed and stays readable by her IEP team.
    maya_plan = _plan(students["demo-student-00"], library["One-to-one intensive reading"], users["casemanager"],
                      users["casemanager"], tier=3, weeks=10, baseline=30, aim=60, values=[31, 32, 31, 33, 32, 34],
                      today=today - timedelta(weeks=44),
                      history=[(2, 64, "Spring screening: 6th percentile in oral reading fluency."),
                               (3, 56, "No response to the tier 2 group after eight weeks.")])
    if maya_plan is not None:
        SupportPlan.objects.filter(pk=maya_plan.pk).update(is_active=False)
        _maya_referral(maya_plan, users["principal"], today)
    Settings.objects.get_or_create(district=district, defaults={"evaluation_days": 60})
    _team_meeting(students["demo-student-02"], students["demo-student-03"], users["principal"], today)


def _maya_referral(plan: SupportPlan, principal: User, today) -> None:
    """Maya was referred when her tier 3 plan ended; the evaluation led to her IEP, whose team reads this history."""
    met_on = today - timedelta(weeks=44)
    Decision.objects.create(student=plan.student, area="reading", met_on=met_on, kind=Decision.Kind.REFER,
                            data="Six results flat at 31-34 against an aim line rising to 60, after ten weeks of "
                            "tier 3 support.", next_review=None, decided_by=principal)
    draft = selectors.referral_draft(plan.student)
    services.save_referral(student=plan.student, referral=None, by=principal, consent_on=met_on + timedelta(days=5),
                           concerns="Reading: decoding and fluency far below grade level despite daily support.",
                           data=draft["data"], interventions_tried=draft["interventions_tried"], today=today)


def _team_meeting(reading_kid: Student | None, math_kid: Student | None, principal: User, today) -> None:
    """Maple's problem-solving team met three weeks ago: continue the reading plan, and refer the tier 3 math student,
    whose parent consented ten days ago (the evaluation is due 60 days later)."""
    if reading_kid is None or math_kid is None or Decision.objects.filter(student__in=[reading_kid, math_kid]).exists():
        return
    met_on = today - timedelta(weeks=3)
    Decision.objects.create(student=reading_kid, area="reading", met_on=met_on, kind=Decision.Kind.CONTINUE,
                            data="Four of the last five weekly results above the aim line; 90% of sessions given.",
                            next_review=today + timedelta(weeks=3), decided_by=principal)
    Decision.objects.create(student=math_kid, area="math", met_on=met_on, kind=Decision.Kind.REFER,
                            data="Six weekly results flat at 171-174 against an aim line rising to 200, after 12 weeks "
                            "of tier 2 and tier 3 support.", next_review=None, decided_by=principal)
    draft = selectors.referral_draft(math_kid)
    services.save_referral(student=math_kid, referral=None, by=principal, consent_on=today - timedelta(days=10),
                           concerns="Math: little response to tier 2 and tier 3 instruction in number sense; "
                           "difficulty with place value and multi-digit operations in class.",
                           data=draft["data"], interventions_tried=draft["interventions_tried"], today=today)


def _plan(student: Student | None, intervention: Intervention, interventionist: User, by: User, *, tier: int,
          weeks: int, baseline: int, aim: int, values: list[int], today, history) -> SupportPlan | None:
    if student is None or student.support_plans.exists():
        return None
    now = timezone.now()
    for tier_then, weeks_ago, reason in history:
        change = TierChange.objects.create(student=student, area=intervention.area, tier=tier_then, reason=reason,
                                           changed_by=by)
        TierChange.objects.filter(pk=change.pk).update(changed_at=now - timedelta(weeks=weeks_ago))
    start = today - timedelta(weeks=weeks)
    plan = SupportPlan.objects.create(
        student=student, area=intervention.area, tier=tier, intervention=intervention, interventionist=interventionist,
        start_date=start, review_date=start + timedelta(weeks=8), target_date=start + timedelta(weeks=18),
        statement=f"Reach {aim} on the weekly probe by the aim date.", unit=("words read correctly per minute"
                                                                             if intervention.area == "reading" else "points"),
        baseline=Decimal(baseline), target=Decimal(aim), minimum=Decimal(0), maximum=Decimal(300), created_by=by)
    for week, value in enumerate(values, start=1):
        services.record_result(plan=plan, measured_on=start + timedelta(weeks=week) - timedelta(days=1), value=value,
                               note="", by=interventionist, today=today)
    for week in range(weeks):
        for day in range(intervention.sessions_per_week):
            held_on = start + timedelta(weeks=week, days=day)
            if held_on > today:
                continue
            missed = (week * 7 + day) % 9 == 4
            services.log_session(plan=plan, held_on=held_on, delivered=not missed,
                                 minutes=None if missed else intervention.minutes,
                                 missed_reason="student_absent" if missed else "", note="", by=interventionist,
                                 today=today)
    # The family was told when the plan started (the demo's emails count as sent).
    FamilyNotice.objects.bulk_create([FamilyNotice(plan=plan, guardian=reader, change=FamilyNotice.Change.STARTED,
                                                   sent_at=now) for reader in family_readers(student)])
    return plan
