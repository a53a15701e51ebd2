"""What the credential pages read. Mastery comes from competencies' one reader (`Mastery.objects.mastered()`),
never recomputed here."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from competencies.models import Mastery
from roster.models import Student

from .models import BadgeRule, IssuerProfile, LearnerRecord, StudentCredential


def issuer_for(student: Student) -> IssuerProfile | None:
    return IssuerProfile.objects.filter(district_id=student.school.district_id).first()


def _born_by(today: date, years: int) -> date:
    """Students born on or before this date are `years` old or older today."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def may_choose_own(student: Student, issuer: IssuerProfile | None = None) -> bool:
    """THE rule of "this student chooses, downloads and shares her own credentials": her district gives credentials
    and lets students from an age (IssuerProfile.students_choose_from_age) and she has reached it. A student without
    a date of birth does not (her family or staff choose). The permission credentials.choose_own and every page ask
    this; `issuer` saves the query when the page already has it."""
    issuer = issuer if issuer is not None else issuer_for(student)
    if issuer is None or issuer.students_choose_from_age is None or student.date_of_birth is None:
        return False
    return student.date_of_birth <= _born_by(timezone.localdate(), issuer.students_choose_from_age)


def _badged(issuer: IssuerProfile) -> Q:
    rules = BadgeRule.objects.filter(issuer=issuer)
    return (Q(competency_id__in=rules.filter(competency__isnull=False).values("competency_id"))
            | Q(competency__framework_id__in=rules.filter(framework__isnull=False).values("framework_id")))


def offers(student: Student, issuer: IssuerProfile | None) -> QuerySet[Mastery]:
    """The student's mastered competencies the district badges and that have no credential in force: what the
    family may choose to take (one query)."""
    if issuer is None:
        return Mastery.objects.none()
    live = StudentCredential.objects.filter(student=student, revoked_at__isnull=True).values("competency_id")
    return (Mastery.objects.filter(student=student).mastered().filter(_badged(issuer))
            .exclude(competency_id__in=live).select_related("competency").order_by("competency__position", "pk"))


def credentials_of(student: Student) -> QuerySet[StudentCredential]:
    return StudentCredential.objects.filter(student=student).select_related("competency").defer("document", "jwt")


def credential_of(student: Student, credential_uuid) -> StudentCredential | None:
    return StudentCredential.objects.filter(student=student, uuid=credential_uuid).select_related("competency").first()


def learner_records_of(student: Student) -> QuerySet[LearnerRecord]:
    return LearnerRecord.objects.filter(student=student).defer("document", "jwt")
