"""THE access policy: who may see and do what for a student.

Every rule lives here, in two forms side by side: a `rules` predicate for one
student (used by `user.has_perm(perm, student)`) and a queryset for lists
(`visible_students`). tests/security/test_access_policy.py keeps the two equal,
user by user. Access follows relationships (enrolment this term, caseload,
school leadership, district special-education role, guardianship, self),
never a guessable URL.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial, wraps

import rules
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User

from .compiled import STAND_IN_PK, STAND_IN_UUID, compiled
from .models import Caseload, Enrollment, Guardianship, Section, StaffAssignment, Student, eighteenth_birthday_cutoff

# --- Relationships, for one student -----------------------------------------


def about_student(test):
    """A rules predicate about one student. Without a student (a model-level check such as the
    admin's has_perm("roster.view_student")) the answer is no."""

    @wraps(test)
    def predicate(user: User, student: Student | None) -> bool:
        if student is None or not user.is_authenticated or not user.is_active:  # T1.5: as visible_students
            return False
        # One page asks several permissions that share relationships; each is read once per
        # request (request.user is a fresh object on every request, so nothing outlives it).
        answers = getattr(user, "_relationship_answers", None)
        if answers is None:
            answers = {}
            setattr(user, "_relationship_answers", answers)
        key = (test.__name__, student.pk)
        if key not in answers:
            answers[key] = test(user, student)
        return answers[key]

    return rules.predicate(predicate)


# Every relationship between a person and one student is answered by ONE query (P1): a page asks several
# permissions (view, edit, restricted details, the IEP team...) that share relationships, so the answers are
# read together, by the access door's own query when the request comes through it (`door_student`), else by
# `relationships`. Both use `_relationship_exists`, the one place these rules are written for one
# student; `visible_students` below is their list form, kept equal by tests/security/test_access_policy.py
# and tests/trust/test_policy_property.py.
RELATIONSHIPS = ("teaches", "has_on_caseload", "case_manager", "leads_school", "directs", "guardian", "iep_team",
                 "owns_input", "mtss_team", "interventionist")


def _on(field: str, value) -> dict:
    """A lookup on `field` for one row (an object, a pk or an OuterRef) or for a set (a queryset); None: any."""
    if value is None:
        return {}
    return {f"{field}__in": value} if isinstance(value, QuerySet) else {field: value}


def _rights_over_record(prefix: str = "", today=None) -> Q:
    """FERPA 99.5: a guardian's rights over the record hold while the student is under 18 (or a dependent
    adult); at 18 they pass to the student. Written once, on the student fields under `prefix`."""
    cutoff = eighteenth_birthday_cutoff(today or timezone.localdate())
    return (Q(**{f"{prefix}date_of_birth__isnull": True}) | Q(**{f"{prefix}date_of_birth__gt": cutoff})
            | Q(**{f"{prefix}is_dependent_adult": True}))


def guardianships_with_rights() -> QuerySet[Guardianship]:
    """The one rule of "a guardian with rights to the record": an active guardianship, not barred from records,
    of an active account, while the student is a minor or a dependent adult."""
    return Guardianship.objects.filter(_rights_over_record("student__"), is_active=True, may_access_records=True,
                                       guardian__is_active=True)


PLANS = (Student.Plan.IEP, Student.Plan.SECTION_504)


# The field of each relationship's rows that names its student.
STUDENT_FIELD = {
    "teaches": "student", "has_on_caseload": "student", "case_manager": "student", "leads_school": "school__students",
    "directs": "district__schools__students", "guardian": "student", "iep_team": "plan__student",
    "owns_input": "student", "mtss_team": "school__students", "interventionist": "student",
}


def _relationship_rows(user, student) -> dict[str, QuerySet]:
    """Each relationship between a person and a student, written once. `user` and `student` are each one row
    (an object, a pk or an OuterRef) or a set (a queryset); every form below (the door, the list form, the
    reverse forms) is this with one side fixed and the other an OuterRef; `student` None: every student (the
    rows then name their student by STUDENT_FIELD)."""
    today = timezone.localdate()

    def side(name: str) -> dict:
        return _on(STUDENT_FIELD[name], student)

    team_member = apps.get_model("iep", "TeamMember")  # recorded by the iep app; roster imports no higher app
    team_seat, support_plan = apps.get_model("mtss", "TeamSeat"), apps.get_model("mtss", "SupportPlan")  # the mtss app
    referral = apps.get_model("mtss", "Referral")
    return {
        "teaches": Enrollment.objects.filter(**side("teaches"), **_on("section__teachers", user),
                                             section__term__start_date__lte=today, section__term__end_date__gte=today),
        "has_on_caseload": Caseload.objects.filter(**_on("staff", user), **side("has_on_caseload"), is_active=True),
        "case_manager": Caseload.objects.filter(**_on("staff", user), **side("case_manager"), is_active=True,
                                                role=Caseload.Role.CASE_MANAGER),
        "leads_school": StaffAssignment.objects.filter(**_on("user", user), **side("leads_school"),
                                                       role=StaffAssignment.Role.SCHOOL_LEADER),
        # The director's rule covers students with an IEP or a 504 plan, and students referred for a special
        # education evaluation (Child Find, issue 20.5): the district answers for the evaluation's deadline.
        "directs": StaffAssignment.objects.filter(
            Q(district__schools__students__plan__in=PLANS)
            | Q(district__schools__students__in=referral.objects.values("student")),
            **_on("user", user), **side("directs"), role=StaffAssignment.Role.SPED_DIRECTOR),
        "guardian": guardianships_with_rights().filter(**_on("guardian", user), **side("guardian")),
        "iep_team": team_member.objects.filter(**_on("user", user), **side("iep_team"), plan__is_current=True),
        "owns_input": _owned_inputs().filter(**_on("assigned_to", user), **side("owns_input")),
        # MTSS (issue 20): a seat on the problem-solving team of the student's school; giving an active support plan.
        "mtss_team": team_seat.objects.filter(**_on("user", user), **side("mtss_team")),
        "interventionist": support_plan.objects.filter(**_on("interventionist", user), **side("interventionist"),
                                                       is_active=True),
    }  # fmt: skip


def _relationship_exists(user: User) -> dict[str, Exists]:
    """One EXISTS per relationship between `user` and the student row of the outer query."""
    return {name: Exists(rows) for name, rows in _relationship_rows(user, OuterRef("pk")).items()}


def _owned_inputs(user: User | None = None) -> QuerySet:
    """Inputs to an IEP team that `user` was given to handle (assigned to them) and that are not closed: their
    owner may open the student's record and act on them (see `input_owners` for who may be given one)."""
    model = apps.get_model("iep", "IEPInput")  # recorded by the iep app; roster imports no higher app
    inputs = model.objects.exclude(status=model.Status.CLOSED)
    return inputs if user is None else inputs.filter(assigned_to=user)


def _finish(user: User, student: Student, row: dict) -> frozenset[str]:
    """The relationships a row of EXISTS answers holds, and "self"."""
    found = {name for name in RELATIONSHIPS if row.get(name)}
    if student.user_id is not None and student.user_id == user.pk:
        found.add("self")
    return frozenset(found)


def _remembered(user: User) -> dict:
    # request.user is a fresh object on every request, so nothing remembered here outlives the request.
    memo = getattr(user, "_student_relationships", None)
    if memo is None:
        memo = {}
        setattr(user, "_student_relationships", memo)
    return memo


def _relationships_query(user, pk) -> QuerySet:
    return Student.objects.filter(pk=pk).annotate(**_relationship_exists(user)).values(*RELATIONSHIPS).order_by()


def relationships(user: User, student: Student) -> frozenset[str]:
    """Every relationship `user` has with `student`, one query per (user, student) and request."""
    memo = _remembered(user)
    if student.pk not in memo:
        if user.pk is None:
            row = _relationships_query(user, student.pk).first()
        else:
            query = compiled("relationships", _relationships_query, user=STAND_IN_PK, pk=STAND_IN_PK - 1)
            found = query.first_row(user=user.pk, pk=student.pk)
            row = dict(zip(query.names(), found)) if found else None
        memo[student.pk] = _finish(user, student, row or {})
    return memo[student.pk]


def _door_query(user, uuid, with_standing: bool) -> QuerySet[Student]:
    standing_of = _standing_exists(user) if with_standing else {}
    return (
        Student.objects.select_related("school__district")
        .annotate(**{f"rel_{name}": expr for name, expr in _relationship_exists(user).items()})
        .annotate(**{f"std_{name}": expr for name, expr in standing_of.items()})
        .filter(uuid=uuid).order_by()
    )  # fmt: skip


def door_student(user: User, student_uuid) -> Student | None:
    """The access door's one query: the student with that UUID (None if there is none), with their school and
    district and every relationship `user` has with them, so that whether `user` may see the student at all
    (`may_see`) and every permission check of the request cost no further query (P1)."""
    # The person's standing (the navigation's flags) is read by the same query, so a student page pays nothing for it.
    with_standing = user.is_authenticated and getattr(user, "_standing", None) is None
    standing_of = _standing_names() if with_standing else ()
    if user.pk is None:
        student = _door_query(user, student_uuid, with_standing=False).first()
    else:
        # Compiled once per process and day (roster/compiled.py): building it cost more than most pages (P4).
        query = compiled("door+standing" if with_standing else "door", partial(_door_query, with_standing=with_standing),
                         user=STAND_IN_PK, uuid=STAND_IN_UUID)
        student = query.first_object(user=user.pk, uuid=student_uuid)
    if student is not None:
        row = {name: student.__dict__.pop(f"rel_{name}") for name in RELATIONSHIPS}
        held = {name for name in standing_of if student.__dict__.pop(f"std_{name}")}
        if user.is_authenticated:
            _remembered(user)[student.pk] = _finish(user, student, row)
            if standing_of and user.is_active:
                setattr(user, "_standing", frozenset(held))
    return student


def _relationship(name: str):
    def test(user: User, student: Student) -> bool:
        return name in relationships(user, student)

    return test


def _named(name: str, relationship: str):
    test = _relationship(relationship)
    test.__name__ = name
    return about_student(test)


teaches = _named("teaches", "teaches")
has_on_caseload = _named("has_on_caseload", "has_on_caseload")
is_case_manager_of = _named("is_case_manager_of", "case_manager")
leads_school_of = _named("leads_school_of", "leads_school")
directs_special_education_for = _named("directs_special_education_for", "directs")
is_guardian_of = _named("is_guardian_of", "guardian")
is_on_iep_team_of = _named("is_on_iep_team_of", "iep_team")
owns_input_about = _named("owns_input_about", "owns_input")
on_mtss_team_of = _named("on_mtss_team_of", "mtss_team")
intervenes_for = _named("intervenes_for", "interventionist")


@about_student
def is_the_student(user: User, student: Student) -> bool:
    return student.user_id is not None and student.user_id == user.pk


@about_student
def has_iep(user: User, student: Student) -> bool:
    return student.plan == Student.Plan.IEP


@about_student
def has_support_plan(user: User, student: Student) -> bool:
    """The student has an active tier 2 or 3 support plan (MTSS), so a support team to write to."""
    return apps.get_model("mtss", "SupportPlan").objects.filter(student=student, is_active=True).exists()


# About a class rather than a student (the class grid, bulk evidence, pacing, groups, path assignment): the class
# form, this term's classes only, written once for the one class and for the list (`grid_sections`).
def _class_rows(user, section) -> dict[str, QuerySet[Section]]:
    today = timezone.localdate()
    current = Section.objects.filter(**_on("pk", section), term__start_date__lte=today, term__end_date__gte=today)
    return {
        "teaches_section": current.filter(teachers=user),
        "leads_school_of_section": current.filter(school__staff_assignments__user=user,
                                                  school__staff_assignments__role=StaffAssignment.Role.SCHOOL_LEADER),
    }


def _class_answers(user: User) -> dict:
    """This request's answers about classes, {(relationship, section pk): bool}, kept on the user object."""
    if not hasattr(user, "_class_answers"):
        user._class_answers = {}
    return user._class_answers


def _about_class(name: str):
    def predicate(user: User, section: Section | None) -> bool:
        if section is None or not user.is_authenticated or not user.is_active:
            return False
        answers = _class_answers(user)
        if (name, section.pk) not in answers:
            answers[(name, section.pk)] = _class_rows(user, section.pk)[name].exists()
        return answers[(name, section.pk)]

    predicate.__name__ = name
    return rules.predicate(predicate)


teaches_section = _about_class("teaches_section")
leads_school_of_section = _about_class("leads_school_of_section")


# About one piece of evidence (competencies: correcting or removing a result): the person who recorded it, or the
# student's case manager. The student's relationships are read once per request, as for the door.
@rules.predicate
def recorded_the_evidence(user: User, evidence) -> bool:
    return evidence is not None and user.is_authenticated and evidence.recorded_by_id == user.pk


@rules.predicate
def manages_the_case_of_evidence(user: User, evidence) -> bool:
    return evidence is not None and bool(is_case_manager_of.test(user, evidence.student))


@about_student
def is_eligible_student(user: User, student: Student) -> bool:
    # FERPA 99.5: at 18 the rights over the record pass from the parents to the student.
    return student.is_adult and student.user_id is not None and student.user_id == user.pk


works_with = teaches | has_on_caseload | leads_school_of | directs_special_education_for
special_education_team = has_on_caseload | directs_special_education_for
# The owner of an input about the student (someone the director gave it to) sees the student while it is open.
# The school's problem-solving team and a student's interventionist see the student (MTSS, issue 20).
can_see_student = works_with | is_guardian_of | is_the_student | owns_input_about | on_mtss_team_of | intervenes_for


def may_see(user: User, student: Student) -> bool:
    """Whether `user` may see `student` at all: the per-student form of `visible_students` (the two are kept
    equal by tests/security/test_access_policy.py and tests/trust/test_policy_property.py). Asked of the
    predicate itself, not through has_perm, so that no backend (a superuser flag) widens it."""
    return bool(can_see_student.test(user, student))

# --- Permissions -------------------------------------------------------------
# roster
rules.add_perm("roster.view_student", can_see_student)
# Disability category and evaluation details: special-education team, director, family.
rules.add_perm("roster.view_restricted", special_education_team | is_guardian_of)
# The student's language for her pages, emails and PDFs (issue 18): she chooses it herself with the switch in the
# header; her teachers, her case manager and her family may set it for her.
rules.add_perm("roster.set_student_language", teaches | has_on_caseload | is_guardian_of)
# privacy: the family's FERPA rights (a copy, who received it, corrections) belong to guardians with the
# right to records, and to the student from 18; the director exports for the district; staff who work with
# the student see the family's requests; the school leader or the district's director, who answer for the
# school's records, decide them.
holds_ferpa_rights = is_guardian_of | is_eligible_student
rules.add_perm("privacy.export", holds_ferpa_rights | directs_special_education_for)
rules.add_perm("privacy.view_disclosures", holds_ferpa_rights)
rules.add_perm("privacy.request_amendment", holds_ferpa_rights)
rules.add_perm("privacy.view_requests", works_with)
rules.add_perm("privacy.decide_amendment", leads_school_of | directs_special_education_for)
# paths: everyone who sees the student sees their path; their teachers and caseload adapt it; only the
# student chooses their options (nobody marks a step mastered: mastery or the teacher's reasoned skip does).
rules.add_perm("paths.view", can_see_student)
rules.add_perm("paths.manage", teaches | has_on_caseload)
rules.add_perm("paths.choose", is_the_student)
rules.add_perm("student_home.view", is_the_student)  # her own home (issue 17.1): the student herself only
rules.add_perm("paths.view_section", teaches_section | leads_school_of_section)
rules.add_perm("paths.manage_section", teaches_section)
# competencies
rules.add_perm("competencies.view", can_see_student)
rules.add_perm("competencies.export", can_see_student)
rules.add_perm("competencies.record_evidence", teaches | has_on_caseload)
rules.add_perm("competencies.view_section_grid", teaches_section | leads_school_of_section)
rules.add_perm("competencies.record_section_evidence", teaches_section)
# Correcting or removing one result (with a reason, kept in its history): on the evidence row, after the door's
# competencies.record_evidence on the student.
rules.add_perm("competencies.correct_evidence", recorded_the_evidence | manages_the_case_of_evidence)

# profiles
# A profile page asks several questions about one student (which sections, restricted details, may this
# person edit); they share the one relationships query above. tests/profiles/test_access.py keeps
# profile_relationships equal to the predicates, user by user, on the demo district.
PROFILE_RELATIONSHIPS = frozenset({"teaches", "has_on_caseload", "leads_school", "directs", "guardian", "self"})


def profile_relationships(user: User, student: Student) -> frozenset[str]:
    return relationships(user, student) & PROFILE_RELATIONSHIPS


def _profile_relationship(name: str):
    def test(user: User, student: Student) -> bool:
        return name in profile_relationships(user, student)

    test.__name__ = f"profile_{name}"
    return about_student(test)


profile_staff = (
    _profile_relationship("teaches") | _profile_relationship("has_on_caseload")
    | _profile_relationship("leads_school") | _profile_relationship("directs")
)  # fmt: skip
profile_family = _profile_relationship("guardian")
profile_self = _profile_relationship("self")
profile_sped_team = _profile_relationship("has_on_caseload") | _profile_relationship("directs")

rules.add_perm("profiles.view", profile_staff | profile_family | profile_self)
# Section audiences (profiles.models.Visibility): each wider audience includes the narrower one.
rules.add_perm("profiles.view_staff_only", profile_staff)
rules.add_perm("profiles.view_family_shared", profile_staff | profile_family)
rules.add_perm("profiles.view_student_shared", profile_staff | profile_family | profile_self)
# Disability category and evaluation details: as roster.view_restricted.
rules.add_perm("profiles.view_restricted", profile_sped_team | profile_family)
# Edit sections, goals and accommodations: teachers of the student this term, the caseload, the director.
rules.add_perm("profiles.change", _profile_relationship("teaches") | profile_sped_team)
# "About me / how I learn best" and their own goals: the student only.
rules.add_perm("profiles.edit_own_voice", profile_self)
rules.add_perm("profiles.view_history", profile_staff)
rules.add_perm("profiles.print_packet", profile_staff)
rules.add_perm("profiles.meet", profile_staff)
# iep
# IEP data: the special-education team, the director, the family and the student; any other staff member
# (a general education teacher, a principal) only while they sit on the student's current IEP team.
# Only students with an IEP have IEP pages.
iep_team = special_education_team | (works_with & is_on_iep_team_of)
rules.add_perm("iep.view", has_iep & (iep_team | is_guardian_of | is_the_student))
rules.add_perm("iep.record_progress", has_iep & has_on_caseload)
# The history of a goal's results (who recorded, corrected, voided what): the staff who see the IEP.
rules.add_perm("iep.view_result_history", has_iep & iep_team)
# has_on_caseload first: iep.view has read it already on every IEP page, so staff pay no extra query (P1).
rules.add_perm("iep.submit_input", has_iep & (has_on_caseload | is_guardian_of | (works_with & is_on_iep_team_of)))
rules.add_perm("iep.review_queue", has_iep & (is_case_manager_of | directs_special_education_for))
# Opening and answering one input: its reviewers, and the person it was given to (its owner; the view shows an
# owner only the inputs they own).
rules.add_perm("iep.handle_input", has_iep & (is_case_manager_of | directs_special_education_for | owns_input_about))
# Writing the plan (dates, case manager, team) and its goals (measures, links to competencies and profile
# goals) belongs to the people answerable for the IEP: the student's case manager and the district's director
# of special education. Others on the caseload (a speech-language pathologist) record progress but do not
# rewrite the plan. Recording progress may also write evidence: iep.record_progress implies
# competencies.record_evidence (has_on_caseload).
rules.add_perm("iep.manage_plan", has_iep & (is_case_manager_of | directs_special_education_for))
# Correcting or voiding a progress-monitoring result (with a reason, kept in its history) belongs to the person
# who recorded it and to the student's case manager, nobody else (issue 16). The door asks
# iep.correct_progress of the student (people who may record results: the caseload); the result itself is then
# asked iep.correct_result, a rule about one ProgressPoint (its goal's plan loaded).


@rules.predicate
def recorded_result(user: User, point) -> bool:
    return point is not None and user.is_authenticated and point.recorded_by_id == user.pk


@rules.predicate
def manages_case_of_result(user: User, point) -> bool:
    return point is not None and bool(is_case_manager_of.test(user, point.goal.plan.student))


rules.add_perm("iep.correct_progress", has_iep & has_on_caseload)
rules.add_perm("iep.correct_result", recorded_result | manages_case_of_result)
# family_portal: the portal's pages are the family's alone; staff post highlights and read the replies.
# credentials (issue 21): who holds the rights over the record (the family; the student from 18) chooses to take a
# credential, downloads it and withdraws its sharing; the case manager or the director revokes one.
rules.add_perm("credentials.view", holds_ferpa_rights)
rules.add_perm("credentials.choose", holds_ferpa_rights)
rules.add_perm("credentials.export", holds_ferpa_rights)
rules.add_perm("credentials.manage", is_case_manager_of | directs_special_education_for)


@about_student
def chooses_own_credentials(user: User, student: Student) -> bool:
    """The district lets students from an age choose their own credentials (issue 21.3): the credentials app's one
    rule, credentials.selectors.may_choose_own (a higher app, read lazily)."""
    from credentials.selectors import may_choose_own

    return may_choose_own(student)


# The student's own Credentials page: she always sees hers; from the district's age she chooses and downloads them.
rules.add_perm("credentials.view_own", is_the_student)
rules.add_perm("credentials.choose_own", is_the_student & chooses_own_credentials)
rules.add_perm("credentials.export_own", is_the_student & chooses_own_credentials)

rules.add_perm("family_portal.view_child", is_guardian_of)
rules.add_perm("family_portal.reply", is_guardian_of)
rules.add_perm("family_portal.send_input", has_iep & is_guardian_of)
# Issue 20.6: the family writes to the support team of a tier 2 or 3 plan as it writes to an IEP team.
rules.add_perm("family_portal.send_support_input", has_support_plan & is_guardian_of)
rules.add_perm("family_portal.view_reports", has_iep & is_guardian_of)
rules.add_perm("family_portal.post_highlight", teaches | has_on_caseload)
rules.add_perm("family_portal.view_highlight_photo", is_guardian_of | teaches | has_on_caseload)
# mtss (issue 20): the staff who work with the student, the school's problem-solving team and the interventionist see
# the student's screening, tiers and support plans; the student's teachers, caseload and the team set tiers and start
# plans; they and the interventionist record results and sessions.
mtss_staff = works_with | on_mtss_team_of | intervenes_for
rules.add_perm("mtss.view", mtss_staff)
rules.add_perm("mtss.manage", teaches | has_on_caseload | on_mtss_team_of)
rules.add_perm("mtss.record", teaches | has_on_caseload | on_mtss_team_of | intervenes_for)
# The school's problem-solving team records its decisions; it and the special-education caseload refer a student for
# an evaluation.
rules.add_perm("mtss.decide", on_mtss_team_of)
rules.add_perm("mtss.refer", on_mtss_team_of | has_on_caseload)
# The family's messages to the support team are read and answered by the school's problem-solving team and the
# interventionist (the reverse form: `support_team`, who is emailed).
rules.add_perm("mtss.answer_input", on_mtss_team_of | intervenes_for)


# --- The list form ------------------------------------------------------------


# The relationships that open a student's record at all (`can_see_student`), besides being the student.
SEES_STUDENT = ("teaches", "has_on_caseload", "leads_school", "directs", "guardian", "owns_input", "mtss_team",
                "interventionist")


def _any(rows: dict[str, QuerySet], names) -> Q:
    found = Q(pk__in=[])
    for name in names:
        found |= Q(Exists(rows[name]))
    return found


def _student_ids(user, names, with_self: bool = False) -> QuerySet:
    """The ids of the students `user` holds one of the relationships `names` with (and their own record, with
    `with_self`): one set-based SELECT per relationship, joined by UNION ALL. PostgreSQL reads each from its
    index and hashes the lot, instead of testing every student of the district against an OR of correlated
    EXISTS (bench/README.md)."""
    rows = _relationship_rows(user, None)
    parts = [rows[name].values_list(STUDENT_FIELD[name], flat=True).order_by() for name in names]
    if with_self:
        parts.append(Student.objects.filter(user=user).values_list("pk", flat=True).order_by())
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _list_form(form: str, user: User, names, *, with_self: bool = False) -> QuerySet[Student]:
    """The students `user` holds one of `names` with: the list form of a rule, for any query to filter on. Its SQL
    is compiled once per process and day (roster.compiled) and bound to the person, as the door's is."""
    if not user.is_authenticated or not user.is_active:
        return Student.objects.none()
    query = compiled(f"list:{form}", partial(_student_ids, names=names, with_self=with_self), user=STAND_IN_PK)
    # Django compiled this SQL from our own querysets; every value is a bound parameter.
    return Student.objects.filter(pk__in=RawSQL(query.sql, query.params_for(user=user.pk)))  # nosec B611 (ORM-built SQL, values bound)


def visible_students(user: User) -> QuerySet[Student]:
    """Students `user` may see: the list form of `can_see_student`."""
    return _list_form("visible", user, SEES_STUDENT, with_self=True)


def guarded_students(user: User) -> QuerySet[Student]:
    """Students of whom `user` is a guardian with rights to the record: the list form of `is_guardian_of`
    (`family_portal.view_child`), so the family pages list exactly the children they open."""
    return _list_form("guarded", user, ("guardian",))


def reviewable_students(user: User) -> QuerySet[Student]:
    """Students whose inputs `user` reviews: the list form of `iep.review_queue` (students with an IEP, for
    their case manager and the district's director of special education)."""
    return _list_form("reviewable", user, ("case_manager", "directs")).filter(plan=Student.Plan.IEP)


def has_caseload(user: User) -> bool:
    """Whether anyone is on `user`'s caseload (as case manager or provider), from their standing: no query of its own."""
    return "has_caseload" in standing(user)


def reviews_anyone(user: User) -> bool:
    """Whether `reviewable_students(user)` can hold anyone: its relationships are "case_manager" (a caseload) and
    "directs" (a director of special education). From the standing: no query of its own."""
    return bool(standing(user) & {"has_caseload", f"is_{StaffAssignment.Role.SPED_DIRECTOR}"})


# The relationships of `mtss.view` (mtss_staff above): the staff who work with the student, the school's
# problem-solving team and the interventionist.
MTSS_STAFF = ("teaches", "has_on_caseload", "leads_school", "directs", "mtss_team", "interventionist")


def mtss_students(user: User) -> QuerySet[Student]:
    """Students whose tiered supports and referrals `user` may see: the list form of `mtss.view`."""
    return _list_form("mtss", user, MTSS_STAFF)


def screening_students(user: User) -> QuerySet[Student]:
    """Students whose screening results `user` may import (the list form of mtss.import_screening, per student): the
    students of the schools they lead or whose problem-solving team they sit on."""
    return _list_form("screening", user, ("leads_school", "mtss_team"))


# --- The reverse forms: who holds a relationship with this student (or these students) -------------------


def staff_relationships(students: Student | QuerySet[Student], names) -> dict[str, Exists]:
    """`rel_<name>`: whether the person of the outer User row holds relationship `name` with `students` (one
    student or a queryset): the reverse form of the same relationships the door reads."""
    rows = _relationship_rows(OuterRef("pk"), students)
    return {f"rel_{name}": Exists(rows[name]) for name in names}


def staff_related(students: Student | QuerySet[Student], names) -> QuerySet[User]:
    """Active people holding any of the relationships `names` with `students`, each annotated `rel_<name>`."""
    flags = staff_relationships(students, names)
    return User.objects.filter(is_active=True).annotate(**flags).filter(holds_any(flags))


def holds_any(flags: dict) -> Q:
    found = Q(pk__in=[])
    for name in flags:
        found |= Q(**{name: True})
    return found


# Staff who may open a student's record: `can_see_student` without the family and the student themself.
STAFF_SEES_STUDENT = tuple(name for name in SEES_STUDENT if name != "guardian")


def staff_who_may_see(students: Student | QuerySet[Student]) -> QuerySet[User]:
    """Staff who may open these students' records (the reverse form of `can_see_student` for staff)."""
    return staff_related(students, STAFF_SEES_STUDENT)


def input_handlers(student: Student) -> QuerySet[User]:
    """Who may open and answer an input about `student` (the reverse form of `iep.handle_input`)."""
    if student.plan != Student.Plan.IEP:
        return User.objects.none()
    return staff_related(student, ("case_manager", "directs", "owns_input"))


def input_reviewers(student: Student) -> QuerySet[User]:
    """Who is told about a new input about `student`: the reviewers of `iep.review_queue`, the case manager
    first, else the district's director (the reverse form of that rule)."""
    if student.plan != Student.Plan.IEP:
        return User.objects.none()
    managers = staff_related(student, ("case_manager",))
    return managers if managers.exists() else staff_related(student, ("directs",))


def support_team(student: Student) -> QuerySet[User]:
    """Who reads and answers a family's message to the support team about `student` (the reverse form of
    `mtss.answer_input`): the school's problem-solving team and the interventionist of an active plan."""
    return staff_related(student, ("mtss_team", "interventionist"))


def guardians_with_rights(student: Student) -> QuerySet[User]:
    """The guardians who hold rights to `student`'s record (the reverse form of `is_guardian_of`)."""
    return User.objects.filter(pk__in=guardianships_with_rights().filter(student=student).values("guardian"))


def rights_passed_to_student(student: Student) -> bool:
    """FERPA 99.5: from 18 (unless a dependent adult) the rights over the record are the student's; the one-row
    form of `_rights_over_record`, kept equal by tests/security/test_access_forms.py."""
    return not Student.objects.filter(_rights_over_record(), pk=student.pk).exists() if student.pk else False


def family_readers(student: Student) -> list[User]:
    """Who holds the rights over the record and reads what is sent to the family: the guardians with rights,
    or the student once the rights have passed to them."""
    guardians = list(guardians_with_rights(student))
    if guardians:
        return guardians
    return [student.user] if student.user_id and rights_passed_to_student(student) else []


def district_roles(user: User) -> QuerySet[StaffAssignment]:
    return StaffAssignment.objects.filter(user=user, school__isnull=True)


def administers_district(user: User) -> bool:
    return StaffAssignment.objects.filter(user=user, role=StaffAssignment.Role.DISTRICT_ADMIN).exists()


# competencies: the list form of competencies.view_section_grid, this term's classes only.
def grid_sections(user: User) -> QuerySet[Section]:
    if not user.is_authenticated or not user.is_active:
        return Section.objects.none()
    return Section.objects.filter(_any(_class_rows(user, OuterRef("pk")), ("teaches_section", "leads_school_of_section")))


def open_section(user: User, section_id: int) -> Section | None:
    """The class door's one query: the class (school and term joined) if `user` may open it, with the answers of
    the class relationships kept for this request, so the permission asked next (paths.manage_section...) is
    answered from them by the same predicates, without a query of its own."""
    rows = _class_rows(user, OuterRef("pk"))
    section = (grid_sections(user).select_related("school", "term")
               .annotate(**{f"_is_{name}": Exists(query) for name, query in rows.items()}).filter(pk=section_id).first())
    if section is not None:
        answers = _class_answers(user)
        for name in rows:
            answers[(name, section.pk)] = getattr(section, f"_is_{name}")
    return section


# --- Who may own an input to an IEP team -------------------------------------------------------

INPUT_OWNER_ROLES = (StaffAssignment.Role.SPECIAL_EDUCATOR, StaffAssignment.Role.SISP, StaffAssignment.Role.SCHOOL_LEADER)


@dataclass(frozen=True)
class InputOwners:
    """Who may own an input about one student: `people`, by name; `case_manager` when that is the student's."""

    case_manager: User | None
    people: list[User]


def input_owners(students: Iterable[Student]) -> dict[int, InputOwners]:
    """Who may be given (own) an input about each student, {student_id: InputOwners}, in 2 queries however
    many students: the student's active case manager; for a student without one, anyone who works at the
    student's own school as a special educator, a service provider (SISP) or a school leader (their
    StaffAssignment), so that no input is left without an owner. The queue's choices and the assignment
    service both ask this, and nothing else."""
    students = list(students)
    managers = {c.student_id: c.staff for c in Caseload.objects.active_case_managers().filter(
        student__in=[s.pk for s in students]).select_related("staff")}
    by_school: dict[int, dict[int, User]] = {}
    for row in (StaffAssignment.objects.filter(school__in={s.school_id for s in students if s.pk not in managers},
                                                role__in=INPUT_OWNER_ROLES, user__is_active=True)
                .select_related("user").order_by("user__last_name", "user__first_name", "user_id")):
        by_school.setdefault(row.school_id, {}).setdefault(row.user_id, row.user)
    return {s.pk: InputOwners(managers[s.pk], [managers[s.pk]]) if s.pk in managers
            else InputOwners(None, list(by_school.get(s.school_id, {}).values())) for s in students}


# --- Standing: pages that belong to what a person is in the district rather than to one student ---------------
# Read from relationships (their staff assignments, guardianships, their own student record, inputs given to them),
# never from User.role, which only chooses the start page. One query per request, remembered on request.user.

STAFF_ASSIGNMENT_ROLES = tuple(StaffAssignment.Role.values)


def _standing_exists(user) -> dict[str, Exists]:
    found = {f"is_{role}": Exists(StaffAssignment.objects.filter(user=user, role=role)) for role in STAFF_ASSIGNMENT_ROLES}
    found["is_family"] = Exists(Guardianship.objects.filter(guardian=user, is_active=True))
    found["is_student"] = Exists(Student.objects.filter(user=user))
    found["owns_an_input"] = Exists(_owned_inputs().filter(assigned_to=user))
    found["on_mtss_team"] = Exists(apps.get_model("mtss", "TeamSeat").objects.filter(user=user))
    found["has_caseload"] = Exists(Caseload.objects.filter(staff=user, is_active=True))
    return found


def _standing_query(pk) -> QuerySet[User]:
    return User.objects.filter(pk=pk).annotate(**_standing_exists(OuterRef("pk"))).values(*_standing_names()).order_by()


@cache
def _standing_names() -> tuple[str, ...]:
    return tuple(_standing_exists(None))


def standing(user: User) -> frozenset[str]:
    """What `user` is in the district: {"is_<staff assignment role>", "is_family", "is_student", "owns_an_input",
    "on_mtss_team", "has_caseload"} (a student on their caseload, as case manager or provider)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    memo = getattr(user, "_standing", None)
    if memo is None:
        query = compiled("standing", _standing_query, pk=STAND_IN_PK)
        row = query.first_row(pk=user.pk) or ()
        memo = frozenset(name for name, held in zip(query.names(), row) if held)
        setattr(user, "_standing", memo)
    return memo


def _holds(*names: str):
    def test(user: User, obj=None) -> bool:
        return bool(standing(user) & set(names))

    test.__name__ = "holds_" + "_or_".join(names)
    return rules.predicate(test)


SCHOOL_STAFF = tuple(f"is_{role}" for role in STAFF_ASSIGNMENT_ROLES if role != StaffAssignment.Role.DISTRICT_ADMIN)
is_school_staff = _holds(*SCHOOL_STAFF)
administers = _holds(f"is_{StaffAssignment.Role.DISTRICT_ADMIN}")
is_family = _holds("is_family")
is_a_student = _holds("is_student")
is_director = _holds(f"is_{StaffAssignment.Role.SPED_DIRECTOR}")
is_school_leader = _holds(f"is_{StaffAssignment.Role.SCHOOL_LEADER}")
reviews_inputs = _holds(f"is_{StaffAssignment.Role.SPED_DIRECTOR}", f"is_{StaffAssignment.Role.SPECIAL_EDUCATOR}")
may_own_inputs = _holds(*(f"is_{role}" for role in INPUT_OWNER_ROLES), "owns_an_input")

# Pages about no one student: asked by roster.decorators.permission_required (never widened by a superuser flag).
rules.add_perm("roster.staff_pages", is_school_staff)
rules.add_perm("roster.administer_district", administers)
rules.add_perm("roster.family_pages", is_family)
rules.add_perm("roster.student_pages", is_a_student)
rules.add_perm("iep.review_inputs", reviews_inputs)
rules.add_perm("iep.open_queue", reviews_inputs | may_own_inputs)
rules.add_perm("iep.direct", is_director)
rules.add_perm("paths.school_sessions", is_school_leader)
rules.add_perm("privacy.family_rights", is_family | is_a_student)
rules.add_perm("privacy.pii_staff", is_director)
# MTSS: the overview lists the students a person may see (teachers their classes, leaders their school); screening
# files are imported by a school's leaders and its problem-solving team.
rules.add_perm("mtss.overview", is_school_staff | _holds("on_mtss_team"))
rules.add_perm("mtss.import_screening", is_school_leader | _holds("on_mtss_team"))
# What the navigation and pages show: the same permissions, as flags (roster.context_processors.access).
rules.add_perm("competencies.section_list", _holds(*(f"is_{r}" for r in (
    StaffAssignment.Role.TEACHER, StaffAssignment.Role.SPECIAL_EDUCATOR, StaffAssignment.Role.SCHOOL_LEADER))))
rules.add_perm("paths.templates", _holds(*(r for r in SCHOOL_STAFF if r != f"is_{StaffAssignment.Role.SPED_DIRECTOR}")))



@rules.predicate
def reviews_micro_credentials(user: User, obj=None) -> bool:
    """Chosen by the district to review educators' micro-credential submissions (credentials.MicroCredentialReviewer)."""
    model = apps.get_model("credentials", "MicroCredentialReviewer")  # recorded by the credentials app, a higher app
    return user.is_authenticated and user.is_active and model.objects.filter(user=user).exists()


# Educator micro-credentials (issue 21): school staff earn them, reviewers the district chose score them, the
# director sees who holds which.
rules.add_perm("credentials.micro_credentials", is_school_staff)
rules.add_perm("credentials.review_micro_credentials", is_school_staff & reviews_micro_credentials)
rules.add_perm("credentials.micro_credential_holders", is_director)
# An award is revoked by its district's administrator or special-education director (the lead of its reviewers);
# credentials.educators.awards_revocable_by narrows it to their own district's awards.
rules.add_perm("credentials.revoke_micro_credentials", administers | is_director)

STANDING_PERMISSIONS = ("roster.staff_pages", "roster.administer_district", "roster.family_pages", "roster.student_pages",
                        "iep.review_inputs", "iep.open_queue", "iep.direct", "paths.school_sessions",
                        "privacy.family_rights", "privacy.pii_staff", "competencies.section_list", "paths.templates",
                        "mtss.overview", "mtss.import_screening", "credentials.revoke_micro_credentials")


def holds_permission(user: User, perm: str, obj=None) -> bool:
    """The rule itself, without backends: a superuser flag widens nothing (as `may_see`)."""
    return bool(rules.permissions.permissions.test_rule(perm, user, obj))
