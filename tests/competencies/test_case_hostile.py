"""Hostile CASE packages (quality.md T4): an outside probe of the framework import found two defects.

- A deeply nested file raised RecursionError inside the import, which nothing caught, so the job
  stayed on "Checking the file" for ever.
- Values of the wrong JSON type were turned into text and stored (`identifier: [1]` became the
  framework "[1]"), and values the model cannot hold (too long, NUL, control or text-direction
  characters) were cut short or crashed the database write.

Every case runs as the admin page runs it: an ImportJob handed to the Celery task. A refused file
ends the job failed, with a message that names the item and the field, and writes nothing.
"""

import copy
import json
from pathlib import Path

import pytest

from competencies.importers import case
from competencies.models import Competency, Framework, ImportJob, Prerequisite
from competencies.tasks import task_run_case_import

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "case"
GRADE6 = json.loads((SAMPLES / "opensalt-sample-ccss-grade6-ratios-precedes.json").read_bytes())
FIRST_ID = GRADE6["CFItems"][0]["identifier"]  # CCSS.Math.Content.6.RP.A
THIRD_ID = GRADE6["CFItems"][2]["identifier"]  # CCSS.Math.Content.6.RP.A.1


def _package() -> dict:
    return copy.deepcopy(GRADE6)


def _first(package: dict, kind: str) -> dict:
    return next(a for a in package["CFAssociations"] if a["associationType"] == kind)


def _run(payload: str) -> ImportJob:
    job = ImportJob.objects.create(source_name="probe.json", payload=payload)
    task_run_case_import(job_id=job.pk)
    job.refresh_from_db()
    return job


def _assert_refused(job: ImportJob, message: str) -> None:
    assert job.status == ImportJob.Status.FAILED, (job.status, job.message)
    assert message in job.message
    assert job.finished_at is not None
    assert (Framework.objects.count(), Competency.objects.count(), Prerequisite.objects.count()) == (0, 0, 0)


# --- 7. nesting depth and unexpected errors --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "payload",
    [
        "[" * 100_000,
        '{"a": ' * 100_000,
        '{"CFDocument": ' + "[" * 100_000 + "]" * 100_000 + "}",  # well-formed JSON, only too deep
    ],
    ids=["open-lists", "open-objects", "balanced"],
)
def test_deeply_nested_file_ends_the_job_refused_instead_of_checking_for_ever(payload):
    """quality.md T4: 100,000 nested brackets raised RecursionError and left the job "Checking the file"."""
    job = _run(payload)
    _assert_refused(job, "The file has brackets nested more than 64 levels deep")


def test_depth_limit_is_64_levels_and_brackets_inside_text_do_not_count():
    """quality.md T4: the depth is counted without recursion, outside strings only (escaped quotes included)."""
    package = _package()
    package["CFDocument"]["extensions"] = json.loads("[" * 70 + "]" * 70)  # 71 levels with the top object
    with pytest.raises(case.CaseImportError, match="nested more than 64 levels"):
        case.parse_package(json.dumps(package))

    package = _package()
    package["CFDocument"]["extensions"] = json.loads("[" * 60 + "]" * 60)  # 61 levels: fine
    package["CFDocument"]["notes"] = '\\"' + "[{" * 5000  # brackets in text, after an escaped quote
    package["CFItems"][0]["fullStatement"] = "[" * 10_000
    parsed = case.parse_package(json.dumps(package))
    assert parsed.items[0].fields["statement"] == "[" * 10_000


def test_admin_upload_of_a_deeply_nested_file_shows_refused(client, django_capture_on_commit_callbacks):
    """quality.md T4: via the admin page on_commit(robust=True) swallowed the crash: the job must still end."""
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories.accounts import UserFactory

    admin = UserFactory(role="district_admin", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="competencies"))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:competencies_framework_import"),
                               {"file": SimpleUploadedFile("deep.json", b"[" * 100_000)})
    job = ImportJob.objects.get()
    _assert_refused(job, "nested more than 64 levels")
    page = client.get(response["Location"]).content.decode()
    assert "The file was refused and nothing was saved" in page and "nested more than 64 levels" in page


