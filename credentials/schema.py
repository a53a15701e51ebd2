"""The OB 3.0.3 AchievementCredential JSON Schema (1EdTech), from the copy in credentials/spec: no network."""

import json
from functools import cache
from pathlib import Path

import jsonschema

SCHEMA = Path(__file__).parent / "spec" / "achievementcredential.json"


@cache
def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def errors(document: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path)) or '(credential)'}: {error.message}"
            for error in sorted(_validator().iter_errors(document), key=lambda error: list(map(str, error.path)))]


def validate(document: dict) -> None:
    """Raises jsonschema.ValidationError on the first problem."""
    _validator().validate(document)
