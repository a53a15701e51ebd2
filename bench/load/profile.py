"""Where the server's time goes under load (issue 23 item 5): py-spy's samples of every gunicorn worker, summed.

    python -m bench.load.profile bench/results/profile.txt [--top 25]

The input is py-spy's `--format raw` output (one collapsed stack per line, "frame;frame;... count"), recorded by
`python -m bench.load.run --profile`. Each stack is also put in one family (session and user loading, middleware,
the access door, the audit write, template rendering, the ORM, ...) by the first frame that names one, from the
leaf up: the table a flame graph shows, as text for bench/README.md.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# (family, pattern on "function (file:line)"), checked leaf first: the innermost named cost wins.
FAMILIES = [
    ("audit write", r"audit/services\.py"),
    ("access door (roster/access.py)", r"roster/access\.py"),
    ("session and user loading", r"contrib/sessions/|contrib/auth/(middleware|__init__|backends)\.py|get_user"),
    ("template rendering", r"django/template/|templatetags/"),
    ("translation", r"django/utils/translation/|gettext\.py"),
    ("forms", r"django/forms/|crispy"),
    ("waiting for PostgreSQL (the driver's execute and fetch)", r"psycopg2|django/db/backends/"),
    ("ORM: building and reading queries", r"django/db/models/"),
    ("gzip", r"gzip"),
    ("middleware", r"middleware"),
    ("url resolving", r"django/urls/"),
    ("gunicorn (accepting, reading, writing sockets)", r"gunicorn/"),
]
_compiled = [(name, re.compile(pattern)) for name, pattern in FAMILIES]
# A frame as py-spy prints it: "function (path/to/file.py:123)"; the line number is dropped to merge a function's lines.
_line = re.compile(r":\d+\)$")
# Frames every request passes through (the process, its threads, gunicorn's loop): they say nothing.
_plumbing = re.compile(r"^process \d+|\(threading\.py|\(concurrent/futures/|\(gunicorn/workers/")
# The view a sample was taken in: the innermost frame in one of our apps' views.
_view = re.compile(r"^([\w.<>]+) \((?:.*/)?(\w+)/views(?:/\w+)?\.py")


def read(path: Path) -> Counter:
    stacks: Counter = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def family(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in _compiled:
            if pattern.search(frame):
                return name
    return "other"


def _short(frame: str) -> str:
    frame = _line.sub(")", frame)
    return re.sub(r"\(.*?(site-packages/|waypoint/|main/)", "(", frame)


def summarise(stacks: Counter, top: int = 25) -> dict:
    total = sum(stacks.values()) or 1
    families: Counter = Counter()
    inclusive: Counter = Counter()
    own: Counter = Counter()
    views: Counter = Counter()
    for stack, count in stacks.items():
        frames = [f for f in stack.split(";") if f and not _plumbing.search(f)]
        families[family(frames)] += count
        in_view = [m for m in map(_view.match, frames) if m]
        views[f"{in_view[-1].group(2)}.views.{in_view[-1].group(1)}" if in_view else "outside a view (middleware, sockets)"] += count
        for frame in {_short(f) for f in frames}:
            inclusive[frame] += count
        if frames:
            own[_short(frames[-1])] += count
    pct = lambda n: round(100 * n / total, 1)  # noqa: E731
    return {
        "samples": total,
        "families": [(name, pct(n)) for name, n in families.most_common()],
        "views": [(name, pct(n)) for name, n in views.most_common(top)],
        "inclusive": [(frame, pct(n)) for frame, n in inclusive.most_common(top)],
        "self": [(frame, pct(n)) for frame, n in own.most_common(top)],
    }


def markdown(summary: dict) -> str:
    lines = [f"{summary['samples']:,} samples of the gunicorn workers", "",
             "| where the time goes (leaf first) | % of samples |", "| --- | ---: |"]
    lines += [f"| {name} | {p} |" for name, p in summary["families"]]
    lines += ["", "| view | % of samples |", "| --- | ---: |"]
    lines += [f"| `{name}` | {p} |" for name, p in summary["views"]]
    lines += ["", "| function (inclusive) | % |", "| --- | ---: |"]
    lines += [f"| `{frame}` | {p} |" for frame, p in summary["inclusive"]]
    lines += ["", "| function (self) | % |", "| --- | ---: |"]
    lines += [f"| `{frame}` | {p} |" for frame, p in summary["self"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(markdown(summarise(read(args.raw), args.top)))


if __name__ == "__main__":
    main()
