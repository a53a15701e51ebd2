"""Values read from a URL's query string, bounded so that bad input is "nothing chosen", never a 500
(issue 15, quality.md T4): "²" passes str.isdigit() but not int(), and 20 digits overflow a database id."""

import re

_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only; 18 digits always fit a 64-bit database id


def id_or_none(raw: str | None) -> int | None:
    """A database id from the query string, or None when it is missing or not one."""
    return int(raw) if raw and _ID.fullmatch(raw) and int(raw) > 0 else None


def ids(raws: list[str]) -> list[int]:
    """The valid ids among many values (`?student=1&student=2`)."""
    return [value for raw in raws if (value := id_or_none(raw)) is not None]
