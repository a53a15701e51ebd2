"""Run a OneRoster import: check the package, then write it in one transaction, or refuse it whole."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from accounts.language import language_of
from accounts.models import User

from ..models import District, ImportRun
from .loader import Loader
from .oneroster import Problem, check_package, read_package

logger = logging.getLogger(__name__)
MAX_STORED_PROBLEMS = 1000
PROGRESS_TTL = 60 * 60

# The import page's words for the keys a run stores (the rows of its counts, the phase it is in), so a run started
# by a reader of one language reads right in another's. A key missing here is shown as it is.
RECORD_NAMES = {
    "districts": pgettext_lazy("roster import records", "Districts"),
    "schools": pgettext_lazy("roster import records", "Schools"),
    "terms": pgettext_lazy("roster import records", "Terms"),
    "sections": pgettext_lazy("roster import records", "Sections"),
    "students": pgettext_lazy("roster import records", "Students"),
    "people": pgettext_lazy("roster import records", "People"),
    "staff assignments": pgettext_lazy("roster import records", "Staff assignments"),
    "guardian links": pgettext_lazy("roster import records", "Guardian links"),
    "student enrollments": pgettext_lazy("roster import records", "Student enrollments"),
    "teacher enrollments": pgettext_lazy("roster import records", "Teacher enrollments"),
}
PHASE_NAMES = {
    "organisations": pgettext_lazy("roster import phase", "organisations"),
    "sessions": pgettext_lazy("roster import phase", "sessions"),
    "classes": pgettext_lazy("roster import phase", "classes"),
    "users": pgettext_lazy("roster import phase", "users"),
    "guardians": pgettext_lazy("roster import phase", "guardians"),
    "enrollments": pgettext_lazy("roster import phase", "enrollments"),
}


def counts_for_page(run: ImportRun) -> list[tuple[str, dict[str, int]]]:
    """The run's counts as the import page lists them: (the reader's name for the records, their counts)."""
    return [(RECORD_NAMES.get(entity) or entity.capitalize(), counts) for entity, counts in (run.counts or {}).items()]


def phase_for_page(progress: dict | None) -> str:
    """The phase a running import is in, in the reader's words; "" before it has started."""
    if not progress:
        return ""
    return str(PHASE_NAMES.get(progress.get("phase"), progress.get("phase", "")))


@dataclass
class ImportResult:
    status: str
    version: str = ""
    rows_total: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    district: District | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def import_oneroster(
    *, source: str | Path | bytes, district: District | None, dry_run: bool = False,
    progress: Callable[[str, int], None] = lambda phase, done: None,
) -> ImportResult:
    """Import a OneRoster package into `district` (or the district the file names when None).

    - reads and checks every file first: any bad row refuses the whole package, nothing is written;
    - writes in one transaction; an error found while resolving against the database rolls it all back;
    - a dry run does the same work and rolls back, so its counts say what would change.
    """
    progress("checking", 0)
    package = read_package(source)
    roster = check_package(package)
    result = ImportResult(status=ImportRun.Status.REFUSED, version=roster.version, rows_total=package.row_count())
    if roster.errors or roster.version == "":
        result.problems = roster.problems
        return result
    with transaction.atomic():
        loader = Loader(roster=roster, district=district, progress=progress)
        loader.run()
        result.problems = roster.problems + loader.problems
        result.counts = {entity: dict(counter) for entity, counter in sorted(loader.counts.items())}
        result.district = loader.district
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if not result.errors:
        result.status = ImportRun.Status.SUCCEEDED
    return result


# --- Import runs (the upload page and its background task) ----------------------


def start_import(*, district: District, started_by: User, file_name: str, data: bytes, dry_run: bool) -> ImportRun:
    """Save the uploaded package and queue the import after commit (the row exists before any worker looks)."""
    from ..tasks import task_import_oneroster

    with transaction.atomic():
        run = ImportRun.objects.create(
            district=district, started_by=started_by, file_name=file_name[:255], package=data, dry_run=dry_run
        )
        transaction.on_commit(lambda: task_import_oneroster.delay(run_id=run.pk), robust=True)
    return run


def repeat_dry_run(*, run: ImportRun, started_by: User) -> ImportRun:
    """Import for real the package a dry run checked."""
    return start_import(
        district=run.district, started_by=started_by, file_name=run.file_name, data=bytes(run.package), dry_run=False
    )


def run_import(*, run_id: int) -> None:
    """Claim a queued run (a retried task never imports twice), import, store the report."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        logger.info("Import run %s is not waiting; nothing to do", run_id)
        return
    run = ImportRun.objects.select_related("district", "started_by").get(pk=run_id)
    # The report is stored as text: write it in the language of the person who started the import, not the worker's.
    with translation.override(language_of(run.started_by)):
        try:
            result = import_oneroster(
                source=bytes(run.package), district=run.district, dry_run=run.dry_run, progress=_progress_writer(run_id)
            )
        except Exception:
            logger.exception("Import run %s failed", run_id)
            ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED, finished_at=timezone.now())
            raise
        _store_result(run, result)



def _store_result(run: ImportRun, result: ImportResult) -> None:
    problems = sorted(result.problems, key=lambda p: (not p.is_error, p.file, p.line))
    run.status = result.status
    run.version = result.version
    run.rows_total = result.rows_total
    run.counts = {entity: _for_report(counts) for entity, counts in result.counts.items()}
    run.problems = [p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]]
    run.problem_count = len(problems)
    run.error_count = len(result.errors)
    run.finished_at = timezone.now()
    if not run.dry_run:
        run.package = b""  # the file holds student data; keep it no longer than needed
    run.save()


def _for_report(counts: dict[str, int]) -> dict[str, int]:
    gone = counts.get("deactivated", 0) + counts.get("removed", 0) + counts.get("emptied", 0)
    return {"created": counts.get("created", 0), "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0), "gone": gone}


def progress_key(run_id: int) -> str:
    return f"oneroster-import:{run_id}:progress"


def _progress_writer(run_id: int) -> Callable[[str, int], None]:
    # The import's own writes are invisible until it commits, so progress goes through the cache.
    # A cache outage must not stop an import (quality.md, pitfall 4): the cache fails open (config/cache.py).
    def write(phase: str, done: int) -> None:
        cache.set(progress_key(run_id), {"phase": phase, "done": done}, PROGRESS_TTL)

    return write


def read_progress(run_id: int) -> dict | None:
    return cache.get(progress_key(run_id))  # None when Redis is down: the cache fails open
