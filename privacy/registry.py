"""The privacy registry: every model of the project, third-party ones included, says which personal
data it holds (field by field, with a category and a retention class) or why it holds none
(quality.md T3.1; the idea comes from Moodle's privacy providers and Open edX's PII annotations).

The export (privacy.export) and the purge (privacy.purge) are generated from this table, so a model
that holds a student's data is exported and purged because it is declared here, not because someone
remembered it. tests/privacy/test_registry.py fails on a model that is not declared, on a declared
model that no longer exists, and on a declared field that no longer exists.

A student link is a lookup from the model to the student's primary key ("student_id",
"plan__student_id"), or a function of the student returning a queryset for links no lookup can
express (the admin log, the student's own account, rows kept by UUID after a purge).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model, QuerySet


class Category:
    IDENTITY = "identity"  # names, date of birth, identifiers
    CONTACT = "contact"  # email
    EDUCATION = "education"  # classes, evidence, mastery, paths, progress reports
    SPECIAL_EDUCATION = "special_education"  # disability, IEP, accommodations, caseload, evaluation
    FAMILY = "family"  # guardianship, family messages and replies
    ACCOUNT = "account"  # who a staff member or a family member is, their choices
    AUTHENTICATION = "authentication"  # sign-in attempts, sessions, invitations
    ACCESS_LOG = "access_log"  # who saw which record, from where
    SECRET = "secret"  # nosec B105: a category name. Password hashes, tokens: declared, never exported

    LABELS = {
        IDENTITY: "Identity",
        CONTACT: "Contact details",
        EDUCATION: "Learning and progress",
        SPECIAL_EDUCATION: "Special education and disability",
        FAMILY: "Family",
        ACCOUNT: "Account",
        AUTHENTICATION: "Sign-in",
        ACCESS_LOG: "Record of access",
        SECRET: "Secrets (never exported)",
    }


class Retention:
    STUDENT_RECORD = "student_record"  # purged after the district's retention period once the student left
    PERMANENT = "permanent"  # IDEA 300.624(b): may be kept without time limit
    DISCLOSURE = "disclosure"  # FERPA 99.32: kept as long as the record, and beyond a purge
    SECURITY_LOG = "security_log"  # append-only audit trail (ASVS 7.3.3): IDs only, never purged
    ACCOUNT = "account"  # while the account is active; removed by the district administrator
    SESSION = "session"  # at most 12 hours (sessions) or the lockout cool-off (axes)
    OPERATIONAL = "operational"  # import runs and jobs: kept for the district's own audit

    DESCRIPTIONS = {
        STUDENT_RECORD: "Deleted when the district's retention period after the student left has passed",
        PERMANENT: "Kept without time limit (IDEA 300.624(b))",
        DISCLOSURE: "Kept as long as the record, and after a purge (FERPA 99.32)",
        SECURITY_LOG: "Kept as the security log; holds identifiers only and cannot be changed",
        ACCOUNT: "Kept while the account is in use",
        SESSION: "Removed when the session ends (12 hours at most)",
        OPERATIONAL: "Kept for the district's audit of its own imports",
    }


StudentLink = str | Callable[[Model], QuerySet] | None


@dataclass(frozen=True)
class PersonalData:
    fields: dict[str, str]  # field name -> Category
    retention: str
    student_link: StudentLink = None
    keep_forever: tuple[str, ...] = ()  # copied to the permanent record before a purge
    kept_on_purge: str = ""  # why rows stay after a purge (the security log, the disclosure record)
    contestable: tuple[str, ...] = ()  # fields a parent may ask to amend (FERPA 99.20)

    @property
    def secret_fields(self) -> frozenset[str]:
        return frozenset(name for name, category in self.fields.items() if category == Category.SECRET)


@dataclass(frozen=True)
class NoPersonalData:
    reason: str
    fields: dict[str, str] = field(default_factory=dict)


Declaration = PersonalData | NoPersonalData


def personal(retention: str, link: StudentLink = None, *, keep_forever=(), kept_on_purge="", contestable=(), **by_category: str) -> PersonalData:
    """personal(Retention.X, "student_id", education="score note", identity="first_name") -> PersonalData."""
    fields = {name: getattr(Category, category.upper()) for category, names in by_category.items() for name in names.split()}
    return PersonalData(fields, retention, link, tuple(keep_forever), kept_on_purge, tuple(contestable))


def history_of(base: PersonalData, link: StudentLink = None, *, m2m: bool = False) -> PersonalData:
    """A django-simple-history table holds every past version of its model's fields, plus who changed them
    (for a many-to-many table, the version of the parent row each link belonged to)."""
    extra = {"history": Category.EDUCATION} if m2m else {"history_user": Category.ACCOUNT, "history_change_reason": Category.EDUCATION}
    return PersonalData({**base.fields, **extra}, base.retention, link or base.student_link)


def _student_account(student: Model) -> QuerySet:
    user_model = apps.get_model("accounts", "User")
    return user_model.objects.filter(pk=student.user_id, role=user_model.Role.STUDENT) if student.user_id else user_model.objects.none()


def _admin_log_about(student: Model) -> QuerySet:
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(student), object_id=str(student.pk))


def _by_uuid(label: str) -> Callable[[Model], QuerySet]:
    def rows(student: Model) -> QuerySet:
        return apps.get_model(label).objects.filter(student_uuid=student.uuid)

    rows.__name__ = f"{label}_by_uuid"
    return rows


R = Retention
_student = personal(
    R.STUDENT_RECORD, "pk",
    keep_forever=("first_name", "last_name", "grade_level"),
    contestable=("first_name", "last_name", "preferred_name", "grade_level", "date_of_birth", "disability_category"),
    identity="uuid first_name last_name preferred_name date_of_birth student_number sourced_id user",
    education="school grade_level plan is_active created_at updated_at",
    special_education="disability_category is_dependent_adult",
)
_guardianship = personal(R.STUDENT_RECORD, "student_id", family="guardian student relationship may_access_records is_active")
_staff_assignment = personal(R.ACCOUNT, account="user role district school")
_caseload = personal(R.STUDENT_RECORD, "student_id", special_education="staff student role service is_active")
_profile_section = personal(
    R.STUDENT_RECORD, "student_id", contestable=("text",),
    education="student kind text visibility version updated_at", account="updated_by",
)
_profile_goal = personal(
    R.STUDENT_RECORD, "student_id", contestable=("description",),
    education="student description kind owner target_date status version updated_at created_at", account="updated_by",
)
_accommodation = personal(
    R.STUDENT_RECORD, "student_id", contestable=("description",),
    special_education="student category description description_es applies_in provided_by is_active version updated_at", account="updated_by",
)
_mastery = personal(
    R.STUDENT_RECORD, "student_id", contestable=("value",),
    education="student competency value is_mastered evidence_count method params computed_at override_value override_reason "
    "effective_value effective_mastered mastered_on",
    account="overridden_by",
)
# A corrected or removed result keeps every version in its history (who, when, why) and stays in the export.
_evidence = personal(
    R.STUDENT_RECORD, "student_id", contestable=("score",),
    education="student competency score observed_on kind demonstration note recorded_at corrected_at voided_at void_reason",
    special_education="accommodations", account="recorded_by voided_by",
)
_iep_plan = personal(
    R.STUDENT_RECORD, "student_id",
    special_education="student start_date annual_review_due reevaluation_due is_current created_at updated_at", account="case_manager",
)
_iep_goal = personal(
    R.STUDENT_RECORD, "plan__student_id", contestable=("statement", "baseline"),
    special_education="plan area statement statement_es unit baseline baseline_date target target_date measurement_method "
    "monitoring_schedule measure_kind whole_numbers minimum maximum flagged_at flag_notified_at created_at",
)
_team_member = personal(R.STUDENT_RECORD, "plan__student_id", special_education="plan user role")
_goal_competencies = personal(R.STUDENT_RECORD, "goal__plan__student_id", special_education="goal competency")
_goal_profile_goals = personal(R.STUDENT_RECORD, "goal__plan__student_id", special_education="goal profilegoal")
_path_template = personal(R.ACCOUNT, account="created_by")
_student_path = personal(
    R.STUDENT_RECORD, "student_id", education="student template section framework title start_date assigned_at is_active",
    account="assigned_by",
)
_path_step = personal(
    R.STUDENT_RECORD, "path__student_id",
    education="path position title description target_date status status_reason opened_by_hand opened_on finished_on "
    "chosen_learn chosen_show choice_reason chosen_at",
)
_learning_session = personal(R.ACCOUNT, account="staff created_by", education="room starts_at focus")
_axes_request = "user_agent ip_address username http_accept path_info"

REGISTRY: dict[str, Declaration] = {
    # --- Django and third-party apps ----------------------------------------------------------------
    "admin.LogEntry": personal(R.STUDENT_RECORD, _admin_log_about, account="user", identity="object_repr object_id",
                               education="change_message action_time"),
    "auth.Permission": NoPersonalData("Names of permissions, the same in every installation"),
    "auth.Group": NoPersonalData("Names of staff groups such as 'District administrators'"),
    "auth.Group_permissions": NoPersonalData("Which permission belongs to which group"),
    "contenttypes.ContentType": NoPersonalData("Names of the project's tables"),
    "sessions.Session": personal(R.SESSION, authentication="session_key session_data expire_date"),
    "axes.AccessFailureLog": personal(R.SESSION, authentication=f"{_axes_request} attempt_time locked_out"),
    "axes.AccessAttempt": personal(R.SESSION, authentication=f"{_axes_request} attempt_time get_data failures_since_start",
                                   secret="post_data"),  # nosec B106 (a field name)
    "axes.AccessAttemptExpiration": NoPersonalData("Only when a sign-in attempt row expires; the row itself is declared"),
    "axes.AccessLog": personal(R.SECURITY_LOG, authentication=f"{_axes_request} attempt_time logout_time",
                               secret="session_hash"),  # nosec B106 (a field name)
    "otp_totp.TOTPDevice": personal(R.ACCOUNT, authentication="user name confirmed throttling_failure_timestamp "
                                    "throttling_failure_count created_at last_used_at step t0 digits tolerance drift last_t",
                                    secret="key"),  # nosec B106 (a field name)
    "otp_static.StaticDevice": personal(R.ACCOUNT, authentication="user name confirmed throttling_failure_timestamp "
                                        "throttling_failure_count created_at last_used_at"),
    "otp_static.StaticToken": personal(R.ACCOUNT, authentication="device", secret="token"),  # nosec B106 (a field name)
    # --- audit --------------------------------------------------------------------------------------
    "audit.AccessEvent": personal(
        R.SECURITY_LOG, "student_id",
        kept_on_purge="The security log is append-only (ASVS 4.0.3 V7.3.3) and holds identifiers only, no names or text",
        access_log="at user student action permission route_name method ip_address outcome",
    ),
    # --- accounts -----------------------------------------------------------------------------------
    "accounts.User": personal(
        R.ACCOUNT, _student_account,
        identity="first_name last_name title", contact="email",
        account="role preferred_language is_active is_staff is_superuser date_joined last_login",
        secret="password",  # nosec B106 (a field name)
    ),
    "accounts.User_groups": personal(R.ACCOUNT, account="user group"),
    "accounts.User_user_permissions": personal(R.ACCOUNT, account="user permission"),
    "accounts.Invitation": personal(R.ACCOUNT, account="user invited_by created_at sent_at send_count expires_at accepted_at",
                                    secret="nonce"),  # nosec B106 (a field name)
    "accounts.Lockout": personal(R.ACCOUNT, authentication="user network locked_at last_failure_at notified_at "
                                 "ended_at end_reason", account="ended_by"),
    "accounts.SecurityEvent": personal(R.ACCOUNT, authentication="user kind at network notified_at"),
    # --- sso ------------------------------------------------------------------------------------------
    "sso.IdentityProvider": NoPersonalData("A district's single sign-on settings; the client secret stays in the environment"),
    # A student's school account (iss + sub) linked to her Waypoint account: exported and purged with her record.
    "sso.LinkedIdentity": personal(R.ACCOUNT, "user__student_record__id",
                                   authentication="user provider issuer subject linked_at last_used_at"),
    "sso.SignInLink": personal(R.SESSION, authentication="user created_at expires_at used_at network sent_at",
                               secret="token_hash"),  # nosec B106 (a field name)
    # --- notifications ------------------------------------------------------------------------------
    # An email the mail server refused (T8.6): who it was for and the server's answer, never the message.
    "notifications.DeliveryFailure": personal(R.ACCOUNT, contact="to", account="recipient kind object_id state permanent "
                                              "smtp_code error attempts first_failed_at last_failed_at resolved_at resolved_by"),
    # --- roster -------------------------------------------------------------------------------------
    "roster.District": NoPersonalData("A school district's name and settings"),
    "roster.School": NoPersonalData("A school's name"),
    "roster.Term": NoPersonalData("Names and dates of school terms"),
    "roster.Section": NoPersonalData("Names, subjects and periods of classes"),
    "roster.Section_teachers": personal(R.ACCOUNT, account="user section"),
    "roster.Student": _student,
    "roster.HistoricalStudent": history_of(_student, "id"),
    "roster.Enrollment": personal(R.STUDENT_RECORD, "student_id", education="student section sourced_id"),
    # Typing kept when a session was about to time out (T9.6): a profile section or a family's message to the IEP team.
    "roster.Draft": personal(R.STUDENT_RECORD, "student_id", education="student form saved_at", family="fields", account="user"),
    "roster.Guardianship": _guardianship,
    "roster.HistoricalGuardianship": history_of(_guardianship),
    "roster.StaffAssignment": _staff_assignment,
    "roster.HistoricalStaffAssignment": history_of(_staff_assignment),
    "roster.Caseload": _caseload,
    "roster.HistoricalCaseload": history_of(_caseload),
    "roster.RosterIdentity": personal(R.ACCOUNT, identity="user sourced_id"),
    "roster.TeachingEnrollment": personal(R.ACCOUNT, account="teacher sourced_id"),
    "roster.ImportRun": personal(R.OPERATIONAL, account="started_by", identity="package problems file_name"),
    # --- profiles -----------------------------------------------------------------------------------
    "profiles.ProfileSection": _profile_section,
    "profiles.HistoricalProfileSection": history_of(_profile_section),
    "profiles.ProfileGoal": _profile_goal,
    "profiles.HistoricalProfileGoal": history_of(_profile_goal),
    "profiles.Accommodation": _accommodation,
    "profiles.HistoricalAccommodation": history_of(_accommodation),
    # --- competencies -------------------------------------------------------------------------------
    "competencies.Framework": NoPersonalData("A published competency framework (CASE)"),
    "competencies.ProficiencyScale": NoPersonalData("A framework's proficiency scale"),
    "competencies.ProficiencyLevel": NoPersonalData("The levels of a proficiency scale"),
    "competencies.Competency": NoPersonalData("A competency statement of a framework"),
    "competencies.Prerequisite": NoPersonalData("Which competency comes before which"),
    "competencies.SectionCompetency": NoPersonalData("Which competencies a class works on"),
    "competencies.Evidence": _evidence,
    "competencies.HistoricalEvidence": history_of(_evidence),
    "competencies.Mastery": _mastery,
    "competencies.HistoricalMastery": history_of(_mastery),
    "competencies.ImportJob": personal(R.OPERATIONAL, account="created_by"),
    # --- iep ----------------------------------------------------------------------------------------
    "iep.ReviewSettings": NoPersonalData("A district's response target for family input"),
    "iep.IEPPlan": _iep_plan,
    "iep.HistoricalIEPPlan": history_of(_iep_plan),
    "iep.TeamMember": _team_member,
    "iep.HistoricalTeamMember": history_of(_team_member),
    "iep.Goal": _iep_goal,
    "iep.HistoricalGoal": history_of(_iep_goal),
    "iep.Goal_competencies": _goal_competencies,
    "iep.HistoricalGoal_competencies": history_of(_goal_competencies, m2m=True),
    "iep.Goal_profile_goals": _goal_profile_goals,
    "iep.HistoricalGoal_profile_goals": history_of(_goal_profile_goals, m2m=True),
    "iep.ProgressPoint_evidence": personal(R.STUDENT_RECORD, "progresspoint__goal__plan__student_id",
                                           special_education="progresspoint evidence"),
    "iep.ProgressPoint": personal(R.STUDENT_RECORD, "goal__plan__student_id", contestable=("value",),
                                  special_education="goal measured_on value note created_at voided_at version",
                                  account="recorded_by"),
    # A result corrected or voided: what it was, what it became, who, when and why (issue 16).
    "iep.ResultCorrection": personal(
        R.STUDENT_RECORD, "point__goal__plan__student_id",
        special_education="point action reason at was_measured_on was_value was_note now_measured_on now_value now_note",
        account="by",
    ),
    "iep.IEPInput": personal(
        R.STUDENT_RECORD, "student_id",
        family="student submitted_by sender kind text attachment attachment_name attachment_type status answer answer_es "
        "answered_at created_at notified_at answer_notified_at assigned_notified_at",
        account="assigned_to answered_by",
    ),
    "iep.InputEvent": personal(R.STUDENT_RECORD, "input__student_id", family="input status actor assigned_to at"),
    "iep.ProgressReport": personal(R.STUDENT_RECORD, "student_id",
                                   special_education="student plan period interim_up_to pdf created_at family_notified_at"),
    "iep.ProgressReportCopy": personal(R.STUDENT_RECORD, "report__student_id", special_education="report language pdf created_at"),
    # mtss (issue 20): screening, tiers and their history, support plans, their results and session log.
    "mtss.ScreeningResult": personal(R.STUDENT_RECORD, "student_id", contestable=("score", "risk"),
                                     education="student area measure season score percentile risk administered_on "
                                     "created_at", account="imported_by"),
    "mtss.TierChange": personal(R.STUDENT_RECORD, "student_id", education="student area tier reason changed_at",
                                account="changed_by"),
    "mtss.Intervention": NoPersonalData("The district's intervention library: names, evidence levels and doses"),
    "mtss.SupportPlan": personal(R.STUDENT_RECORD, "student_id",
                                 education="student area tier intervention start_date review_date statement unit "
                                 "baseline target target_date minimum maximum whole_numbers is_active created_at",
                                 account="interventionist created_by"),
    "mtss.MonitoringResult": personal(R.STUDENT_RECORD, "plan__student_id", contestable=("value",),
                                      education="plan measured_on value note created_at", account="recorded_by"),
    "mtss.Session": personal(R.STUDENT_RECORD, "plan__student_id",
                             education="plan held_on delivered minutes missed_reason note created_at",
                             account="recorded_by"),
    "mtss.TeamSeat": personal(R.ACCOUNT, account="school user"),
    "mtss.Settings": NoPersonalData("A district's evaluation timeline in days"),
    "mtss.FamilyNotice": personal(R.STUDENT_RECORD, "plan__student_id", family="plan change created_at sent_at",
                                  account="guardian"),
    "mtss.Decision": personal(R.STUDENT_RECORD, "student_id", education="student area met_on kind data next_review created_at",
                              account="decided_by"),
    "mtss.Referral": personal(R.STUDENT_RECORD, "student_id", contestable=("concerns", "data"),
                              special_education="student concerns data interventions_tried consent_on evaluation_due "
                              "created_at", account="created_by"),
    # --- family_portal ------------------------------------------------------------------------------
    "family_portal.Highlight": personal(R.STUDENT_RECORD, "student_id",
                                        education="student text text_es photo photo_type photo_description created_at", account="author"),
    "family_portal.HighlightReply": personal(R.STUDENT_RECORD, "highlight__student_id", family="highlight author text created_at"),
    "family_portal.NotificationPreference": personal(R.ACCOUNT, account="user frequency updated_at"),
    "family_portal.HighlightNotice": personal(R.STUDENT_RECORD, "highlight__student_id",
                                              family="highlight guardian created_at sent_at"),
    "family_portal.WeeklyDigest": personal(R.ACCOUNT, account="family week language created_at sent_at"),
    # --- credentials (issue 21) ---------------------------------------------------------------------
    "credentials.IssuerProfile": NoPersonalData("The district as an Open Badges issuer"),
    "credentials.SigningKey": NoPersonalData("The public half of a district's signing key"),
    "credentials.BadgeRule": NoPersonalData("Which frameworks or competencies a district badges"),
    "credentials.PurgedStatus": NoPersonalData("A revocation bit kept after a purge: an issuer and a number"),
    "credentials.StudentCredential": personal(
        R.STUDENT_RECORD, "student_id",
        education="uuid student competency status_index issued_at valid_until jwt document revoked_at revocation "
        "revocation_note",
        family="chosen_by", account="revoked_by",
    ),
    "credentials.LearnerRecord": personal(R.STUDENT_RECORD, "student_id",
                                          education="uuid student school_year issued_at jwt document", family="chosen_by"),
    "credentials.MicroCredential": NoPersonalData("A micro-credential the district offers its staff"),
    "credentials.RubricCriterion": NoPersonalData("A criterion of a micro-credential's rubric"),
    "credentials.MicroCredentialReviewer": personal(R.ACCOUNT, account="issuer user"),
    # An educator's own evidence and its review: staff data, no student's (the reflection should name none).
    "credentials.Submission": personal(
        R.ACCOUNT, account="micro_credential educator reflection links file file_type status submitted_at reviewer "
        "reviewed_at feedback award_uuid jwt document status_index revoked_at revoked_by revocation_note"),
    "credentials.CriterionScore": personal(R.ACCOUNT, account="submission criterion level"),
    "credentials.LearnerRecord_credentials": personal(R.STUDENT_RECORD, "learnerrecord__student_id",
                                                      education="learnerrecord studentcredential"),
    # --- paths --------------------------------------------------------------------------------------
    "paths.PathTemplate": _path_template,
    "paths.HistoricalPathTemplate": history_of(_path_template),
    "paths.TemplateStep": NoPersonalData("A step of a path template, before it is given to any student"),
    "paths.TemplateStep_competencies": NoPersonalData("Which competencies a template step works on"),
    "paths.TemplateOption": NoPersonalData("A way to learn or show learning in a template"),
    "paths.StudentPath": _student_path,
    "paths.HistoricalStudentPath": history_of(_student_path),
    "paths.PathStep": _path_step,
    "paths.HistoricalPathStep": history_of(_path_step),
    "paths.PathStep_competencies": personal(R.STUDENT_RECORD, "pathstep__path__student_id", education="pathstep competency"),
    "paths.PathOption": personal(R.STUDENT_RECORD, "step__path__student_id",
                                 education="step kind mode title description link estimated_minutes accessibility_notes position"),
    "paths.PathEvent": personal(R.STUDENT_RECORD, "path__student_id", education="path kind step_title detail at", account="actor"),
    "paths.LearningSession": _learning_session,
    "paths.HistoricalLearningSession": history_of(_learning_session),
    "paths.LearningSession_students": personal(R.STUDENT_RECORD, "student_id", education="learningsession student"),
    # --- privacy ------------------------------------------------------------------------------------
    "privacy.DisclosureRecord": personal(
        R.DISCLOSURE, _by_uuid("privacy.DisclosureRecord"),
        kept_on_purge="FERPA 99.32: the record of disclosures is kept as long as the record, and beyond its deletion",
        identity="student student_uuid student_name", access_log="kind recipient purpose requested_by requested_by_name at",
    ),
    "privacy.AmendmentRequest": personal(
        R.STUDENT_RECORD, "student_id",
        family="student requested_by item_key item_label reason status decision_note decided_by decided_at created_at",
    ),
    "privacy.RecordStatement": personal(R.STUDENT_RECORD, "request__student_id", family="request text created_at"),
    "privacy.RetentionRule": NoPersonalData("A district's retention period"),
    "privacy.Departure": personal(R.STUDENT_RECORD, "student_id", education="student departed_on recorded_at"),
    "privacy.PermanentRecord": personal(
        R.PERMANENT, _by_uuid("privacy.PermanentRecord"),
        kept_on_purge="IDEA 300.624(b): name, classes, grade level and year completed may be kept without time limit",
        identity="student_uuid first_name last_name", education="grade_level year_completed classes created_at",
    ),
    "privacy.PurgeCertificate": personal(
        R.DISCLOSURE, _by_uuid("privacy.PurgeCertificate"),
        kept_on_purge="The district's proof that the record was deleted (NDPA Art. IV §6)",
        identity="student_uuid", account="run_by", education="reason deleted kept created_at",
    ),
}


def all_models() -> list[type[Model]]:
    """Every concrete model, many-to-many tables included (they hold who teaches which class)."""
    return [model for model in apps.get_models(include_auto_created=True) if not model._meta.proxy]


def declaration_for(model: type[Model]) -> Declaration:
    return REGISTRY[model._meta.label]


def student_models() -> list[tuple[type[Model], PersonalData]]:
    """Models holding rows about one student, in the order the export shows them."""
    found = []
    for model in all_models():
        declaration = REGISTRY.get(model._meta.label)
        if isinstance(declaration, PersonalData) and declaration.student_link is not None:
            found.append((model, declaration))
    return found


def rows_for(model: type[Model], declaration: PersonalData, student: Model) -> QuerySet:
    link = declaration.student_link
    if callable(link):
        return link(student)
    # The base manager: every row held, those a default manager leaves out included (a voided result).
    return model._base_manager.filter(**{link: student.pk})


def item_key(model: type[Model], pk, field_name: str) -> str:
    return f"{model._meta.label}:{pk}:{field_name}"
