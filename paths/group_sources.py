"""Small groups that higher apps form from their own data, shown beside the mastery-based suggestions on a class's
Small groups page (mtss: students of the class with a tier 2 or 3 plan with the same intervention).

paths sits below those apps, so it cannot import them: each registers a source here from its AppConfig.ready(). A
source answers for one class, given its students, in one query whatever the number of students (P1)."""

from collections.abc import Callable
from dataclasses import dataclass

from roster.models import Section, Student


@dataclass(frozen=True)
class SourcedGroup:
    heading: str  # in the teacher's words, e.g. "Reading, tier 2: Repeated reading"
    detail: str  # how it is given, e.g. "groups up to 3, 3 sessions a week of 20 minutes"
    students: list[Student]
    focus: str  # the session's focus, filled in when it is scheduled


Source = Callable[[Section, dict[int, Student]], list[SourcedGroup]]
_SOURCES: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    """Called from a higher app's AppConfig.ready(); registering the same key again replaces it (no duplicates)."""
    _SOURCES[key] = source


def collect(section: Section, students: dict[int, Student]) -> list[SourcedGroup]:
    return [group for source in _SOURCES.values() for group in source(section, students)]
