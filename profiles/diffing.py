"""Word-level differences between two texts, for the history page and the merge view.

Pure: no models, no HTML. Templates render the segments, so every piece of user text
goes through Django's auto-escaping.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "same" | "added" | "removed"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """The segments that turn `old` into `new`, whitespace kept, neighbours of one kind merged."""
    a, b = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            _append(segments, "same", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, "removed", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _append(segments, "added", "".join(b[j1:j2]))
    return segments


def _append(segments: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))
