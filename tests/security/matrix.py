"""The access matrix (quality.md T1.1, T1.2): every named route, every demo principal.

Principals are the 10 demo accounts plus anonymous. Subject students, from the demo district:
- "maya":         IEP, school 1; student@demo.test herself, parent@'s child, on casemanager@'s
                  and slp@'s caseload, in teacher@'s and casemanager@'s classes.
- "other_family": no plan, school 1, parent2@'s child, in teacher@'s classes.
- "other_school": no plan, school 2, in teacher2@'s classes.

A student route lists the principals allowed to act (`allowed`); the expected status follows:
anonymous -> 302 to sign in; cannot see the student -> 404; sees but not allowed -> 403; allowed -> `ok`.
Any other route lists its status per principal (`expect`, default `other`), anonymous -> 302
unless given. A route missing here, or an entry with no route, fails the suite.
"""

from dataclasses import dataclass, field
from typing import Callable

PRINCIPALS = [
    "anonymous", "admin", "director", "principal", "teacher", "teacher2",
    "casemanager", "slp", "parent", "parent2", "student",
]
SUBJECTS = ["maya", "other_family", "other_school"]

# Who can see which subject at all (roster/access.py, applied to the demo district).
SEES = {
    "admin": set(),
    "director": {"maya"},
    "principal": {"maya", "other_family"},
    "teacher": {"maya", "other_family"},
    "teacher2": {"other_school"},
    "casemanager": {"maya", "other_family"},
    "slp": {"maya"},
    "parent": {"maya"},
    "parent2": {"other_family"},
    "student": {"maya"},
}

STAFF = {"director", "principal", "teacher", "teacher2", "casemanager", "slp"}
EVERYONE_WHO_SEES = set(SEES)
SPECIAL_EDUCATION_TEAM = {"casemanager", "slp", "director"}
# profiles.change: teachers of the student this term, the caseload, the director (not the principal).
PROFILE_EDITORS = {"teacher", "teacher2", "casemanager", "slp", "director"}


def _profile_goal(student, owner: str | None = None) -> int:
    goals = student.profile_goals.order_by("pk")
    return (goals.filter(owner=owner) if owner else goals).values_list("pk", flat=True)[0]

# iep: who may see Maya's IEP (iep.view), and who reviews input to her IEP team (iep.review_queue).
IEP_SUBJECTS = frozenset({"maya"})
IEP_VIEWERS = {"director", "casemanager", "slp", "parent", "student", "teacher"}
IEP_REVIEWERS = {"director", "casemanager"}


def _iep_goal(student) -> int:
    return student.iep_plans.filter(is_current=True).values_list("goals__pk", flat=True).order_by("goals__pk").first() or 0


def _iep_point(student) -> dict:
    """The first goal of the subject's plan and its first result (recorded by casemanager@ in the demo)."""
    goal_id = _iep_goal(student)
    point = student.iep_plans.filter(is_current=True, goals__pk=goal_id).values_list("goals__points__pk", flat=True)
    return {"goal_id": goal_id, "point_id": point.order_by("goals__points__pk").first() or 0}


def _iep_input(student, with_attachment: bool = False) -> int:
    inputs = student.iep_inputs.exclude(attachment="") if with_attachment else student.iep_inputs.all()
    return inputs.order_by("pk").values_list("pk", flat=True).first() or 0


def _iep_report(student) -> int:
    return student.iep_progress_reports.order_by("pk").values_list("pk", flat=True).first() or 0


# mtss: who sets tiers and starts plans (teaches | has_on_caseload | the school's problem-solving team); every demo
# subject has a support plan (Maya's is closed, from before her IEP).
MTSS_MANAGERS = {"teacher", "teacher2", "casemanager", "slp", "principal"}
# Maple's problem-solving team decides and refers (with the caseload: slp@ for Maya); Cedar has no team in the demo.
MTSS_TEAM = {"principal", "casemanager"}
MAPLE_SUBJECTS = frozenset({"maya", "other_family"})


# Students with an active support plan (a support team the family may write to).
SUPPORTED_SUBJECTS = frozenset({"other_family", "other_school"})


def _mtss_plan(student) -> int:
    return student.support_plans.order_by("pk").values_list("pk", flat=True).first() or 0


