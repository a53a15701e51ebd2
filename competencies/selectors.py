"""Reads that competencies pages share: scoped by the caller (the access door or grid_sections), already joined."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from roster.access import grid_sections
from roster.models import Enrollment, Section, Student

from . import graph, mastery
from .grid_cells import BEGINNING, MASTERED, NEAR, NO_EVIDENCE, NOT_ENOUGH, grid_rows
from .models import Competency, Evidence, Mastery, Prerequisite, ProficiencyScale, SectionCompetency


@dataclass(frozen=True)
class ScaleInfo:
    params: mastery.Params
    levels: list[tuple[int, str]]

    @property
    def threshold(self) -> Decimal:
        return self.params.threshold


def scale_info(framework_ids: set[int]) -> dict[int, ScaleInfo]:
    """Each framework's mastery parameters and scale levels, in one query (the scale joined to its
    framework and, outer, to its levels: one row per level, one row with no level for a scale without any)."""
    rows = (
        ProficiencyScale.objects.filter(framework_id__in=framework_ids)
        .order_by("pk", "levels__value")
        .values_list("framework_id", "mastery_threshold", "framework__mastery_method", "framework__decay_weight",
                     "framework__n_times", "framework__min_evidence", "levels__value", "levels__label")
    )
    frameworks, levels = {}, defaultdict(list)
    for fw_id, threshold, method, decay_weight, n_times, min_evidence, value, label in rows:
        frameworks[fw_id] = (threshold, method, decay_weight, n_times, min_evidence)
        if value is not None:
            levels[fw_id].append((value, label))
    found = {}
    for fw_id, (threshold, method, decay_weight, n_times, min_evidence) in frameworks.items():
        values = [value for value, _label in levels[fw_id]] or [1, 4]
        params = mastery.Params(
            method=method, threshold=threshold, scale_min=Decimal(min(values)), scale_max=Decimal(max(values)),
            decay_weight=decay_weight, n_times=n_times, min_evidence=min_evidence,
        )
        found[fw_id] = ScaleInfo(params=params, levels=levels[fw_id])
    return found


# --- what a cell shows (its states and how it is printed: competencies/grid_cells.py) ---------------------


@dataclass(frozen=True)
class Cell:
    state: str
    value: Decimal | None
    level: tuple[int, str] | None
    overridden: bool
    evidence_count: int


class StoredMastery(NamedTuple):
    """The stored columns of a Mastery a cell needs (for the grid's many rows: plain tuples, not model instances)."""

    evidence_count: int
    effective_value: Decimal | None
    effective_mastered: bool
    override_value: Decimal | None

    @property
    def is_overridden(self) -> bool:
        return self.override_value is not None


def cell_for(row: Mastery | StoredMastery | None, info: ScaleInfo) -> Cell:
    if row is None or row.evidence_count == 0:
        return Cell(NO_EVIDENCE, None, None, False, 0)
    value = row.effective_value
    if value is None:
        return Cell(NOT_ENOUGH, None, None, False, row.evidence_count)
    if row.effective_mastered:
        state = MASTERED
    elif value >= info.threshold - 1:
        state = NEAR
    else:
        state = BEGINNING
    return Cell(state, value, mastery.level_for(value, info.levels), row.is_overridden, row.evidence_count)


def root_of(competency: Competency) -> Competency:
    """The top of the competency's branch (its domain), from ancestors loaded with select_related."""
    node = competency
    while node.parent_id is not None and Competency.parent.is_cached(node):
        node = node.parent
    return node


# --- the class grid ------------------------------------------------------------------


def sections_for_grids(user: User) -> QuerySet[Section]:
    return grid_sections(user).select_related("school", "term").order_by("school__name", "period", "name")


def section_grid(*, section: Section, domain_id: int | None = None) -> dict:
    """Students by competencies for one class, in a fixed number of queries whatever its size."""
    students = [e.student for e in Enrollment.objects.filter(section=section).select_related("student")
                .order_by("student__last_name", "student__first_name", "student__pk")]
    links = list(SectionCompetency.objects.filter(section=section, competency__is_retired=False)
                 .select_related("competency__parent__parent__parent").order_by("position", "pk"))
    all_competencies = [link.competency for link in links]
    domains = {}
    for competency in all_competencies:
        root = root_of(competency)
        domains.setdefault(root.pk, root)
    competencies = [c for c in all_competencies if domain_id is None or root_of(c).pk == domain_id]
    # Plain tuples, not 2,100 model instances: the grid needs four stored columns.
    stored = {(row[0], row[1]): StoredMastery(*row[2:]) for row in Mastery.objects.filter(
        student__in=[s.pk for s in students], competency__in=[c.pk for c in competencies]).values_list(
        "student_id", "competency_id", "evidence_count", "effective_value", "effective_mastered", "override_value")}
    info = scale_info({c.framework_id for c in competencies})
    rows = [
        (student, [(competency, cell_for(stored.get((student.pk, competency.pk)), info[competency.framework_id]))
                   for competency in competencies])
        for student in students
    ]
    totals = [(c, sum(1 for _s, cells in rows if cells[i][1].state == MASTERED)) for i, c in enumerate(competencies)]
    return {"students": students, "competencies": competencies, "rows": rows, "grid_rows": grid_rows(rows),
            "domains": list(domains.values()),
            "totals": totals, "levels": next(iter(info.values())).levels if info else [],
            "threshold": next(iter(info.values())).threshold if info else None}


def section_competency(*, section: Section, competency_id: int) -> Competency | None:
    link = SectionCompetency.objects.filter(section=section, competency_id=competency_id, competency__is_retired=False).select_related(
        "competency").first()
    return link.competency if link else None


# --- one student ----------------------------------------------------------------------


def student_progression(student: Student, masteries: dict[int, Mastery] | None = None) -> dict:
    """The student's classes this term, each with its competencies, mastery, credit and what is next.
    `masteries` (competency id -> the student's stored Mastery, every one of them) saves a query when the
    caller has read them already."""
    today = timezone.localdate()
    sections = list(Section.objects.filter(enrollments__student=student, term__start_date__lte=today, term__end_date__gte=today)
                    .order_by("period", "name"))
    links = list(SectionCompetency.objects.filter(section__in=sections, competency__is_retired=False)
                 .select_related("competency").order_by("position", "pk"))
    competency_ids = {link.competency_id for link in links}
    edges = list(Prerequisite.objects.filter(competency__in=competency_ids).values_list("prerequisite_id", "competency_id"))
    # One query for the class's competencies and the prerequisites they need (possibly from elsewhere).
    wanted = competency_ids | {a for a, _b in edges}
    if masteries is None:
        stored = {m.competency_id: m for m in Mastery.objects.filter(student=student, competency__in=wanted)}
    else:
        stored = {pk: m for pk, m in masteries.items() if pk in wanted}
    mastered_elsewhere = {pk for pk, m in stored.items() if pk not in competency_ids and m.effective_mastered}
    info = scale_info({link.competency.framework_id for link in links})
    by_section = defaultdict(list)
    for link in links:
        by_section[link.section_id].append(link.competency)
    courses = []
    for section in sections:
        competencies = by_section[section.pk]
        cells = [(c, cell_for(stored.get(c.pk), info[c.framework_id])) for c in competencies]
        mastered = {c.pk for c, cell in cells if cell.state == MASTERED} | mastered_elsewhere
        ready = set(graph.ready_to_learn([c.pk for c in competencies], edges, mastered))
        courses.append({
            "section": section, "cells": cells, "ready": [c for c in competencies if c.pk in ready],
            "mastered_count": sum(1 for _c, cell in cells if cell.state == MASTERED),
            "started_count": sum(1 for _c, cell in cells if cell.state not in (MASTERED, NO_EVIDENCE)),
            "credit_earned": bool(cells) and all(cell.state == MASTERED for _c, cell in cells),
        })
    return {"courses": courses, "levels": next(iter(info.values())).levels if info else []}


def competency_for_student(student: Student, competency_id: int) -> Competency | None:
    """A competency the student works on this term or already has evidence on; None otherwise."""
    today = timezone.localdate()
    linked = SectionCompetency.objects.filter(
        competency_id=competency_id, section__enrollments__student=student,
        section__term__start_date__lte=today, section__term__end_date__gte=today,
    )
    candidates = Competency.objects.filter(pk=competency_id).select_related("framework", "parent")
    return (candidates.filter(pk__in=linked.values("competency_id")) | candidates.filter(evidence__student=student)).distinct().first()


def evidence_for(student: Student, competency: Competency) -> tuple[list[Evidence], list[Evidence]]:
    """The student's results on the competency, oldest first: those that count, and those removed (with who removed
    them), in one query."""
    rows = list(Evidence.objects.filter(student=student, competency=competency).select_related("recorded_by", "voided_by")
                .order_by("observed_on", "pk"))
    return [e for e in rows if not e.is_void], [e for e in rows if e.is_void]


def evidence_of(student: Student, evidence_id: int) -> Evidence | None:
    """One result of the student that still counts (not removed), with its competency and who recorded it."""
    evidence = (Evidence.objects.current().filter(student=student, pk=evidence_id)
                .select_related("competency__framework", "recorded_by").first())
    if evidence is not None:
        evidence.student = student
    return evidence


def student_competencies(student: Student) -> QuerySet[Competency]:
    """Competencies of the student's classes this term: what a teacher may record evidence on."""
    today = timezone.localdate()
    return (Competency.objects.filter(
        is_retired=False, section_links__section__enrollments__student=student,
        section_links__section__term__start_date__lte=today, section_links__section__term__end_date__gte=today,
    ).distinct().order_by("framework", "position", "pk"))


def student_evidence_rows(student: Student) -> QuerySet[Evidence]:
    return Evidence.objects.current().filter(student=student).select_related("competency", "recorded_by").order_by("observed_on", "pk")


# --- the plan's accommodations, for recording results -------------------------------------

# Which kind of accommodation a plan's description names, by the words it uses (English and Spanish): a plan is
# written in free text ("Read aloud (except reading comprehension items)"), a result records one of the kinds.
ACCOMMODATION_WORDS: dict[str, tuple[str, ...]] = {
    Evidence.Accommodation.READ_ALOUD: ("read aloud", "read-aloud", "text-to-speech", "lectura en voz alta", "leer en voz alta"),
    Evidence.Accommodation.EXTENDED_TIME: ("extended time", "extra time", "time and a half", "tiempo extendido", "tiempo adicional"),
    Evidence.Accommodation.SPEECH_TO_TEXT: ("speech-to-text", "speech to text", "dictation", "dictado"),
    Evidence.Accommodation.SCRIBE: ("scribe", "escriba"),
    Evidence.Accommodation.CALCULATOR: ("calculator", "calculadora"),
    Evidence.Accommodation.BREAKS: ("break", "descanso", "pausa"),
    Evidence.Accommodation.SMALL_GROUP: ("small group", "separate", "quiet setting", "grupo pequeño", "lugar separado"),
    Evidence.Accommodation.LARGE_PRINT: ("large print", "letra grande"),
}


def accommodation_kinds(description: str) -> set[str]:
    """The kinds of accommodation (Evidence.Accommodation) a plan's description names; none if it names none."""
    text = description.lower()
    return {kind for kind, words in ACCOMMODATION_WORDS.items() if any(word in text for word in words)}


def plan_accommodations_for_assessment(students: list[Student]) -> dict[int, list[str]]:
    """Each student's current assessment accommodations from their plan (the learner profile's list), as the kinds
    a result records: one query for the whole class. The form ticks these for the teacher, who can untick them."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = Student.objects.filter(pk__in=[s.pk for s in students], accommodations__is_active=True,
                                  accommodations__category="assessment").values_list("pk", "accommodations__description")
    for student_id, description in rows:
        found[student_id] |= accommodation_kinds(description)
    order = list(Evidence.Accommodation.values)
    return {student_id: sorted(kinds, key=order.index) for student_id, kinds in found.items()}