def test_a_null_byte_in_the_upload_is_refused_by_the_form_and_no_job_is_made(client):
    """quality.md T4: a raw NUL is never JSON, and PostgreSQL cannot keep it in the job's payload (a 500 before)."""
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories.accounts import UserFactory

    admin = UserFactory(role="district_admin", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="competencies"))
    client.force_login(admin)
    response = client.post(reverse("admin:competencies_framework_import"),
                           {"file": SimpleUploadedFile("nul.json", b'{"CFDocument": {"title": "a\x00b"}}')})
    assert response.status_code == 200
    assert "The file holds a null character" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("stage", ["checking", "writing"])
def test_any_unexpected_error_ends_the_job_failed_with_a_reference_and_keeps_nothing(stage, monkeypatch, caplog):
    """quality.md T4: an error the importer did not foresee ends the job failed, rolled back, and logged with its id."""
    real_write = case.write_package

    def broken_parse(raw):
        raise KeyError("internal detail")

    def broken_write(package):
        real_write(package)  # the rows are written, then something fails before the job is marked done
        raise RuntimeError("internal detail")

    if stage == "checking":
        monkeypatch.setattr(case, "parse_package", broken_parse)
    else:
        monkeypatch.setattr(case, "write_package", broken_write)
    job = _run(json.dumps(GRADE6))
    _assert_refused(job, f"An unexpected problem stopped the import. Please try again; if it happens again, "
                         f"give Waypoint support this reference: import job {job.pk}.")
    assert "internal detail" not in job.message
    assert f"CASE import job {job.pk} failed unexpectedly" in caplog.text


# --- 8. types and stored values ---------------------------------------------------------------------------------------

def test_wrong_types_from_the_probe_are_refused_not_stored_as_their_python_text():
    """quality.md T4: `identifier: [1]` and `title: {"a": 1}` were imported as "[1]" and "{'a': 1}"."""
    package = _package()
    package["CFDocument"]["identifier"] = [1]
    package["CFDocument"]["title"] = {"a": 1}
    job = _run(json.dumps(package))
    _assert_refused(job, "The CFDocument: identifier must be text, but the file has a list here.")

    package = _package()
    package["CFDocument"]["title"] = {"a": 1}
    job = _run(json.dumps(package))
    _assert_refused(job, "The CFDocument: title must be text, but the file has an object here.")


def _set(path: tuple, value):
    def mutate(package):
        target = package
        for step in path[:-1]:
            target = _first(package, step) if step in {"isChildOf", "precedes"} else target[step]
        target[path[-1]] = value
    return mutate