# family_portal: the parents, and who posts highlights (teaches | has_on_caseload).
FAMILIES = {"parent", "parent2"}
HIGHLIGHT_POSTERS = {"teacher", "teacher2", "casemanager", "slp"}


def _highlight(student) -> dict:
    """A highlight with a photo about the subject (family_portal/demo.py gives each subject one)."""
    return {"highlight_id": student.highlights.exclude(photo="").order_by("pk").values_list("pk", flat=True).first() or 0}


def _amendment(student) -> dict:
    """privacy/demo.py gives Maya's and the other family's child a correction request each."""
    return {"request_id": student.amendment_requests.order_by("pk").values_list("pk", flat=True).first() or 0}


@dataclass(frozen=True)
class StudentRoute:
    allowed: set[str]
    ok: int = 200
    method: str = "GET"
    extra_kwargs: Callable[[dict], dict] | None = None  # world -> kwargs beyond student_id
    # The subjects on which `allowed` may act (None: all). Others answer 403, e.g. IEP pages exist only for
    # students with an IEP, so a case manager who co-teaches another student gets 403 there.
    subjects: frozenset[str] | None = None
    # Who may act, subject by subject, when it differs (a rule about a row, such as who recorded a result).
    allowed_on: dict[str, set[str]] | None = None
    # A status other than `ok` for some principals who may act (the student's own record sends her to her home: 302).
    ok_for: dict[str, int] | None = None

    def allowed_for(self, subject: str) -> set[str]:
        return self.allowed_on.get(subject, self.allowed) if self.allowed_on else self.allowed


@dataclass(frozen=True)
class Route:
    expect: dict[str, int] = field(default_factory=dict)
    other: int = 403
    anonymous: int = 302
    kwargs: Callable[[dict], dict] | None = None
    query: str = ""


def only(principals: set[str], status: int = 200, other: int = 403) -> Route:
    return Route(expect={p: status for p in principals}, other=other)


SIGNED_IN = set(PRINCIPALS) - {"anonymous"}

# competencies: who may record evidence (teaches | has_on_caseload), and demo objects for URL kwargs.
EVIDENCE_RECORDERS = {"teacher", "teacher2", "casemanager", "slp"}
MATH_GRID = {"teacher": 200, "casemanager": 200, "principal": 200, "director": 404, "slp": 404, "teacher2": 404}


def _math_section(world) -> dict:
    from roster.models import Section

    return {"section_id": Section.objects.get(sourced_id="demo-section-math-1").pk}


# Correcting or removing a result: the person who recorded it (demo: the class's teacher) or the student's case manager;
# others who may record evidence for the student get 403.
EVIDENCE_CORRECTORS = {"maya": {"teacher", "casemanager"}, "other_family": {"teacher"}, "other_school": {"teacher2"}}


def _first_result(student) -> dict:
    return {"evidence_id": student.evidence.order_by("pk").values_list("pk", flat=True).first() or 0}


def _class_competency(student) -> dict:
    from competencies.models import SectionCompetency

    link = SectionCompetency.objects.filter(section__enrollments__student=student).order_by("position", "pk").first()
    return {"competency_id": link.competency_id}


# paths
PATH_MANAGERS = {"teacher", "teacher2", "casemanager", "slp"}
SCHOOL1_TEMPLATE = {"teacher": 200, "casemanager": 200, "slp": 200, "principal": 200, "teacher2": 404, "director": 404}


def _student_path(student) -> dict:
    return {"path_id": student.learning_paths.filter(is_active=True).order_by("pk").values_list("pk", flat=True).first() or 0}


def _student_step(student) -> dict:
    from paths.models import PathStep

    steps = PathStep.objects.filter(path__student=student, path__is_active=True).order_by("path_id", "position")
    step = steps.filter(status="open").first() or steps.first()
    return {"path_id": step.path_id, "step_id": step.pk} if step else {"path_id": 0, "step_id": 0}


def _school1_option(world) -> dict:
    from paths.models import TemplateOption

    option = TemplateOption.objects.filter(step__template__school__sourced_id="demo-school-1").order_by("pk").first()
    return {"template_id": option.step.template_id, "option_id": option.pk}


