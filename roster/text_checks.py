"""Text Waypoint takes from outside and stores: checked against the model field it lands in (quality.md T4).

- Length: the field's max_length. SQLite does not enforce it, PostgreSQL refuses the row, so the check must.
- Control characters (Unicode Cc: U+0000-U+001F, U+007F-U+009F): PostgreSQL refuses NUL in text; the others
  have no place in a name. A multi-line field keeps tab, line feed and carriage return.
- Direction controls: embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069) make text display
  differently from what it says ("gnp.exe" shown as "exe.png"). The marks U+200E and U+200F stay: names
  written in Arabic or Hebrew use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

DIRECTION = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates (from "\ud800" escapes in JSON) are not text at all: they cannot be stored or encoded.
BROKEN = re.compile(r"[\ud800-\udfff]")
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class Fault:
    kind: str  # "length", "control" or "direction"
    length: int = 0
    limit: int = 0
    char: str = ""

    def message(self, label: str) -> str:
        """What is wrong, for a person; `label` names the value (a column, a field)."""
        if self.kind == "length":
            return _("%(column)s is %(length)d characters long; Waypoint keeps at most %(limit)d.") % {
                "column": label, "length": self.length, "limit": self.limit}
        if self.kind == "control":
            return _("%(column)s holds a control character (%(code)s), which Waypoint does not store.") % {
                "column": label, "code": code_point(self.char)}
        return _("%(column)s holds a hidden text-direction character (%(code)s), which can make text display "
                 "differently from what it says.") % {"column": label, "code": code_point(self.char)}


def faults(value: str, *, max_length: int | None = None, multiline: bool = False) -> list[Fault]:
    """Everything wrong with `value` for a field of `max_length`, at most one fault of each kind."""
    if not multiline and (max_length is None or len(value) <= max_length) and not UNPRINTABLE.search(value):
        return []  # the usual case, one search
    found = []
    if max_length is not None and len(value) > max_length:
        found.append(Fault("length", length=len(value), limit=max_length))
    control = (CONTROL_MULTILINE if multiline else CONTROL).search(value)
    if control:
        found.append(Fault("control", char=control.group()))
    direction = DIRECTION.search(value)
    if direction:
        found.append(Fault("direction", char=direction.group()))
    return found


@cache
def max_length(model: str, field: str) -> int | None:
    """The max_length of `field` on `model` ("app_label.Model"), read from the model, not copied by hand."""
    from django.apps import apps

    return apps.get_model(model)._meta.get_field(field).max_length


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def printable(text: str, limit: int | None = None) -> str:
    """`text` safe to store and show as one line: control, direction and broken characters become U+FFFD, and
    past `limit` characters it is cut with an ellipsis (a report quotes values; a value may be 100,000 characters)."""
    text = UNPRINTABLE.sub("\ufffd", text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
