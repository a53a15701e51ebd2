"""seed_district: a district at scale, built with the product's models and rules, written at COPY speed."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from django.apps import apps
from django.db import transaction

from .learning import LearningSeeder
from .people import DISTRICT_SOURCED_ID, PeopleSeeder
from .records import RecordsSeeder
from .writer import Writers

# Figures for 10,000 students (quality.md P); everything scales with --students.
EVIDENCE_PER_STUDENT = 100  # ~1,000,000 evidence rows
INPUTS_PER_STUDENT = 2  # 20,000 IEP inputs
ACCESS_EVENTS_PER_STUDENT = 200  # 2,000,000 access events


@dataclass
class SeedReport:
    students: int
    seed: int
    phases: list[tuple[str, float]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(seconds for _name, seconds in self.phases)


class AlreadySeeded(Exception):
    pass


def seed_district(*, students: int, seed: int, today: date, with_paths: bool | None = None,
                  say: Callable[[str], None] = lambda line: None) -> SeedReport:
    """Build the bench district: each phase in its own transaction, its rows written in large batches."""
    from roster.models import District

    if District.objects.filter(sourced_id=DISTRICT_SOURCED_ID).exists():
        raise AlreadySeeded("The bench district is already in this database: seed a fresh database (make bench-db).")
    with_paths = apps.is_installed("paths") if with_paths is None else with_paths
    rng, writers = random.Random(seed), Writers()
    report = SeedReport(students=students, seed=seed)

    def phase(name: str, work: Callable[[], object]) -> object:
        started = time.perf_counter()
        with transaction.atomic():
            result = work()
            writers.flush()
        report.phases.append((name, time.perf_counter() - started))
        say(f"{name}: {report.phases[-1][1]:.1f} s")
        return result

    people = phase("schools, classes, staff, students and guardians", PeopleSeeder(rng=rng, writers=writers, students=students, today=today).run)
    learner = LearningSeeder(rng=rng, writers=writers, people=people, today=today, evidence_per_student=EVIDENCE_PER_STUDENT)
    learning = phase("framework and class competencies", learner.framework)
    phase("evidence and stored mastery", lambda: learner.evidence(learning))
    phase("learner profiles with history", learner.profiles)
    records = RecordsSeeder(rng=rng, writers=writers, people=people, today=today)
    phase("IEPs, goals, progress data and inputs", lambda: records.iep(inputs_total=INPUTS_PER_STUDENT * students))
    phase("family portal", records.family)
    if with_paths:
        from .paths import PathsSeeder

        phase("learning paths and sessions", PathsSeeder(rng=rng, writers=writers, people=people, learning=learning, today=today).run)
    if apps.is_installed("mtss"):
        from .mtss import MtssSeeder

        # Its own generator, so the phases before and after it draw the same rows as before it existed.
        mtss = MtssSeeder(rng=random.Random(f"mtss-{seed}"), writers=writers, people=people, today=today)
        phase("MTSS: screening, tiers, support plans, monitoring and sessions", mtss.run)
    phase("access events", lambda: records.access_events(total=ACCESS_EVENTS_PER_STUDENT * students))
    started = time.perf_counter()
    report.rows = writers.finish()
    analyze()
    report.phases.append(("sequences and planner statistics", time.perf_counter() - started))
    return report


def analyze() -> None:
    """COPY leaves the planner's statistics empty until autovacuum gets round to it: without them it guesses
    a handful of rows where there are thousands and picks nested loops (seen on the director's queue)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
