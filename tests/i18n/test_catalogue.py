"""The Spanish catalogue is the only source of translations, complete and as new as the code (issue 18).

Read with polib (a maintained library), never a parser of our own. T9 (language of page, WCAG 3.1.1).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo"
# The same command as `make messages` (Makefile), so the test and the workflow cannot drift apart.
MAKEMESSAGES = ["makemessages", "-l", "es", "--ignore=.venv", "--ignore=staticfiles", "--ignore=tests", "--no-obsolete"]
NOT_SOURCE = (".venv", ".git", "tests", "staticfiles", "media", "node_modules", "__pycache__", "*.sqlite3", "*.pyc")


def _key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _label(key):
    ctxt, msgid, plural = key
    return (f"[{ctxt}] " if ctxt else "") + repr(msgid) + (f" / {plural!r}" if plural else "")


def untranslated_or_fuzzy(catalogue):
    """Every message a Spanish reader would see in English: empty, fuzzy, or with an empty plural form."""
    bad = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        empty_plural = entry.msgid_plural and not all(entry.msgstr_plural.values())
        if entry.fuzzy or not entry.translated() or empty_plural:
            bad.append(_label(_key(entry)) + (" (fuzzy)" if entry.fuzzy else " (untranslated)"))
    return bad


def test_spanish_catalogue_is_fully_translated_and_has_no_fuzzy_guess():
    catalogue = polib.pofile(str(PO))
    bad = untranslated_or_fuzzy(catalogue)
    assert len(catalogue) > 1000
    assert catalogue.metadata["Language"] == "es"
    assert not bad, f"{len(bad)} Spanish message(s) not translated:\n" + "\n".join(bad[:50])


def test_untranslated_and_fuzzy_entries_are_caught():
    """The check above must be able to fail: an empty msgstr and a fuzzy guess are both reported."""
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Weekly", msgstr=""))
    catalogue.append(polib.POEntry(msgid="Daily", msgstr="Diario", flags=["fuzzy"]))
    catalogue.append(polib.POEntry(msgid="Goal", msgstr="Meta"))
    assert untranslated_or_fuzzy(catalogue) == ["'Weekly' (untranslated)", "'Daily' (fuzzy)"]


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    """makemessages run on a temporary copy of the code (Django 5.2 has no `makemessages --check`)."""
    if not shutil.which("xgettext"):
        pytest.fail("xgettext (GNU gettext) is missing: apt-get install gettext")
    copy = tmp_path_factory.mktemp("source") / "waypoint"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES, "-v", "0"],
        cwd=copy, check=True, capture_output=True, timeout=120,
    )
    return polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))


def test_catalogue_is_as_new_as_the_code(fresh_catalogue):
    """Every msgid in the code is in the committed .po, and the .po holds none the code no longer has."""
    committed = {_key(e) for e in polib.pofile(str(PO)) if not e.obsolete}
    in_code = {_key(e) for e in fresh_catalogue if not e.obsolete}
    missing = sorted(in_code - committed)
    stale = sorted(committed - in_code)
    assert not missing, "Run `make messages` and translate; not in django.po:\n" + "\n".join(map(_label, missing))
    assert not stale, "Run `make messages`; django.po still has:\n" + "\n".join(map(_label, stale))


def test_compiled_catalogue_matches_the_po():
    """The tracked .mo is compiled from the committed .po (compilemessages after every edit)."""
    po = {
        _key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(PO)) if e.translated() and not e.obsolete and e.msgid
    }
    mo = {_key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(MO)) if e.msgid}
    differ = sorted(k for k in po.keys() & mo.keys() if po[k] != mo[k])
    assert not (po.keys() - mo.keys()), "Not compiled: " + ", ".join(map(_label, sorted(po.keys() - mo.keys())))
    assert not (mo.keys() - po.keys()), "Compiled but gone: " + ", ".join(map(_label, sorted(mo.keys() - po.keys())))
    assert not differ, "Compiled from an older .po: " + ", ".join(map(_label, differ))
