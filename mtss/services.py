"""Writes of the MTSS app: tiers (each change a new row: its history), support plans, results and sessions."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from iep import results as result_rules
from roster.models import Student

from . import notify
from .models import Decision, FamilyNotice, Intervention, MonitoringResult, Referral, Session, Settings, SupportPlan, Tier, TierChange


def current_tier(student: Student, area: str) -> int:
    change = TierChange.objects.filter(student=student, area=area).order_by("-changed_at", "-pk").first()
    return change.tier if change else Tier.CORE


@transaction.atomic
def set_tier(*, student: Student, area: str, tier: int, reason: str, by: User) -> TierChange | None:
    """Move the student to `tier` in `area`, with why; None when it is already their tier (no empty history row).
    Fading to tier 1 closes the area's active plan."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the tier changes: it stays in the student's history.")})
    Student.objects.select_for_update().filter(pk=student.pk).first()  # one change at a time per student
    if tier == Tier.CORE:
        SupportPlan.objects.filter(student=student, area=area, is_active=True).update(is_active=False)
    if current_tier(student, area) == tier:
        return None
    return TierChange.objects.create(student=student, area=area, tier=tier, reason=reason, changed_by=by)


@transaction.atomic
def start_plan(*, student: Student, by: User, intervention: Intervention, tier: int, interventionist: User,
               start_date: date, review_date: date, statement: str, unit: str, baseline: Decimal, target: Decimal,
               target_date: date, minimum: Decimal, maximum: Decimal, whole_numbers: bool, reason: str) -> SupportPlan:
    """Start a tier 2 or 3 plan in the intervention's area; the student's tier there becomes the plan's (with
    `reason` in the history). A plan already active in that area is closed: one active plan per area."""
    result_rules.check_measure(kind="rate" if not whole_numbers else "count", whole_numbers=whole_numbers,
                               minimum=minimum, maximum=maximum, baseline=baseline, target=target)
    errors = {}
    if review_date <= start_date:
        errors["review_date"] = _("The review date must come after the start date.")
    if target_date <= start_date:
        errors["target_date"] = _("The aim date must come after the start date.")
    if target == baseline:
        errors["target"] = _("The aim must differ from the baseline.")
    if intervention.district_id != student.school.district_id:
        errors["intervention"] = _("Choose an intervention of the district's library.")
    if errors:
        raise ValidationError(errors)
    set_tier(student=student, area=intervention.area, tier=tier, reason=reason, by=by)
    SupportPlan.objects.filter(student=student, area=intervention.area, is_active=True).update(is_active=False)
    plan = SupportPlan.objects.create(
        student=student, area=intervention.area, tier=tier, intervention=intervention, interventionist=interventionist,
        start_date=start_date, review_date=review_date, statement=statement.strip(), unit=unit.strip(),
        baseline=baseline, target=target, target_date=target_date, minimum=minimum, maximum=maximum,
        whole_numbers=whole_numbers, created_by=by)
    notify.tell_family(plan, FamilyNotice.Change.STARTED)
    return plan


def _measure(plan: SupportPlan) -> result_rules.Measure:
    return result_rules.Measure(kind="count" if plan.whole_numbers else "rate", whole_numbers=plan.whole_numbers,
                                minimum=Decimal(plan.minimum), maximum=Decimal(plan.maximum), unit=plan.unit)


def record_result(*, plan: SupportPlan, measured_on: date, value, note: str, by: User,
                  today: date | None = None) -> MonitoringResult:
    """A progress-monitoring result, checked by the same rules as an IEP goal's (iep.results: a number of the
    measure's kind in its range, not in the future nor before the baseline); one per plan and day."""
    errors = {"value": result_rules.value_problems(_measure(plan), value),
              "measured_on": result_rules.day_problems(plan, measured_on, today=today or timezone.localdate())}
    errors = {field: problems for field, problems in errors.items() if problems}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return MonitoringResult.objects.create(plan=plan, measured_on=measured_on, value=result_rules.as_number(value),
                                                   note=note.strip(), recorded_by=by)
    except IntegrityError:
        raise ValidationError({"measured_on": _("This plan already has a result for that day.")}) from None


