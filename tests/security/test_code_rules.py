"""Rules read off the code itself: T4.3 (mass assignment) and T6.3 (no unescaped model text)."""

import importlib
import inspect
import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROTECTED_FIELDS = {"student", "district", "author", "version", "status"}
# Protected names that a form may edit on purpose, with the reason. A workflow status (IEP input,
# amendment request) is never here: it moves only through its service.
PROTECTED_ALLOWED = {
    "profiles.forms.GoalForm": {"status": "a learner-profile goal's progress is what its owner records"},
    "profiles.forms.StudentGoalForm": {"status": "a student records progress on their own goal"},
}
# Places allowed to mark text safe, each with the reason it is safe.
SAFE_MARKUP_ALLOWED: dict[str, str] = {
    # The grid's 2,100 cells printed in Python (P2): every value escaped once per kind of cell, or an int; checked by
    # tests/competencies/test_views.py::test_grid_cells_escape_a_level_name_from_an_imported_scale.
    "competencies/grid_cells.py": "the class grid's cells, each value escaped",
}


def project_apps():
    return [config for config in apps.get_app_configs() if Path(config.path).is_relative_to(ROOT) and ".venv" not in config.path]


def project_model_forms():
    found = []
    for config in project_apps():
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.ModelForm) and cls.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", cls))
    return found


def test_every_model_form_names_its_fields_and_no_protected_one():
    """T4.3: explicit fields, no __all__, no exclude, none of the protected fields."""
    offenders = []
    for label, form in project_model_forms():
        meta = form._meta
        if meta.fields in (None, "__all__") or meta.exclude:
            offenders.append(f"{label}: fields must be an explicit list")
        elif exposed := PROTECTED_FIELDS & set(meta.fields) - set(PROTECTED_ALLOWED.get(label, {})):
            offenders.append(f"{label}: exposes {sorted(exposed)}")
    assert offenders == []


def test_no_unescaped_output_outside_the_allow_list():
    """T6.3: no |safe, mark_safe or autoescape off on model text."""
    pattern = re.compile(r"\|\s*safe\b|mark_safe\(|autoescape\s+off|format_html\(\s*[a-z_]+\s*\)")
    offenders = []
    paths = [p for config in project_apps() for p in Path(config.path).rglob("*.py")] + list((ROOT / "templates").rglob("*.html"))
    for path in paths:
        relative = str(path.relative_to(ROOT))
        if "/migrations/" in relative or relative in SAFE_MARKUP_ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