def _school1_template(world, with_step: bool = False) -> dict:
    from paths.models import PathTemplate

    template = PathTemplate.objects.filter(school__sourced_id="demo-school-1").order_by("pk").first()
    kwargs = {"template_id": template.pk}
    if with_step:
        kwargs["step_id"] = template.steps.order_by("position").values_list("pk", flat=True).first()
    return kwargs


def _demo_provider(for_families: bool = False) -> int:
    from sso.models import IdentityProvider

    providers = IdentityProvider.objects.filter(district__isnull=for_families)
    return providers.values_list("pk", flat=True).order_by("pk").first() or 0


# credentials (issue 21): the family (holds the rights over the record) chooses, downloads, withdraws; the case
# manager or the director revokes (demo: Maya's case manager). credentials/demo.py gives each subject a credential.
CREDENTIAL_MANAGERS = {"maya": {"casemanager", "director"}, "other_family": set(), "other_school": set()}
SEES_MAYA = {p for p, subjects in SEES.items() if "maya" in subjects}


def _credential(student) -> dict:
    return {"credential_id": student.credentials.order_by("pk").values_list("uuid", flat=True).first()}


def _learner_record(student) -> dict:
    return {"record_id": student.learner_records.order_by("pk").values_list("uuid", flat=True).first()}


def _micro(world) -> dict:
    from credentials.models import MicroCredential

    return {"micro_id": MicroCredential.objects.order_by("pk").values_list("pk", flat=True).first()}


def _award(world) -> dict:
    """casemanager@'s award (credentials/demo.py)."""
    from credentials.models import Submission

    return {"award_id": Submission.objects.filter(award_uuid__isnull=False).values_list("award_uuid", flat=True).first()}


def _waiting_submission(world) -> dict:
    """teacher@'s submission waiting for review, with a PDF (credentials/demo.py)."""
    from credentials.models import Submission

    return {"submission_id": Submission.objects.filter(status="submitted").values_list("pk", flat=True).first()}


NON_STAFF_403 = {p: 403 for p in SIGNED_IN - STAFF}


def _maya_credential(world) -> dict:
    return {"credential_id": _credential(world["students"]["maya"])["credential_id"]}


def _demo_district(world) -> dict:
    return {"district_id": world["students"]["maya"].school.district_id}


