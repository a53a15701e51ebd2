"""Issue 17.3: path pacing with counts per pace, sorting, and the most overdue first."""

from datetime import date

from paths import pacing
from paths.selectors import PaceCount, PacingRow, pacing_counts, sort_pacing


def _row(name, status, days_late):
    pace = None if status is None else pacing.Pace(status=status, done=0, due=1, total=2, next_target=date(2026, 1, 1),
                                                   days_late=days_late)
    return PacingRow(student=name, path=None if pace is None else "path", pace=pace, current=None)


def test_counts_per_pace_behind_first_and_sorts():
    rows = [_row("a", pacing.ON_TRACK, 0), _row("b", pacing.BEHIND, 3), _row("c", None, 0), _row("d", pacing.BEHIND, 12),
            _row("e", pacing.AHEAD, 0)]
    assert pacing_counts(rows) == [PaceCount("behind", 2), PaceCount("on_track", 1), PaceCount("ahead", 1), PaceCount("none", 1)]
    assert [r.student for r in sort_pacing(rows, "late")] == ["d", "b", "a", "e", "c"]
    assert [r.student for r in sort_pacing(rows, "pace")] == ["d", "b", "a", "e", "c"]
    assert [r.student for r in sort_pacing(rows, "name")] == ["a", "b", "c", "d", "e"]
