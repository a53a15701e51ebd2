"""Learning paths: a template per class, copied to each of its students (copy-on-assign, as paths.services does),
with step states that follow the stored mastery, the students' choices, and small-group sessions."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from paths.models import (
    LearningSession,
    OptionKind,
    OptionMode,
    PathEvent,
    PathOption,
    PathStep,
    PathTemplate,
    StudentPath,
    TemplateOption,
    TemplateStep,
)

from .learning import Learning
from .people import People, at
from .writer import Writers

STEPS = 8
PER_STEP = 2
OPTIONS = [(OptionKind.LEARN, OptionMode.READ, "Read the worked example"), (OptionKind.LEARN, OptionMode.WATCH, "Watch the short video"),
           (OptionKind.SHOW, OptionMode.WRITE, "Write your solution"), (OptionKind.SHOW, OptionMode.PRESENT, "Explain it to the teacher")]


class PathsSeeder:
    def __init__(self, *, rng: random.Random, writers: Writers, people: People, learning: Learning, today: date):
        self.rng, self.w, self.people, self.learning, self.today = rng, writers, people, learning, today
        self.now = timezone.now()

    def run(self) -> None:
        school_of_section = {section: school.pk for school in self.people.schools for section in school.sections}
        for section, students in self.people.section_students.items():
            teacher = self.people.section_teacher[section]
            competencies = self.learning.section_competencies[section][: STEPS * PER_STEP]
            template, steps = self._template(school_of_section[section], teacher, competencies)
            for student in students:
                self._student_path(student, section, template, steps, teacher)
            self._sessions(section, students, teacher, competencies)

    def _template(self, school: int, teacher: int, competencies: list[int]) -> tuple[int, list[tuple[str, list[int]]]]:
        template = self.w[PathTemplate].add(school_id=school, framework_id=self.learning.framework, title="Fractions and reading for meaning",
                                            description="Eight steps through the class's first competencies.", created_by_id=teacher,
                                            created_at=self.now)
        steps = []
        for position in range(STEPS):
            chosen = competencies[position * PER_STEP:(position + 1) * PER_STEP]
            title = f"Step {position + 1}"
            step = self.w[TemplateStep].add(template_id=template, position=position, title=title, description="", target_days=10)
            for competency in chosen:
                self.w[TemplateStep.competencies.through].add(templatestep_id=step, competency_id=competency)
            for number, (kind, mode, text) in enumerate(OPTIONS):
                self.w[TemplateOption].add(step_id=step, kind=kind, mode=mode, title=text, description="", link="", estimated_minutes=20,
                                           accessibility_notes="Captions available", position=number)
            steps.append((title, chosen))
        return template, steps

    def _student_path(self, student: int, section: int, template: int, steps: list[tuple[str, list[int]]], teacher: int) -> None:
        start = self.people.term_start + timedelta(days=14)
        path = self.w[StudentPath].add(student_id=student, template_id=template, section_id=section, framework_id=self.learning.framework,
                                       title="Fractions and reading for meaning", start_date=start, assigned_by_id=teacher,
                                       assigned_at=at(start), is_active=True)
        self.w[PathEvent].add(path_id=path, kind=PathEvent.Kind.ASSIGNED, step_title="", detail="", actor_id=teacher, at=at(start))
        mastered, still_open = self.learning.mastered.get(student, set()), True
        for position, (title, competencies) in enumerate(steps):
            done = still_open and bool(competencies) and set(competencies) <= mastered
            status = PathStep.Status.MASTERED if done else PathStep.Status.OPEN if still_open else PathStep.Status.LOCKED
            target = start + timedelta(days=14 * (position + 1))
            step = self.w[PathStep].add(
                path_id=path, position=position, title=title, description="", target_date=target, status=status, status_reason="",
                opened_by_hand=False, opened_on=start + timedelta(days=14 * position) if status != PathStep.Status.LOCKED else None,
                finished_on=min(target, self.today) if done else None, chosen_learn_id=None, chosen_show_id=None,
                choice_reason="", chosen_at=None,
            )
            for competency in competencies:
                self.w[PathStep.competencies.through].add(pathstep_id=step, competency_id=competency)
            for number, (kind, mode, text) in enumerate(OPTIONS):
                self.w[PathOption].add(step_id=step, kind=kind, mode=mode, title=text, description="", link="",
                                       estimated_minutes=20, accessibility_notes="Captions available", position=number)
            if status == PathStep.Status.OPEN:
                still_open = False
                self.w[PathEvent].add(path_id=path, kind=PathEvent.Kind.OPENED, step_title=title, detail="", actor_id=None,
                                      at=at(start + timedelta(days=14 * position)))
            if done:
                self.w[PathEvent].add(path_id=path, kind=PathEvent.Kind.MASTERED, step_title=title, detail="", actor_id=None,
                                      at=at(min(target, self.today)))

    def _sessions(self, section: int, students: list[int], teacher: int, competencies: list[int]) -> None:
        for number in range(2):
            starts = at(self.today + timedelta(days=1 + number), 9 + number)
            session = self.w[LearningSession].add(section_id=section, competency_id=competencies[number] if competencies else None,
                                                  kind=LearningSession.Kind.SMALL_GROUP, staff_id=teacher, room=f"Room {section % 40 + 1}",
                                                  starts_at=starts, minutes=30, focus="Reteach with objects", created_by_id=teacher,
                                                  created_at=self.now)
            for student in students[number * 5:(number + 1) * 5]:
                self.w[LearningSession.students.through].add(learningsession_id=session, student_id=student)
