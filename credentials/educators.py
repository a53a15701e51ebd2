"""Educator micro-credentials: the catalogue, submissions of evidence, review against the rubric, and the award as
an Open Badges 3.0 credential (achievementType MicroCredential) the educator downloads."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from iep.attachments import check_attachment
from roster.models import StaffAssignment

from . import builder, schema, status
from .models import CriterionScore, IssuerProfile, MicroCredential, MicroCredentialReviewer, RubricCriterion, Submission

NAMESPACE = uuid.UUID("0d3c1f52-6a3e-4f7b-a1d2-7c9e5b4a2f10")


def _districts(user) -> QuerySet:
    return StaffAssignment.objects.filter(user=user).values("district_id")


def catalogue(user) -> QuerySet[MicroCredential]:
    """The active micro-credentials of the districts the person works in, with their criteria."""
    return (MicroCredential.objects.filter(issuer__district_id__in=_districts(user), is_active=True)
            .prefetch_related("criteria"))


def submissions_of(user) -> QuerySet[Submission]:
    return Submission.objects.filter(educator=user).select_related("micro_credential").defer("document", "jwt")


def review_queue(reviewer) -> QuerySet[Submission]:
    """Submissions waiting for review in the districts where `reviewer` was chosen, never their own."""
    issuers = MicroCredentialReviewer.objects.filter(user=reviewer).values("issuer_id")
    return (Submission.objects.filter(micro_credential__issuer_id__in=issuers, status=Submission.Status.SUBMITTED)
            .exclude(educator=reviewer).select_related("micro_credential", "educator").defer("document", "jwt"))


def submission_for_reviewer(reviewer, pk: int) -> Submission | None:
    issuers = MicroCredentialReviewer.objects.filter(user=reviewer).values("issuer_id")
    return (Submission.objects.filter(pk=pk, micro_credential__issuer_id__in=issuers).exclude(educator=reviewer)
            .select_related("micro_credential__issuer", "educator").first())


def submit(*, micro_credential: MicroCredential, educator, reflection: str, links: str, file=None) -> Submission:
    """Refused with a clear message (nothing saved) for an empty reflection, a bad link, a file that is not a PDF or
    picture, or a submission already waiting for review."""
    if not reflection.strip():
        raise ValidationError(_("Please write your reflection."))
    validate = URLValidator(schemes=["https"])
    for line in [line.strip() for line in links.splitlines() if line.strip()]:
        try:
            validate(line)
        except ValidationError:
            raise ValidationError(_("“%(link)s” is not a web address starting with https://.") % {"link": line[:80]}) from None
    file_type = check_attachment(file)[0] if file else ""
    try:
        with transaction.atomic():
            return Submission.objects.create(micro_credential=micro_credential, educator=educator, reflection=reflection.strip(),
                                             links=links.strip(), file=file or "", file_type=file_type)
    except IntegrityError:
        raise ValidationError(_("You already sent evidence for this micro-credential; it is waiting for review.")) from None


def _level_id(criterion: RubricCriterion, level: int) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'criterion:{criterion.pk}:level:{level}')}"


def _criterion_id(criterion: RubricCriterion) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'criterion:{criterion.pk}')}"


def build_award(submission: Submission, criteria: list[RubricCriterion], levels: dict[int, int], award_id, now,
                status_index: int) -> dict:
    micro = submission.micro_credential
    issuer: IssuerProfile = micro.issuer
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((submission.educator.email.lower() + salt).encode()).hexdigest()
    achievement = {
        "id": f"urn:uuid:{uuid.uuid5(NAMESPACE, f'micro:{micro.pk}')}",
        "type": ["Achievement"], "achievementType": "MicroCredential", "name": micro.title,
        "description": micro.description,
        "criteria": {"narrative": "Evidence reviewed against the rubric; every criterion at level "
                                  f"{micro.passing_level} or above. A holder can: " + "; ".join(micro.competency_list) + "."},
        "resultDescription": [{
            "id": _criterion_id(criterion), "type": ["ResultDescription"], "name": criterion.name,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [{"id": _level_id(criterion, value), "type": ["RubricCriterionLevel"],
                                      "name": str(label), "level": str(value)} for value, label in RubricCriterion.LEVELS],
        } for criterion in criteria],
    }
    credential = {
        "@context": builder.OB_CONTEXT,
        "id": f"urn:uuid:{award_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": builder.issuer_profile(issuer),
        "validFrom": builder.timestamp(now),
        "awardedDate": builder.timestamp(now),
        "name": micro.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": True, "salt": salt,
                            "identityHash": f"sha256${digest}"}],
            "achievement": achievement,
            "result": [{"type": ["Result"], "resultDescription": _criterion_id(criterion),
                        "achievedLevel": _level_id(criterion, levels[criterion.pk])} for criterion in criteria],
        },
        "credentialStatus": builder.status_entry(issuer, status_index),
        "credentialSchema": [{"id": builder.SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    return credential


def review(*, submission: Submission, reviewer, levels: dict[int, int], feedback: str, award: bool) -> Submission:
    """Score every criterion, then award (every criterion at the passing level or above) or return with feedback.
    Refused, nothing saved, otherwise."""
    from .services import sign_document, sign_jwt

    criteria = list(submission.micro_credential.criteria.all())
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("This submission was already reviewed."))
    if submission.educator_id == reviewer.pk:
        raise ValidationError(_("You cannot review your own submission."))
    if any(criterion.pk not in levels for criterion in criteria):
        raise ValidationError(_("Please score every criterion of the rubric."))
    if award and any(levels[c.pk] < submission.micro_credential.passing_level for c in criteria):
        raise ValidationError(_("It can be awarded only when every criterion is at level %(level)s or above. Return it "
                                "with feedback instead.") % {"level": submission.micro_credential.passing_level})
    if not award and not feedback.strip():
        raise ValidationError(_("Please write feedback so the educator knows what to improve."))
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().filter(pk=submission.pk, status=Submission.Status.SUBMITTED).first()
        if locked is None:
            raise ValidationError(_("This submission was already reviewed."))
        CriterionScore.objects.bulk_create(CriterionScore(submission=submission, criterion=c, level=levels[c.pk]) for c in criteria)
        submission.reviewer, submission.reviewed_at, submission.feedback = reviewer, now, feedback.strip()
        submission.status = Submission.Status.AWARDED if award else Submission.Status.RETURNED
        if award:
            submission.award_uuid = uuid.uuid4()
            submission.status_index = status.new_index(submission.micro_credential.issuer)
            document = build_award(submission, criteria, levels, submission.award_uuid, now, submission.status_index)
            schema.validate(document)
            issuer = submission.micro_credential.issuer
            submission.jwt, submission.document = sign_jwt(document, issuer), sign_document(document, issuer)
        submission.save()
    return submission


def awards_revocable_by(user) -> QuerySet[Submission]:
    """The awards `user` may revoke: those of the districts where they are the district administrator or the
    special-education director (the district lead of its reviewers), never their own."""
    districts = StaffAssignment.objects.filter(user=user, role__in=StaffAssignment.DISTRICT_ROLES).values("district_id")
    return (Submission.objects.filter(status=Submission.Status.AWARDED, micro_credential__issuer__district_id__in=districts)
            .exclude(educator=user).select_related("micro_credential", "educator", "revoked_by").defer("document", "jwt"))


def revoke_award(submission: Submission, *, by, note: str) -> Submission:
    """The district ends an award: the same record of who, when and why as a student's credential (services.end)
    and the same status list. Refused with a clear message, nothing changed, without a reason."""
    from .services import end, reason

    if submission.status != Submission.Status.AWARDED:
        raise ValidationError(_("Only an awarded micro-credential can be revoked."))
    return end(submission, by=by, note=reason(note))


def holders(user) -> list[dict]:
    """For the director: each micro-credential of their districts with how many hold it in force and who (2 queries)."""
    items = list(MicroCredential.objects.filter(issuer__district_id__in=_districts(user)).annotate(
        held=Count("submissions", filter=Q(submissions__status=Submission.Status.AWARDED,
                                           submissions__revoked_at__isnull=True))).order_by("title"))
    names = defaultdict(list)
    for row in (Submission.objects.filter(micro_credential__in=items, status=Submission.Status.AWARDED, revoked_at__isnull=True)
                .select_related("educator").order_by("educator__last_name", "educator__first_name")):
        names[row.micro_credential_id].append(row.educator.get_full_name() or row.educator.email)
    return [{"micro_credential": item, "count": item.held, "holders": names[item.pk]} for item in items]


def holders_chart(rows: list[dict]) -> dict:
    """A horizontal bar per micro-credential (server SVG; the same numbers are in the table beside it)."""
    left, width, row_height = 300, 640, 30
    most = max([row["count"] for row in rows] + [1])
    bars = [{"title": row["micro_credential"].title, "count": row["count"], "y": 10 + index * row_height,
             "width": round((width - left - 40) * row["count"] / most), "text_y": 10 + index * row_height + 15}
            for index, row in enumerate(rows)]
    return {"left": left, "width": width, "height": 20 + len(rows) * row_height, "bars": bars}
