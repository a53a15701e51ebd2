"""What needs a staff member today, for the top of their start page (issue 17.3).

roster is the lowest app, so it cannot ask the IEP, paths or family apps what is waiting. Each of those apps
registers a provider here in its AppConfig.ready() (a lower app offering a hook, as with signals): a function
(user, today) -> list of NeedsYou, scoped through the access door and counted in a fixed number of queries.
The start page prints them in the order given, each with its count and a link.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from accounts.models import User


@dataclass(frozen=True)
class Entry:
    name: str  # whom it is about (a student's display name)
    detail: str  # what it is, in a few words
    url: str  # where to act on it


@dataclass(frozen=True)
class NeedsYou:
    key: str  # a stable name for tests and anchors ("goals-flagged")
    label: str  # the count in words: "2 goals flagged"
    count: int
    url: str  # the page where all of them are acted on
    link_text: str
    entries: list[Entry] = field(default_factory=list)  # the first few, each with its own link


Provider = Callable[[User, date], list[NeedsYou]]
_providers: list[tuple[int, Provider]] = []

SHOWN = 8  # entries listed under each count; the link leads to all of them


def register(order: int) -> Callable[[Provider], Provider]:
    def decorator(provider: Provider) -> Provider:
        if provider not in [p for _o, p in _providers]:
            _providers.append((order, provider))
            _providers.sort(key=lambda pair: pair[0])
        return provider
    return decorator


def needs_you(user: User, today: date) -> list[NeedsYou]:
    """Called by the staff start page only, behind its permission (roster.staff_pages): who is staff is decided
    there, by relationships, so providers do not ask again (and never by User.role)."""
    return [item for _order, provider in _providers for item in provider(user, today)]