def log_session(*, plan: SupportPlan, held_on: date, delivered: bool, minutes: int | None, missed_reason: str,
                note: str, by: User, today: date | None = None) -> Session:
    """One planned session: given (with its minutes) or missed (with why)."""
    errors = {}
    if held_on > (today or timezone.localdate()):
        errors["held_on"] = _("The date cannot be in the future.")
    elif held_on < plan.start_date:
        errors["held_on"] = _("The date is before the plan started.")
    if delivered and not minutes:
        errors["minutes"] = _("Say how many minutes the session lasted.")
    if not delivered and not missed_reason:
        errors["missed_reason"] = _("Say why the session was missed.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Session.objects.create(plan=plan, held_on=held_on, delivered=delivered,
                                          minutes=minutes if delivered else None,
                                          missed_reason="" if delivered else missed_reason, note=note.strip(),
                                          recorded_by=by)
    except IntegrityError:
        raise ValidationError({"held_on": _("A session is already logged for that day.")}) from None


# --- The problem-solving team's decisions and referrals ---------------------------------------

DECISION_TIERS = {Decision.Kind.INTENSIFY: Tier.INTENSIVE, Decision.Kind.MOVE: Tier.TARGETED, Decision.Kind.FADE: Tier.CORE}


def evaluation_due(consent_on: date, *, days: int) -> date:
    """IDEA 34 CFR 300.301(c)(1): the initial evaluation within `days` calendar days of the parent's consent (60
    unless the state sets another time: the district's setting)."""
    return consent_on + timedelta(days=days)


def evaluation_days(student: Student) -> int:
    found = Settings.objects.filter(district_id=student.school.district_id).values_list("evaluation_days", flat=True).first()
    return found or 60


@transaction.atomic
def record_decision(*, student: Student, area: str, met_on: date, kind: str, data: str, next_review: date | None,
                    by: User) -> Decision:
    """The team's decision with its data; a tier decision moves the tier (with the decision as its reason) and a
    "continue" moves the plan's review to the next review date."""
    errors = {}
    if not data.strip():
        errors["data"] = _("Say which data the team looked at.")
    if next_review is not None and next_review <= met_on:
        errors["next_review"] = _("The next review must come after the meeting.")
    if kind in (Decision.Kind.CONTINUE, Decision.Kind.INTENSIFY, Decision.Kind.MOVE) and next_review is None:
        errors["next_review"] = _("Give the date of the next review.")
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(student=student, area=area, met_on=met_on, kind=kind, data=data.strip(),
                                       next_review=next_review, decided_by=by)
    if kind in DECISION_TIERS:
        set_tier(student=student, area=area, tier=DECISION_TIERS[kind],
                 reason=(_("Team decision of %(day)s: %(data)s") % {"day": met_on.isoformat(), "data": data.strip()})[:500],
                 by=by)
    if next_review is not None:
        SupportPlan.objects.filter(student=student, area=area, is_active=True).update(review_date=next_review)
    if kind in (Decision.Kind.INTENSIFY, Decision.Kind.MOVE):
        # The plan follows the student's tier; the family is told its support changed.
        for plan in SupportPlan.objects.filter(student=student, area=area, is_active=True).exclude(tier=DECISION_TIERS[kind]):
            plan.tier = DECISION_TIERS[kind]
            plan.save(update_fields=["tier"])
            notify.tell_family(plan, FamilyNotice.Change.CHANGED)
    return decision


def save_referral(*, student: Student, referral: Referral | None, concerns: str, data: str, interventions_tried: str,
                  consent_on: date | None, by: User, today: date | None = None) -> Referral:
    """Start a referral, or complete it (the parent's consent starts the evaluation timeline)."""
    if consent_on is not None and consent_on > (today or timezone.localdate()):
        raise ValidationError({"consent_on": _("The consent date cannot be in the future.")})
    due = evaluation_due(consent_on, days=evaluation_days(student)) if consent_on else None
    referral = referral or Referral(student=student, created_by=by)
    referral.concerns, referral.data, referral.interventions_tried = concerns.strip(), data.strip(), interventions_tried.strip()
    referral.consent_on, referral.evaluation_due = consent_on, due
    referral.save()
    return referral