WRONG_TYPES = [
    (_set(("CFDocument", "subject"), [1, 2]),
     "The CFDocument: subject must be text or a list of texts, but the file has a list here."),
    (_set(("CFDocument", "uri"), ["https://example.test"]),
     "The CFDocument: uri must be text, but the file has a list here."),
    (_set(("CFDocument", "officialSourceURL"), {"href": "x"}),
     "The CFDocument: officialSourceURL must be text, but the file has an object here."),
    (_set(("CFDocument", "version"), 2), "The CFDocument: version must be text, but the file has a number here."),
    (_set(("CFDocument", "creator"), True),
     "The CFDocument: creator must be text, but the file has true or false here."),
    (_set(("CFDocument", "lastChangeDateTime"), 20170525),
     "The CFDocument: lastChangeDateTime must be text, but the file has a number here."),
    (_set(("CFItems", 0, "identifier"), [1]), "Item number 1: identifier must be text, but the file has a list here."),
    (_set(("CFItems", 3, "identifier"), 42), "Item number 4: identifier must be text, but the file has a number here."),
    (_set(("CFItems", 2), "just text"), "Item number 3 is not an object with fields, but text."),
    (_set(("CFItems", 0, "fullStatement"), {"text": "x"}),
     f"Item {FIRST_ID}: fullStatement must be text, but the file has an object here."),
    (_set(("CFItems", 0, "humanCodingScheme"), ["6.RP.A"]),
     f"Item {FIRST_ID}: humanCodingScheme must be text, but the file has a list here."),
    (_set(("CFItems", 0, "abbreviatedStatement"), 5),
     f"Item {FIRST_ID}: abbreviatedStatement must be text, but the file has a number here."),
    (_set(("CFItems", 0, "CFItemType"), {"x": 1}),
     f"Item {FIRST_ID}: CFItemType must be text, but the file has an object here."),
    (_set(("CFItems", 0, "uri"), ["x"]), f"Item {FIRST_ID}: uri must be text, but the file has a list here."),
    (_set(("CFItems", 0, "educationalLevel"), [6]),
     f"Item {FIRST_ID}: educationalLevel must be text or a list of texts, but the file has a list here."),
    (_set(("CFItems", 0, "lastChangeDateTime"), {"y": 2017}),
     f"Item {FIRST_ID}: lastChangeDateTime must be text, but the file has an object here."),
    (_set(("CFItems", 0, "listEnumeration"), [1]),
     f"Item {FIRST_ID}: listEnumeration must be text, but the file has a list here."),
    (_set(("CFItems",), {}), "CFItems must be a list."),
    (_set(("CFAssociations",), ""), "CFAssociations must be a list."),
    (_set(("CFAssociations", 0, "associationType"), ["isChildOf"]),
     "Association number 1: associationType must be text, but the file has a list here."),
    (_set(("isChildOf", "originNodeURI"), "https://example.test/x"),
     "originNodeURI must be an object, but the file has text here."),
    (_set(("isChildOf", "originNodeURI", "identifier"), [THIRD_ID]),
     "identifier must be text, but the file has a list here."),
    (_set(("precedes", "destinationNodeURI", "identifier"), {"id": THIRD_ID}),
     "identifier must be text, but the file has an object here."),
]


@pytest.mark.parametrize(("mutate", "message"), WRONG_TYPES, ids=[m for _, m in WRONG_TYPES])
def test_each_stored_field_of_the_wrong_type_is_refused_naming_the_item_and_field(mutate, message):
    """quality.md T4: text must be text, lists lists, objects objects; the message says where, in plain words."""
    package = _package()
    mutate(package)
    _assert_refused(_run(json.dumps(package)), message)


CONTROL = "contains an invisible control character"
BIDI = "contains a hidden character that changes the direction of the text"
BROKEN = "contains a broken character"
TOO_LONG_OR_HIDDEN = [
    (_set(("CFDocument", "title"), "T" * 301), "The CFDocument: title is too long (301 characters; at most 300)."),
    (_set(("CFDocument", "identifier"), "a" * 256),
     "The CFDocument: identifier is too long (256 characters; at most 255)."),
    (_set(("CFItems", 0, "identifier"), "b" * 256),
     "Item number 1: identifier is too long (256 characters; at most 255)."),
    (_set(("CFItems", 0, "humanCodingScheme"), "6.RP." + "1" * 100),
     f"Item {FIRST_ID}: humanCodingScheme is too long (105 characters; at most 100)."),
    (_set(("CFItems", 0, "educationalLevel"), ["KG", *[f"{n:02}" for n in range(1, 13)], "PK", "UG", "AE"]),
     f"Item {FIRST_ID}: educationalLevel is too long (62 characters; at most 60)."),
    (_set(("CFDocument", "title"), "Grade 6\x00"), f"The CFDocument: title {CONTROL} (U+0000)"),
    (_set(("CFDocument", "creator"), "Brandon\x1b[31m"), f"The CFDocument: creator {CONTROL} (U+001B)"),
    (_set(("CFItems", 0, "identifier"), "abc\x07"), f"Item number 1: identifier {CONTROL} (U+0007)"),
    (_set(("CFItems", 0, "fullStatement"), "Ratios\x00 and rates"),
     f"Item {FIRST_ID}: fullStatement {CONTROL} (U+0000)"),
    (_set(("CFItems", 0, "abbreviatedStatement"), "Ratios\nand rates"),
     f"Item {FIRST_ID}: abbreviatedStatement {CONTROL} (U+000A)"),
    (_set(("CFDocument", "title"), "Grade 6 \u202egpj.exe"), f"The CFDocument: title {BIDI} (U+202E)"),
    (_set(("CFItems", 0, "humanCodingScheme"), "\u202a6.RP.A"), f"Item {FIRST_ID}: humanCodingScheme {BIDI} (U+202A)"),
    (_set(("CFItems", 0, "CFItemType"), "Cluster\u2066"), f"Item {FIRST_ID}: CFItemType {BIDI} (U+2066)"),
    (_set(("CFItems", 0, "identifier"), "id\u2069"), f"Item number 1: identifier {BIDI} (U+2069)"),
    (_set(("CFItems", 0, "fullStatement"), "Ratios \ud800"),
     f"Item {FIRST_ID}: fullStatement {BROKEN} (U+D800) that is not valid text."),
    (_set(("CFDocument", "creator"), "\udfff"), f"The CFDocument: creator {BROKEN} (U+DFFF) that is not valid text."),
]


