"""T3.1: the privacy registry declares every model, third-party ones included, and nothing stale."""

import pytest
from django.apps import apps

from accounts.models import User
from privacy import registry
from roster.models import Student

pytestmark = pytest.mark.django_db


def test_every_concrete_model_is_declared():
    """T3.1: 0 undeclared models over apps.get_models() (auto-created many-to-many tables included)."""
    undeclared = sorted(m._meta.label for m in registry.all_models() if m._meta.label not in registry.REGISTRY)
    assert undeclared == []


def test_no_stale_declarations():
    """T3.1: every declared model still exists, and every declared field still exists on it."""
    labels = {m._meta.label for m in registry.all_models()}
    assert sorted(set(registry.REGISTRY) - labels) == []
    stale_fields = []
    for model in registry.all_models():
        names = {f.name for f in model._meta.concrete_fields}
        declaration = registry.REGISTRY[model._meta.label]
        stale_fields += [f"{model._meta.label}.{name}" for name in declaration.fields if name not in names]
        if isinstance(declaration, registry.PersonalData):
            stale_fields += [f"{model._meta.label}.{n}" for n in (*declaration.keep_forever, *declaration.contestable) if n not in names]
    assert stale_fields == []


def test_third_party_tables_are_covered():
    """T3.1: simple-history, axes, sessions, auth, the admin log and contenttypes are declared, not skipped."""
    for label in ["roster.HistoricalStudent", "axes.AccessAttempt", "sessions.Session", "auth.Group",
                  "admin.LogEntry", "contenttypes.ContentType", "accounts.User_groups"]:
        assert label in registry.REGISTRY


def test_a_table_pointing_at_a_person_declares_personal_data():
    """A model with a foreign key to a student or an account cannot claim to hold no personal data."""
    offenders = []
    for model in registry.all_models():
        declaration = registry.REGISTRY[model._meta.label]
        points_at_people = any(f.is_relation and f.related_model in (Student, User) for f in model._meta.concrete_fields)
        if points_at_people and isinstance(declaration, registry.NoPersonalData):
            offenders.append(model._meta.label)
    assert offenders == []


def test_every_table_with_a_student_foreign_key_is_linked_to_the_student():
    """Export and purge reach a model through its student link: a student FK without a link would be missed."""
    missing = []
    for model in registry.all_models():
        declaration = registry.REGISTRY[model._meta.label]
        has_student_fk = any(f.is_relation and f.related_model is Student for f in model._meta.concrete_fields)
        if has_student_fk and getattr(declaration, "student_link", None) is None:
            missing.append(model._meta.label)
    assert missing == []


def test_history_tables_follow_their_model(student):
    """Every Historical* table is declared with its model's fields and a working student link."""
    for model in registry.all_models():
        base = getattr(model, "instance_type", None)
        if base is None:
            continue
        declaration, base_declaration = registry.REGISTRY[model._meta.label], registry.REGISTRY[base._meta.label]
        assert type(declaration) is type(base_declaration), model._meta.label
        if isinstance(base_declaration, registry.PersonalData):
            assert set(base_declaration.fields) <= set(declaration.fields), model._meta.label


def test_every_student_link_runs(student):
    """Each link is a valid query (a typo in a lookup would only show at purge time otherwise)."""
    for model, declaration in registry.student_models():
        list(registry.rows_for(model, declaration, student)[:1])


def test_every_declaration_names_a_known_category_and_retention():
    categories = set(registry.Category.LABELS)
    for label, declaration in registry.REGISTRY.items():
        assert set(declaration.fields.values()) <= categories, label
        if isinstance(declaration, registry.PersonalData):
            assert declaration.retention in registry.Retention.DESCRIPTIONS, label
            assert declaration.fields, label
        else:
            assert declaration.reason.strip(), label


def test_secrets_are_declared():
    assert registry.REGISTRY["accounts.User"].secret_fields == {"password"}
    assert registry.REGISTRY["accounts.Invitation"].secret_fields == {"nonce"}
    assert apps.get_model("accounts.User")._meta.get_field("password")
