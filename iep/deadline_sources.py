"""Deadlines that higher apps keep, shown on the IEP deadlines dashboard and counted in the review queue.

iep sits below the apps that own some of these dates (mtss: the evaluation a referral's consent starts), so it
cannot import them. Each such app registers a source here from its AppConfig.ready(); the dashboard and the queue
ask every source for its group of rows, already scoped by the source to the students the person may see through
roster/access.py. One query per source and page, whatever the number of rows (P1)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from accounts.models import User
from roster.models import Student


@dataclass(frozen=True)
class DeadlineRow:
    """One thing due for one student, in the shape the dashboard prints: who, what, when, and where to act."""

    student: Student  # with its school joined
    what: str  # in the people's words, e.g. "Evaluation due (referral from the MTSS team)"
    due: date
    url: str
    today: date

    @property
    def is_late(self) -> bool:
        return self.due < self.today

    @property
    def days(self) -> int:
        """Days left (0: today), or days late for a late one."""
        return abs((self.due - self.today).days)


@dataclass(frozen=True)
class DeadlineGroup:
    """A source's deadlines due within the window or already late: the soonest `shown` rows, and the counts."""

    key: str
    heading: str
    caption: str
    rows: list[DeadlineRow]
    count: int
    late: int


# source(user, *, today, until, school_id, shown) -> DeadlineGroup; `shown`: how many rows to list, soonest first
# (None: every one, 0: the counts only).
Source = Callable[..., DeadlineGroup]
_SOURCES: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    """Called from a higher app's AppConfig.ready(); registering the same key again replaces it (no duplicates)."""
    _SOURCES[key] = source


def collect(user: User, *, today: date, until: date, school_id: int | None = None,
            shown: int | None = 0) -> list[DeadlineGroup]:
    """Every registered source's group for `user`, in the order they were registered."""
    return [source(user, today=today, until=until, school_id=school_id, shown=shown) for source in _SOURCES.values()]
