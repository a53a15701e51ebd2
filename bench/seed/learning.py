"""A framework of about 500 competencies, the classes' competencies, a school year of evidence, stored mastery
(computed by competencies.mastery, the product's own pure functions) and learner profiles with history."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from competencies import mastery
from competencies.models import (
    Competency,
    Evidence,
    Framework,
    Mastery,
    Prerequisite,
    ProficiencyLevel,
    ProficiencyScale,
    SectionCompetency,
)
from profiles.models import Accommodation, ProfileGoal, ProfileSection
from roster.models import Student

from .people import People, at
from .writer import Writers

DOMAINS, CLUSTERS, STANDARDS = 10, 5, 9  # 10 + 50 + 450 = 510 competencies
PER_SECTION = 60
LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Proficient"), (4, "Advanced")]
EVIDENCE_KINDS = [k for k, _ in Evidence.Kind.choices]
DEMONSTRATIONS = [d for d, _ in Evidence.Demonstration.choices]
ACCOMMODATIONS = [a for a, _ in Evidence.Accommodation.choices]
PROFILE_KINDS = [ProfileSection.Kind.STRENGTHS, ProfileSection.Kind.NEEDS, ProfileSection.Kind.INTERESTS,
                 ProfileSection.Kind.ENGAGEMENT, ProfileSection.Kind.SUPPORTS, ProfileSection.Kind.ABOUT_ME]
PROFILE_TEXT = {
    ProfileSection.Kind.STRENGTHS: "Explains ideas clearly out loud and helps classmates when they are stuck.",
    ProfileSection.Kind.NEEDS: "Needs instructions in short steps and a check-in after the first problem.",
    ProfileSection.Kind.INTERESTS: "Drawing, football and anything about space.",
    ProfileSection.Kind.ENGAGEMENT: "Keeps going when work is tied to a real question; short breaks help.",
    ProfileSection.Kind.SUPPORTS: "Reading support three times a week in a small group.",
    ProfileSection.Kind.ABOUT_ME: "I learn best when I can talk it through first and then write.",
}


@dataclass
class Learning:
    framework: int
    standards: list[int]
    section_competencies: dict[int, list[int]] = field(default_factory=dict)
    mastered: dict[int, set[int]] = field(default_factory=dict)  # student -> competencies mastered


class LearningSeeder:
    def __init__(self, *, rng: random.Random, writers: Writers, people: People, today: date, evidence_per_student: int):
        self.rng, self.w, self.people, self.today = rng, writers, people, today
        self.evidence_per_student = evidence_per_student
        self.now = timezone.now()
        self.params = mastery.Params(method=mastery.DECAYING_AVERAGE, threshold=Decimal("3.00"), scale_min=Decimal(1),
                                     scale_max=Decimal(4), decay_weight=Decimal("0.65"), n_times=2, min_evidence=1)

    def framework(self) -> Learning:
        fw = self.w[Framework].add(identifier="bench-framework", title="Bench grades 3-8 mathematics and literacy",
                                   subject="Math and ELA", grade_range="3-8", mastery_method=self.params.method,
                                   decay_weight=self.params.decay_weight, n_times=2, min_evidence=1)
        scale = self.w[ProficiencyScale].add(framework_id=fw, name="Four-level scale", mastery_threshold=Decimal(3))
        for value, label in LEVELS:
            self.w[ProficiencyLevel].add(scale_id=scale, value=value, label=label, description="")
        standards, position = [], 0
        for d in range(DOMAINS):
            domain = self._competency(fw, None, f"D{d + 1}", f"Domain {d + 1}", "Domain", position)
            for c in range(CLUSTERS):
                position += 1
                cluster = self._competency(fw, domain, f"D{d + 1}.C{c + 1}", f"Cluster {c + 1} of domain {d + 1}", "Cluster", position)
                previous = None
                for s in range(STANDARDS):
                    position += 1
                    code = f"D{d + 1}.C{c + 1}.{s + 1}"
                    pk = self._competency(fw, cluster, code, f"Standard {code}: solve and explain problems of this kind", "Standard", position)
                    if previous is not None:
                        self.w[Prerequisite].add(prerequisite_id=previous, competency_id=pk, is_imported=False)
                    previous = pk
                    standards.append(pk)
        learning = Learning(framework=fw, standards=standards)
        for index, section in enumerate(sorted(self.people.section_teacher)):
            start = (index % 8) * 50
            chosen = [standards[(start + k) % len(standards)] for k in range(min(PER_SECTION, len(standards)))]
            learning.section_competencies[section] = chosen
            for position, competency in enumerate(chosen):
                self.w[SectionCompetency].add(section_id=section, competency_id=competency, position=position)
        return learning

    def _competency(self, fw: int, parent: int | None, code: str, statement: str, item_type: str, position: int) -> int:
        return self.w[Competency].add(framework_id=fw, parent_id=parent, identifier=f"bench-{code}", code=code, statement=statement,
                                      short_statement=statement[:60], item_type=item_type, education_level="05", position=position,
                                      is_retired=False, uri="")

    def evidence(self, learning: Learning) -> None:
        """About `evidence_per_student` results per student, on the competencies of their classes, over the year so far."""
        days = max(1, (self.today - self.people.term_start).days)
        for student, sections in self.people.student_sections.items():
            competencies = sorted({c for s in sections for c in learning.section_competencies[s]})
            if not competencies:
                continue
            teacher = self.people.section_teacher[sections[0]]
            tried = self.rng.sample(competencies, min(len(competencies), max(1, self.evidence_per_student // 2)))
            ability = self.rng.uniform(1.2, 3.8)
            learning.mastered[student] = set()
            scores_by, last_day = defaultdict(list), {}
            for n in range(self.evidence_per_student):
                competency = tried[n % len(tried)]
                observed = self.people.term_start + timedelta(days=int(days * (n + 1) / (self.evidence_per_student + 1)))
                score = Decimal(max(1, min(4, round(ability + self.rng.uniform(-1, 1) + n / self.evidence_per_student))))
                scores_by[competency].append(score)
                last_day[competency] = observed
                self.w[Evidence].add(
                    student_id=student, competency_id=competency, score=score, observed_on=observed,
                    kind=EVIDENCE_KINDS[n % len(EVIDENCE_KINDS)], demonstration=DEMONSTRATIONS[n % len(DEMONSTRATIONS)],
                    accommodations=[ACCOMMODATIONS[n % len(ACCOMMODATIONS)]] if self.people.plan[student] != Student.Plan.NONE else [],
                    note="", recorded_by_id=teacher, recorded_at=at(observed),
                )
            for competency, scores in scores_by.items():
                result = mastery.compute(scores, self.params)
                self.w[Mastery].add(student_id=student, competency_id=competency, value=result.value, is_mastered=result.is_mastered,
                                    evidence_count=result.evidence_count, method=self.params.method, params=self.params.as_json(),
                                    computed_at=self.now, override_value=None, override_reason="", overridden_by_id=None,
                                    effective_value=result.value, effective_mastered=result.is_mastered,
                                    mastered_on=last_day[competency] if result.is_mastered else None)
                if result.is_mastered:
                    learning.mastered[student].add(competency)

    def profiles(self) -> None:
        """Six profile sections per student, each with its creation in history and a third edited once since;
        two profile goals each; three accommodations for students with a plan."""
        sections, goals, accommodations = ProfileSection, ProfileGoal, Accommodation
        for student in self.people.student_user:
            author = self.people.case_manager.get(student) or self.people.section_teacher.get(
                (self.people.student_sections[student] or [None])[0])
            for kind in PROFILE_KINDS:
                edited = self.rng.random() < 1 / 3
                row = dict(student_id=student, kind=kind, text=PROFILE_TEXT[kind],
                           visibility=ProfileSection.DEFAULT_VISIBILITY[kind], version=2 if edited else 1,
                           updated_at=self.now, updated_by_id=author)
                self._with_history(sections, row, edited)
            for number, kind in enumerate((ProfileGoal.Kind.ACADEMIC, ProfileGoal.Kind.SELF_ADVOCACY)):
                row = dict(student_id=student, description="Read a grade-level passage and retell the main events in order.",
                           kind=kind, owner=ProfileGoal.Owner.TEACHER if number == 0 else ProfileGoal.Owner.STUDENT,
                           target_date=self.today + timedelta(days=60 + 30 * number), status=ProfileGoal.Status.IN_PROGRESS,
                           created_at=self.now, version=1, updated_at=self.now, updated_by_id=author)
                self._with_history(goals, row, False)
            if self.people.plan[student] != Student.Plan.NONE:
                for number, (category, text) in enumerate((
                    (Accommodation.Category.CLASSROOM, "Directions read aloud and repeated"),
                    (Accommodation.Category.CLASSROOM, "Seat near the teacher"),
                    (Accommodation.Category.ASSESSMENT, "Extended time (time and a half)"),
                )):
                    row = dict(student_id=student, category=category, description=text, applies_in="All classes",
                               provided_by="Classroom teacher", is_active=True, version=1, updated_at=self.now, updated_by_id=author)
                    self._with_history(accommodations, row, False)

    def _with_history(self, model, row: dict, edited: bool) -> None:
        pk = self.w[model].add(**row)
        history = model.history.model
        created = self.now - timedelta(days=90)
        versions = [("+", created, {**row, "version": 1, "updated_at": created})]
        if edited:
            versions.append(("~", self.now, row))
        for kind, when, values in versions:
            self.w[history].add(**{**values, "id": pk}, history_id=None, history_date=when, history_type=kind,
                                history_change_reason=None, history_user_id=row.get("updated_by_id"))