MATRIX: dict[str, StudentRoute | Route] = {
    # accounts
    "accounts:home": Route(expect={p: 302 for p in SIGNED_IN}),
    "accounts:login": Route(expect={p: 302 for p in SIGNED_IN}, anonymous=200),
    "accounts:logout": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405),
    "accounts:language": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405),  # the language switch, POST only
    "accounts:password-change": only(SIGNED_IN),
    "accounts:two-factor-setup": only(SIGNED_IN),
    "accounts:two-factor-verify": only(SIGNED_IN),
    "accounts:password-change-done": only(SIGNED_IN),
    "accounts:invitation-accept": Route(other=404, anonymous=404, kwargs=lambda w: {"token": "tampered"}),
    "accounts:password-reset": Route(other=200, anonymous=200),
    "accounts:password-reset-done": Route(other=200, anonymous=200),
    "accounts:password-reset-confirm": Route(other=200, anonymous=200, kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}),
    "accounts:password-reset-complete": Route(other=200, anonymous=200),
    # roster
    "roster:staff-home": only(STAFF),
    "roster:student-list": only(STAFF),
    "roster:family-home": only({"parent", "parent2"}),
    "roster:student-home": Route(expect={"student": 302}),
    "roster:district-overview": only({"admin"}),
    # roster: imports and invitations (issue #8); runs and invitations of other districts are 404
    "roster:import-list": only({"admin"}),
    "roster:import-detail": Route(expect={"admin": 404}, kwargs=lambda w: {"run_id": 999999}),
    "roster:import-apply": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405, kwargs=lambda w: {"run_id": 999999}),
    "roster:invitation-list": only({"admin"}),
    "roster:invitation-preview": only({"admin"}),
    "roster:invitation-send-all": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405),
    "roster:invitation-resend": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405, kwargs=lambda w: {"invitation_id": 999999}),
    # idle timeout (issue #11, T9.6): status for anyone signed in; extending and drafts are POST only
    # (the drafts go through the door with their form's permission: tests/roster/test_drafts.py)
    "accounts:session-status": Route(other=200),
    "accounts:session-extend": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405),
    # sso (issue 22): the demo district's provider is turned off; a callback without a known state is refused
    "sso:start": Route(other=404, anonymous=404, kwargs=lambda w: {"provider_id": _demo_provider()}),
    "sso:callback": Route(other=400, anonymous=400),
    # SAML (issue 22): Waypoint's metadata is public; the ACS takes only the IdP's POST; a parked response
    # that is not there (expired, used or made up) is refused
    "sso:saml-metadata": Route(other=200, anonymous=200),
    "sso:saml-acs": Route(other=405, anonymous=405),
    "sso:saml-continue": Route(other=400, anonymous=400, kwargs=lambda w: {"key": "gone"}),
    "sso:link-request": Route(other=200, anonymous=200),
    "sso:link-sent": Route(other=200, anonymous=200),
    "sso:link-sign-in": Route(other=404, anonymous=404, kwargs=lambda w: {"token": "tampered"}),
    "sso:methods": only(SIGNED_IN),
    "sso:unlink": Route(expect={p: 405 for p in SIGNED_IN}, kwargs=lambda w: {"identity_id": 1}),
    # the demo's provider for families' own Google accounts is turned off (no client): nobody can start a link
    "sso:link-own": Route(other=404, kwargs=lambda w: {"provider_id": _demo_provider(for_families=True)}),
    "roster:draft-profile-section": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405,
                                          kwargs=lambda w: {"student_id": w["students"]["maya"].uuid, "part": "needs"}),
    "roster:draft-family-input": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405,
                                       kwargs=lambda w: {"student_id": w["students"]["maya"].uuid}),
    # roster: sign-in lockouts (issue #11, T5.2): the district administrator only; unlocking is POST only
    "roster:locked-accounts": only({"admin"}),
    "roster:locked-account-unlock": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405, kwargs=lambda w: {"user_id": 999999}),
    # roster: emails that could not be sent (T8.6): the district administrator only; acting is POST only
    "roster:delivery-failures": only({"admin"}),
    "roster:delivery-failure-send-again": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405,
                                                kwargs=lambda w: {"failure_id": 999999}),
    "roster:delivery-failure-dismiss": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405,
                                             kwargs=lambda w: {"failure_id": 999999}),
    "roster:student-detail": StudentRoute(allowed=EVERYONE_WHO_SEES, ok_for={"student": 302}),
    # a student's language: her teachers, case manager and family set it (issue 18); she uses the header switch
    "roster:student-language": StudentRoute(allowed=HIGHLIGHT_POSTERS | FAMILIES, ok=405),
    # the student's own home (issue 17.1): the student herself only
    "me:home": StudentRoute(allowed={"student"}),
    # competencies (the section grid: the class's teachers and the school leader; other staff 404)
    "competencies:student-progress": StudentRoute(allowed=EVERYONE_WHO_SEES),
    "competencies:student-competency": StudentRoute(allowed=EVERYONE_WHO_SEES, extra_kwargs=lambda w, s: _class_competency(s)),
    "competencies:evidence-new": StudentRoute(allowed=EVIDENCE_RECORDERS),
    "competencies:mastery-override": StudentRoute(allowed=EVIDENCE_RECORDERS, extra_kwargs=lambda w, s: _class_competency(s)),
    "competencies:student-evidence-csv": StudentRoute(allowed=EVERYONE_WHO_SEES),
    "competencies:evidence-correct": StudentRoute(allowed=set(), allowed_on=EVIDENCE_CORRECTORS, extra_kwargs=lambda w, s: _first_result(s)),
    "competencies:evidence-void": StudentRoute(allowed=set(), allowed_on=EVIDENCE_CORRECTORS, extra_kwargs=lambda w, s: _first_result(s)),
    "competencies:section-list": only(STAFF),
    "competencies:section-grid": Route(expect=MATH_GRID, kwargs=_math_section),
    "competencies:section-evidence": Route(expect={**MATH_GRID, "principal": 403}, kwargs=_math_section),
    "competencies:section-grid-csv": Route(expect=MATH_GRID, kwargs=_math_section),
    # profiles
    "profiles:detail": StudentRoute(allowed=EVERYONE_WHO_SEES),
    "profiles:section": StudentRoute(allowed=EVERYONE_WHO_SEES, extra_kwargs=lambda w, s: {"kind": "strengths"}),
    "profiles:section-edit": StudentRoute(allowed=PROFILE_EDITORS, extra_kwargs=lambda w, s: {"kind": "strengths"}),
    "profiles:about-me-edit": StudentRoute(allowed={"student"}),
    "profiles:goal-add": StudentRoute(allowed=PROFILE_EDITORS),
    "profiles:goal-edit": StudentRoute(allowed=PROFILE_EDITORS, extra_kwargs=lambda w, s: {"goal_id": _profile_goal(s)}),
    "profiles:my-goal-edit": StudentRoute(allowed={"student"}, extra_kwargs=lambda w, s: {"goal_id": _profile_goal(s, "student")}),
    "profiles:accommodation-add": StudentRoute(allowed=PROFILE_EDITORS),
    "profiles:accommodation-edit": StudentRoute(
        allowed=PROFILE_EDITORS, extra_kwargs=lambda w, s: {"accommodation_id": s.accommodations.values_list("pk", flat=True).first()}
    ),
    "profiles:history": StudentRoute(allowed=STAFF),
    "profiles:packet": StudentRoute(allowed=STAFF),
    "profiles:packet-pdf": StudentRoute(allowed=STAFF),
    "profiles:meet": StudentRoute(allowed=STAFF),
    "profiles:mine": Route(expect={"student": 302}),
    # iep: pages exist only for students with an IEP (maya); teacher@ sits on Maya's IEP team in the demo.
    "iep:student-iep": StudentRoute(allowed=IEP_VIEWERS, subjects=IEP_SUBJECTS),
    "iep:goal-point-add": StudentRoute(allowed={"casemanager", "slp"}, ok=405, subjects=IEP_SUBJECTS,
                                       extra_kwargs=lambda w, s: {"goal_id": _iep_goal(s)}),
    # iep.correct_progress at the door (the caseload), then iep.correct_result on the result: its recorder or the
    # case manager (casemanager@ is both in the demo); slp@, on the caseload, gets 403 for a result she did not record.
    "iep:goal-point-correct": StudentRoute(allowed={"casemanager"}, subjects=IEP_SUBJECTS, extra_kwargs=lambda w, s: _iep_point(s)),
    "iep:goal-point-void": StudentRoute(allowed={"casemanager"}, subjects=IEP_SUBJECTS, extra_kwargs=lambda w, s: _iep_point(s)),
    # iep.manage_plan: the case manager and the director write the plan and its goals; the goal page is iep.view
    "iep:plan-edit": StudentRoute(allowed=IEP_REVIEWERS, subjects=IEP_SUBJECTS),
    "iep:goal-new": StudentRoute(allowed=IEP_REVIEWERS, subjects=IEP_SUBJECTS),
    "iep:goal-edit": StudentRoute(allowed=IEP_REVIEWERS, subjects=IEP_SUBJECTS,
                                  extra_kwargs=lambda w, s: {"goal_id": _iep_goal(s)}),
    "iep:goal-detail": StudentRoute(allowed=IEP_VIEWERS, subjects=IEP_SUBJECTS,
                                    extra_kwargs=lambda w, s: {"goal_id": _iep_goal(s)}),
    "iep:input-new": StudentRoute(allowed={"parent", "casemanager", "slp", "teacher"}, subjects=IEP_SUBJECTS),
    "iep:input-detail": StudentRoute(allowed=IEP_REVIEWERS, subjects=IEP_SUBJECTS,
                                     extra_kwargs=lambda w, s: {"input_id": _iep_input(s)}),
    "iep:input-act": StudentRoute(allowed=IEP_REVIEWERS, ok=405, subjects=IEP_SUBJECTS,
                                  extra_kwargs=lambda w, s: {"input_id": _iep_input(s)}),
    "iep:input-attachment": StudentRoute(allowed=IEP_REVIEWERS, subjects=IEP_SUBJECTS,
                                         extra_kwargs=lambda w, s: {"input_id": _iep_input(s, with_attachment=True)}),
    "iep:report-page": StudentRoute(allowed=IEP_VIEWERS, subjects=IEP_SUBJECTS, extra_kwargs=lambda w, s: {"period": "2026-Q1"}),
    "iep:report-pdf": StudentRoute(allowed=IEP_VIEWERS, subjects=IEP_SUBJECTS,
                                   extra_kwargs=lambda w, s: {"report_id": _iep_report(s)}),
    "iep:report-generate": StudentRoute(allowed=IEP_REVIEWERS, ok=405, subjects=IEP_SUBJECTS),
    "iep:queue": only(IEP_REVIEWERS | {"principal", "slp"}),  # they see the inputs given to them (issue 16.5)
    "iep:queue-assign": Route(expect={"director": 405}),
    "iep:deadlines": only(IEP_REVIEWERS),
    "iep:reports-generate": Route(expect={"director": 405}),
    "iep:reports-progress": Route(expect={"director": 200}, query="?period=2026-Q3"),
    # mtss (issue 20): staff who work with the student, the school's problem-solving team (principal@ and casemanager@
    # sit on Maple's) and the interventionist see tiered supports; teachers, the caseload and the team set tiers and
    # start plans; they and the interventionist record results and sessions. Families and the student: 403.
    "mtss:student": StudentRoute(allowed=STAFF),
    "mtss:tier-change": StudentRoute(allowed=MTSS_MANAGERS, ok=405),
    "mtss:plan-new": StudentRoute(allowed=MTSS_MANAGERS),
    "mtss:plan": StudentRoute(allowed=STAFF, extra_kwargs=lambda w, s: {"plan_id": _mtss_plan(s)}),
    "mtss:result-add": StudentRoute(allowed=MTSS_MANAGERS, ok=405, extra_kwargs=lambda w, s: {"plan_id": _mtss_plan(s)}),
    "mtss:session-add": StudentRoute(allowed=MTSS_MANAGERS, ok=405, extra_kwargs=lambda w, s: {"plan_id": _mtss_plan(s)}),
    "mtss:decision-add": StudentRoute(allowed=MTSS_TEAM, ok=405, subjects=MAPLE_SUBJECTS),
    "mtss:referral": StudentRoute(allowed=MTSS_TEAM | {"slp"}, subjects=MAPLE_SUBJECTS),
    # The family's messages to the support team: Maple's team, and the interventionist of an active plan (teacher2@ gives
    # the Cedar student's); the IEP inputs' own row (issue 20.6).
    "mtss:input-answer": StudentRoute(allowed=MTSS_TEAM, ok=405, allowed_on={"other_school": {"teacher2"}},
                                      extra_kwargs=lambda w, s: {"input_id": _iep_input(s)}),
    "mtss:screening-import": only({"principal", "casemanager"}),
    "mtss:overview": only(STAFF),
    # family_portal: the family's pages are the parents' alone (staff who see the child get 403);
    # staff who teach the child or have them on caseload post highlights and see the family's replies.
    "family_portal:child-supports": StudentRoute(allowed=FAMILIES),  # extra help (MTSS, issue 20.6)
    "family_portal:home": only(FAMILIES),
    "family_portal:welcome": only(FAMILIES),
    "family_portal:preferences": only(FAMILIES),
    "family_portal:child": StudentRoute(allowed=FAMILIES),
    "family_portal:child-learning": StudentRoute(allowed=FAMILIES),
    "family_portal:child-goals": StudentRoute(allowed=FAMILIES),
    "family_portal:child-about": StudentRoute(allowed=FAMILIES),
    "family_portal:highlight-reply": StudentRoute(allowed=FAMILIES, ok=405, extra_kwargs=lambda w, s: _highlight(s)),
    "family_portal:highlight-photo": StudentRoute(allowed=FAMILIES | HIGHLIGHT_POSTERS, extra_kwargs=lambda w, s: _highlight(s)),
    "family_portal:report-pdf": StudentRoute(allowed=FAMILIES, subjects=IEP_SUBJECTS,
                                             extra_kwargs=lambda w, s: {"report_id": _iep_report(s)}),
    "family_portal:input-list": StudentRoute(allowed=FAMILIES),
    "family_portal:input-new": StudentRoute(allowed=FAMILIES, subjects=IEP_SUBJECTS),
    # To the support team of an active tier 2 or 3 plan (Maya's is closed: 403), issue 20.6.
    "family_portal:support-input-new": StudentRoute(allowed=FAMILIES, subjects=SUPPORTED_SUBJECTS),
    "family_portal:input-sent": StudentRoute(allowed=FAMILIES, subjects=IEP_SUBJECTS,
                                             extra_kwargs=lambda w, s: {"input_id": _iep_input(s)}),
    "family_portal:access-record": StudentRoute(allowed=FAMILIES),
    "family_portal:student-highlights": StudentRoute(allowed=HIGHLIGHT_POSTERS),
    # paths: everyone who sees the student sees the path; teachers and caseload adapt it; only the student chooses.
    "paths:path-detail": StudentRoute(allowed=EVERYONE_WHO_SEES),
    "paths:path-adapt": StudentRoute(allowed=PATH_MANAGERS, extra_kwargs=lambda w, s: _student_path(s)),
    "paths:path-reschedule": StudentRoute(allowed=PATH_MANAGERS, extra_kwargs=lambda w, s: _student_path(s)),
    "paths:step-add": StudentRoute(allowed=PATH_MANAGERS, extra_kwargs=lambda w, s: _student_path(s)),
    "paths:step-edit": StudentRoute(allowed=PATH_MANAGERS, extra_kwargs=lambda w, s: _student_step(s)),
    "paths:step-action": StudentRoute(allowed=PATH_MANAGERS, ok=405, extra_kwargs=lambda w, s: _student_step(s)),
    "paths:step-override": StudentRoute(allowed=PATH_MANAGERS, extra_kwargs=lambda w, s: _student_step(s)),
    "paths:step-choose": StudentRoute(allowed={"student"}, extra_kwargs=lambda w, s: _student_step(s)),
    # paths: templates belong to a school (staff of another school: 404; district staff: no school, 403)
    "paths:template-list": only(STAFF - {"director"}),
    "paths:template-new": only(STAFF - {"director"}),
    "paths:template-detail": Route(expect=SCHOOL1_TEMPLATE, kwargs=_school1_template),
    "paths:template-step-new": Route(expect=SCHOOL1_TEMPLATE, kwargs=_school1_template),
    "paths:template-option-new": Route(expect=SCHOOL1_TEMPLATE, kwargs=lambda w: _school1_template(w, with_step=True)),
    "paths:template-step-edit": Route(expect=SCHOOL1_TEMPLATE, kwargs=lambda w: _school1_template(w, with_step=True)),
    "paths:template-step-action": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405,
                                        kwargs=lambda w: _school1_template(w, with_step=True)),
    "paths:template-option-edit": Route(expect=SCHOOL1_TEMPLATE, kwargs=_school1_option),
    "paths:template-option-remove": Route(expect={p: 405 for p in SIGNED_IN}, anonymous=405, kwargs=_school1_option),
    # paths: a class's pacing (its teachers and the school leader), assigning and small groups (its teachers)
    "paths:section-pacing": Route(expect=MATH_GRID, kwargs=_math_section),
    "paths:section-assign": Route(expect={**MATH_GRID, "principal": 403}, kwargs=_math_section),
    "paths:section-groups": Route(expect={**MATH_GRID, "principal": 403}, kwargs=_math_section),
    "paths:session-new": Route(expect={**MATH_GRID, "principal": 403}, kwargs=_math_section),
    "paths:my-sessions": only(STAFF),
    "paths:school-sessions": only({"principal"}),
    # credentials: public documents a verifier reads, the evidence link (through the door), the family, the staff
    "credentials:issuer": Route(other=200, anonymous=200, kwargs=_demo_district),
    "credentials:jwks": Route(other=200, anonymous=200, kwargs=_demo_district),
    "credentials:status-list": Route(other=200, anonymous=200, kwargs=_demo_district),
    "credentials:verify": Route(other=200, anonymous=200, kwargs=_maya_credential),
    "credentials:evidence": Route(expect={p: 302 for p in SEES_MAYA}, other=404, kwargs=_maya_credential),
    "credentials:family-list": StudentRoute(allowed=FAMILIES),
    "credentials:choose": StudentRoute(allowed=FAMILIES, ok=405),
    "credentials:download-json": StudentRoute(allowed=FAMILIES, extra_kwargs=lambda w, s: _credential(s)),
    "credentials:download-jwt": StudentRoute(allowed=FAMILIES, extra_kwargs=lambda w, s: _credential(s)),
    "credentials:withdraw": StudentRoute(allowed=FAMILIES, ok=405, extra_kwargs=lambda w, s: _credential(s)),
    "credentials:record-make": StudentRoute(allowed=FAMILIES, ok=405),
    "credentials:record-json": StudentRoute(allowed=FAMILIES, extra_kwargs=lambda w, s: _learner_record(s)),
    "credentials:record-jwt": StudentRoute(allowed=FAMILIES, extra_kwargs=lambda w, s: _learner_record(s)),
    # educators' micro-credentials: staff earn them, director@ is the demo district's reviewer and sees the holders
    "credentials:micro-catalogue": only(STAFF),
    "credentials:micro-detail": Route(expect={p: 200 for p in STAFF}, kwargs=_micro),
    "credentials:micro-award-json": Route(expect={"casemanager": 200} | NON_STAFF_403, other=404, kwargs=_award),
    "credentials:micro-award-jwt": Route(expect={"casemanager": 200} | NON_STAFF_403, other=404, kwargs=_award),
    "credentials:micro-queue": only({"director"}),
    "credentials:micro-review": Route(expect={"director": 200}, kwargs=_waiting_submission),
    "credentials:micro-file": Route(expect={"teacher": 200, "director": 200} | NON_STAFF_403, other=404, kwargs=_waiting_submission),
    "credentials:micro-holders": only({"director"}),
    # revoking an award: the district's administrator and its special-education director (issue 21)
    "credentials:micro-awards": only({"admin", "director"}),
    "credentials:micro-revoke": Route(expect={"admin": 200, "director": 200}, kwargs=_award),
    # the student's own page: she sees hers; Maya (10) is under the demo district's age (13), so choosing and
    # downloading stay with her family: 403 for her too
    "credentials:mine": StudentRoute(allowed={"student"}),
    "credentials:mine-choose": StudentRoute(allowed=set(), ok=405),
    "credentials:mine-json": StudentRoute(allowed=set(), extra_kwargs=lambda w, s: _credential(s)),
    "credentials:mine-jwt": StudentRoute(allowed=set(), extra_kwargs=lambda w, s: _credential(s)),
    "credentials:student": StudentRoute(allowed={"casemanager", "director"}, allowed_on=CREDENTIAL_MANAGERS),
    "credentials:revoke": StudentRoute(allowed={"casemanager", "director"}, allowed_on=CREDENTIAL_MANAGERS, ok=405,
                                       extra_kwargs=lambda w, s: _credential(s)),
    # privacy: the family's rights (guardians with the right to records; the student from 18, not in the demo);
    # the director exports for the district; staff who work with the student see the family's requests; the
    # school leader or the director decides them; the director sees who may access records (IDEA 300.623(d)).
    "privacy:family-home": only(FAMILIES),
    "privacy:export": StudentRoute(allowed=FAMILIES | {"director"}),
    "privacy:disclosures": StudentRoute(allowed=FAMILIES),
    "privacy:amendments": StudentRoute(allowed=FAMILIES),
    "privacy:amendment-hearing": StudentRoute(allowed=FAMILIES, ok=405, extra_kwargs=lambda w, s: _amendment(s)),
    "privacy:amendment-statement": StudentRoute(allowed=FAMILIES, extra_kwargs=lambda w, s: _amendment(s)),
    "privacy:student-requests": StudentRoute(allowed=STAFF),
    "privacy:amendment-decide": StudentRoute(allowed={"principal", "director"}, extra_kwargs=lambda w, s: _amendment(s)),
    "privacy:pii-staff": only({"director"}),
}

# The Django admin: staff accounts only; everyone else is sent to the admin's own sign-in.
ADMIN_NAMESPACE = "admin"
