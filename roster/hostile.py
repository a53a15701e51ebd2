"""`seed_demo --hostile` (quality.md T4.2): the demo's free text, as an attacker would have typed it.

Every free-text field of the demo's records gets script, markup, template and direction-override payloads
appended, so the browser suite can check that no page runs them (no dialog, no CSP refusal). Identifiers,
codes, emails, links and choice fields are left alone: the demo must still sign in and link up. Never for
real data: seed_demo refuses to run with DEBUG off unless told.
"""

from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Left

PAYLOAD = (' "><img src=x onerror=alert("hostile-img")><script>alert("hostile-script")</script>'
           '<svg onload=alert("hostile-svg")>{{7*7}}{% debug %}\u202eevil')
APPS = {"accounts", "roster", "profiles", "competencies", "paths", "iep", "family_portal", "privacy"}
# Free text people type. Identifiers, keys and machine-read values stay as they are.
NOT_FREE_TEXT = {"email", "username", "password", "payload", "sourced_id", "identifier", "uri", "code", "short_code", "token",
                 "nonce", "item_key", "form", "route_name", "permission", "network", "period", "language",
                 "photo_type", "method", "grade_level", "grade_range", "version", "source_name", "file_name",
                 "preferred_language", "student_number", "end_reason"}


def free_text_fields(model) -> list[models.Field]:
    return [
        field for field in model._meta.concrete_fields
        if isinstance(field, (models.TextField, models.CharField))
        and not isinstance(field, (models.EmailField, models.URLField, models.SlugField))
        and not field.choices and not field.unique and not field.primary_key and field.name not in NOT_FREE_TEXT
        and (isinstance(field, models.TextField) or (field.max_length or 0) >= 100)
    ]  # fmt: skip


def make_hostile() -> int:
    """Append the payloads to every free-text field of the project's records; returns the rows changed."""
    changed = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        fields = free_text_fields(model)
        if not fields:
            continue
        updates = {}
        for field in fields:
            value = Concat(field.name, Value(PAYLOAD), output_field=field)
            updates[field.name] = value if isinstance(field, models.TextField) else Left(value, field.max_length)
        changed += model._default_manager.update(**updates)
    return changed
