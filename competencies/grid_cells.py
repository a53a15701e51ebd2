"""The class mastery grid's cells, printed in Python (issue 23, P2): 2,100 of them on a full class.

The one module allowed to mark markup safe (tests/security/test_code_rules.py, T6.3): every value it prints is
escaped here, once per kind of cell, or is an integer; tests/competencies/test_views.py checks that a level's name
imported with markup is printed as text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from roster.models import Student

    from .models import Competency
    from .selectors import Cell

# The states a cell can be in (competencies.selectors.cell_for decides which; each is also the cell's CSS class).
MASTERED, NEAR, BEGINNING, NOT_ENOUGH, NO_EVIDENCE = "mastered", "near", "beginning", "not-enough", "none"


# What one grid cell shows, computed once here so the template only prints it (2,100 cells on a full class): the
# state's symbol (drawn by competencies.css from the cell's class, hidden from screen readers) and the level for the
# eye, the level's name and state in words for screen readers; never colour alone.


def _cell_words(state: str, label: str, overridden: bool) -> str:
    if state == MASTERED:
        words = _("%(label)s, mastered") % {"label": label}
    elif state == NEAR:
        words = _("%(label)s, close to mastery") % {"label": label}
    elif state == BEGINNING:
        words = _("%(label)s, not mastered yet") % {"label": label}
    elif state == NOT_ENOUGH:
        words = _("Not enough evidence yet")
    else:
        words = _("No results yet")
    return f"{words} {_('(set by a teacher)')}" if overridden else words


def grid_rows(rows: list[tuple[Student, list[tuple[Competency, Cell]]]]) -> list[dict]:
    """Each student's row as printable values: the row's link, then its cells already printed.

    A full class is 2,100 cells: printing each through the template engine (four lookups, localisation and
    escaping per cell) was most of the page's time (P2). Each cell is `<td class><a href>level<span class="vh">
    words</span></a></td>`, the same markup the template wrote, every value escaped:
    the state's class, the link (`competencies:student-competency`, built from the student's progress URL: one
    reverse per student), the level's number and, for screen readers, the level's name and state in words
    (escaped once per kind of cell).
    """
    kinds: dict[tuple, tuple[str, str, str]] = {}  # each kind of cell's class, level and words, escaped once
    printed = []
    for student, cells in rows:
        base = escape(reverse("competencies:student-progress", args=[student.uuid]))
        row = []
        for competency, cell in cells:
            key = (cell.state, cell.level, cell.overridden)
            if key not in kinds:
                css = f"state-{cell.state} set" if cell.overridden else f"state-{cell.state}"
                kinds[key] = (escape(css), escape(cell.level[0] if cell.level else ""),
                              escape(_cell_words(cell.state, cell.level[1] if cell.level else "", cell.overridden)))
            css, level, words = kinds[key]
            row.append(f'<td class="{css}"><a href="{base}{int(competency.pk)}/">{level}<span class="vh"> {words}</span></a></td>')
        # Every value above is escaped (or an int): format_html_join's escaping per value was most of the page's time.
        printed.append({"student": student, "href": base, "cells_html": mark_safe("".join(row))})  # nosec B308 B703 (escaped above)
    return printed
