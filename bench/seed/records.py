"""IEPs (plans, teams, goals, progress data, inputs in every state), the family portal's rows and the access trail."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from audit.models import AccessEvent
from family_portal.models import Highlight, HighlightReply, NotificationPreference
from iep import results
from iep.models import Goal, IEPInput, IEPPlan, InputEvent, ProgressPoint, ReviewSettings, TeamMember

from .people import People, at
from .writer import Writers

GOALS_PER_PLAN = 3
# Words read correctly per minute, as the bench goals say; results have two decimals (a mean of probes).
MEASURE = results.Measure(kind=Goal.MeasureKind.RATE, whole_numbers=False, minimum=Decimal(0), maximum=Decimal(250),
                          unit="words read correctly per minute")
GOAL_AREAS = [Goal.Area.READING, Goal.Area.MATH, Goal.Area.SELF_ADVOCACY, Goal.Area.WRITING, Goal.Area.COMMUNICATION]
# The steps an input goes through to reach each state (every state appears).
LIFE = {
    IEPInput.Status.RECEIVED: [],
    IEPInput.Status.ASSIGNED: [IEPInput.Status.ASSIGNED],
    IEPInput.Status.IN_REVIEW: [IEPInput.Status.ASSIGNED, IEPInput.Status.IN_REVIEW],
    IEPInput.Status.ANSWERED: [IEPInput.Status.ASSIGNED, IEPInput.Status.IN_REVIEW, IEPInput.Status.ANSWERED],
    IEPInput.Status.TAKEN_INTO_DRAFT: [IEPInput.Status.ASSIGNED, IEPInput.Status.IN_REVIEW, IEPInput.Status.TAKEN_INTO_DRAFT],
    IEPInput.Status.CLOSED: [IEPInput.Status.ASSIGNED, IEPInput.Status.ANSWERED, IEPInput.Status.CLOSED],
}
ROUTES = [("profiles:detail", "profiles.view"), ("competencies:student-progress", "competencies.view"),
          ("paths:path-detail", "paths.view"), ("iep:student-iep", "iep.view"), ("family_portal:child", "family_portal.view")]


class RecordsSeeder:
    def __init__(self, *, rng: random.Random, writers: Writers, people: People, today: date):
        self.rng, self.w, self.people, self.today = rng, writers, people, today
        self.now = timezone.now()

    def iep(self, *, inputs_total: int) -> None:
        self.w[ReviewSettings].add(district_id=self.people.district, response_target_school_days=10)
        ieps = self.people.iep_students
        for student in ieps:
            self._plan(student)
        families = [s for s in ieps if self.people.guardians[s]]
        statuses = list(LIFE)
        for n in range(inputs_total if families else 0):
            student = families[n % len(families)]
            self._input(student, statuses[n % len(statuses)], n)

    def _plan(self, student: int) -> None:
        manager = self.people.case_manager[student]
        start = self.today - timedelta(days=self.rng.randrange(30, 360))
        plan = self.w[IEPPlan].add(student_id=student, start_date=start, annual_review_due=start + timedelta(days=365),
                                   reevaluation_due=start + timedelta(days=self.rng.randrange(200, 1095)), case_manager_id=manager,
                                   is_current=True, created_at=at(start), updated_at=at(start))
        history = IEPPlan.history.model
        self.w[history].add(id=plan, student_id=student, start_date=start, annual_review_due=start + timedelta(days=365),
                            reevaluation_due=start + timedelta(days=400), case_manager_id=manager, is_current=True,
                            created_at=at(start), updated_at=at(start), history_date=at(start), history_type="+",
                            history_change_reason=None, history_user_id=manager)
        seats = [(manager, TeamMember.Role.CASE_MANAGER)] + [(g, TeamMember.Role.PARENT) for g in self.people.guardians[student]]
        sections = self.people.student_sections[student]
        if sections:
            seats.append((self.people.section_teacher[sections[0]], TeamMember.Role.GENERAL_EDUCATOR))
        seen = set()
        for user, role in seats:
            if user not in seen:
                seen.add(user)
                self.w[TeamMember].add(plan_id=plan, user_id=user, role=role)
        for number in range(GOALS_PER_PLAN):
            self._goal(plan, start, manager, number)

    def _goal(self, plan: int, start: date, manager: int, number: int) -> None:
        baseline = Decimal(self.rng.randrange(10, 40))
        target = baseline + Decimal(self.rng.randrange(15, 40))
        goal = self.w[Goal].add(
            plan_id=plan, area=GOAL_AREAS[number % len(GOAL_AREAS)], statement="Given a grade-level passage, will read it aloud accurately.",
            unit="words read correctly per minute", baseline=baseline, baseline_date=start, target=target,
            target_date=start + timedelta(days=360), measurement_method="Curriculum-based measurement probe",
            monitoring_schedule="every_two_weeks", flagged_at=None, flag_notified_at=None, created_at=at(start),
            measure_kind=MEASURE.kind, whole_numbers=MEASURE.whole_numbers, minimum=MEASURE.minimum, maximum=MEASURE.maximum,
        )
        slope = (target - baseline) / 26
        day, week = start + timedelta(days=7), 0
        while day <= self.today:
            value = (baseline + slope * week + Decimal(self.rng.randrange(-3, 4))).quantize(Decimal("0.01"))
            if problems := results.value_problems(MEASURE, value):  # the one rule every result passes (issue 16)
                raise ValueError(f"bench seed made an invalid result {value}: {problems}")
            self.w[ProgressPoint].add(goal_id=goal, measured_on=day, value=value, note="",
                                      recorded_by_id=manager, created_at=at(day))
            day += timedelta(days=14)
            week += 1

    def _input(self, student: int, status: str, n: int) -> None:
        guardians = self.people.guardians[student]
        manager = self.people.case_manager[student]
        from_family = n % 5 != 0
        sender = guardians[n % len(guardians)] if from_family else manager
        created = self.now - timedelta(hours=self.rng.randrange(1, 24 * 300))
        answered = status in (IEPInput.Status.ANSWERED, IEPInput.Status.CLOSED)
        pk = self.w[IEPInput].add(
            student_id=student, submitted_by_id=sender, sender=IEPInput.Sender.FAMILY if from_family else IEPInput.Sender.STAFF,
            kind=[k for k, _ in IEPInput.Kind.choices][n % len(IEPInput.Kind.choices)],
            text="We have noticed that homework takes much longer this term. Could the team talk about breaks?",
            attachment="", attachment_name="", attachment_type="", idempotency_key=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            status=status, assigned_to_id=None if status == IEPInput.Status.RECEIVED else manager,
            answer="Thank you: we will talk about breaks at the next meeting." if answered else "",
            answered_by_id=manager if answered else None, answered_at=created + timedelta(days=3) if answered else None,
            created_at=created, notified_at=created + timedelta(minutes=1),
            answer_notified_at=created + timedelta(days=3, minutes=1) if answered else None,
            assigned_notified_at=None if status == IEPInput.Status.RECEIVED else created + timedelta(days=1, minutes=1),
        )
        self.w[InputEvent].add(input_id=pk, status=IEPInput.Status.RECEIVED, actor_id=sender, assigned_to_id=None, at=created)
        for step, status_now in enumerate(LIFE[status], start=1):
            actor = self.people.director if status_now == IEPInput.Status.ASSIGNED else manager
            self.w[InputEvent].add(input_id=pk, status=status_now, actor_id=actor,
                                   assigned_to_id=manager if status_now == IEPInput.Status.ASSIGNED else None,
                                   at=created + timedelta(days=step))

    def family(self) -> None:
        """Two highlights per student from their teacher, a family reply to one in four, and a chosen
        notification preference for half of the families (the rest keep the weekly default)."""
        for student, guardians in self.people.guardians.items():
            sections = self.people.student_sections[student]
            if not sections:
                continue
            teacher = self.people.section_teacher[sections[0]]
            for number in range(2):
                created = self.now - timedelta(days=self.rng.randrange(1, 120))
                pk = self.w[Highlight].add(student_id=student, author_id=teacher, text="Worked through a hard fraction problem today.",
                                           photo="", photo_type="", photo_description="", created_at=created)
                if guardians and (student + number) % 4 == 0:
                    self.w[HighlightReply].add(highlight_id=pk, author_id=guardians[0], text="Thank you, we will celebrate at home!",
                                               created_at=created + timedelta(hours=5))
            for guardian in guardians:
                if guardian % 2 == 0:
                    frequency = NotificationPreference.Frequency.WEEKLY if guardian % 3 else NotificationPreference.Frequency.NONE
                    self.w[NotificationPreference].add(user_id=guardian, frequency=frequency, updated_at=self.now)

    def access_events(self, *, total: int) -> None:
        """`total` rows of the access trail over the school year so far: staff and families viewing records."""
        students = list(self.people.student_user)
        seconds = max(1, int((self.now - at(self.people.term_start, 7)).total_seconds()))
        start = at(self.people.term_start, 7)
        for n in range(total):
            student = students[self.rng.randrange(len(students))]
            sections = self.people.student_sections[student]
            guardians = self.people.guardians[student]
            if n % 3 == 0 and guardians:
                user = guardians[0]
            elif sections:
                user = self.people.section_teacher[sections[n % len(sections)]]
            else:
                user = self.people.director
            route, permission = ROUTES[n % len(ROUTES)]
            self.w[AccessEvent].add(at=start + timedelta(seconds=seconds * n // total), user_id=user, student_id=student,
                                    action=AccessEvent.Action.VIEW, permission=permission, route_name=route, method="GET",
                                    ip_address="10.0.0.1", outcome=AccessEvent.Outcome.ALLOWED)