@pytest.mark.parametrize(("mutate", "message"), TOO_LONG_OR_HIDDEN, ids=[m[:90] for _, m in TOO_LONG_OR_HIDDEN])
def test_values_the_model_cannot_hold_as_they_are_are_refused_in_the_check_step(mutate, message):
    """quality.md T4: too long (was cut short), NUL and control characters (PostgreSQL crash), direction overrides."""
    package = _package()
    mutate(package)
    _assert_refused(_run(json.dumps(package)), message)


def test_a_statement_may_hold_line_breaks_and_direction_marks_but_a_one_line_field_may_not():
    """quality.md T4: the rules follow the field: fullStatement is multi-line Markdown, abbreviatedStatement is not."""
    package = _package()
    package["CFItems"][0]["abbreviatedStatement"] = "Ratios\tand rates"
    _assert_refused(_run(json.dumps(package)), "abbreviatedStatement contains an invisible control character (U+0009)")

    package = _package()
    statement = "Understand ratios.\n\n* one\r\n* two\twith a tab and \u202bمعدل\u202c"
    package["CFItems"][0]["fullStatement"] = statement
    package["CFItems"][0]["abbreviatedStatement"] = "A" * 300
    job = _run(json.dumps(package))
    assert job.status == ImportJob.Status.DONE, job.message
    item = Competency.objects.get(identifier=FIRST_ID)
    assert (item.statement, item.short_statement) == (statement, "A" * 300)


def test_file_values_echoed_in_warnings_are_short_and_free_of_control_characters():
    """quality.md T4: a warning quoted an unknown association end whole (NUL, 10,000 characters) into the summary."""
    package = _package()
    _first(package, "isChildOf")["originNodeURI"]["identifier"] = "\x00evil\u202e" + "x" * 10_000
    _first(package, "precedes")["destinationNodeURI"]["identifier"] = "\ud800" + "y" * 10_000
    job = _run(json.dumps(package))
    assert job.status == ImportJob.Status.DONE, job.message
    echoed = [w for w in job.summary["warnings"] if "evil" in w or "yyy" in w]
    assert len(echoed) == 2
    for warning in echoed:
        assert len(warning) < 300
        assert not any(char in warning for char in "\x00\u202e\ud800")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("listEnumeration", "\u00b2"),  # a superscript two: isdigit() is true, int() refuses it
        ("listEnumeration", "9" * 5000),  # more digits than int() converts
        ("lastChangeDateTime", "9999-12-31T23:59:59-14:00"),  # past year 9999 once in UTC
    ],
)
def test_odd_ordering_keys_and_dates_import_instead_of_crashing(field, value):
    """quality.md T4: these crashed the import with ValueError or OverflowError, leaving the job running."""
    package = _package()
    package["CFItems"][0][field] = value
    job = _run(json.dumps(package))
    assert job.status == ImportJob.Status.DONE, job.message
    assert Competency.objects.filter(framework=job.framework).count() == len(GRADE6["CFItems"])
    if field == "lastChangeDateTime":
        assert Competency.objects.get(identifier=FIRST_ID).last_changed_at is None
        assert any("unreadable date" in w for w in job.summary["warnings"])
