"""Job benchmark (issue #10, quality.md P5): each job in its own process, so its peak memory is its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waypoint_bench python -m bench.jobs [--reports 30]

- mastery: competencies.services.recompute_all (one set-based statement per framework on PostgreSQL, every method)
  over the first --mastery-students students (0: all); evidence rows/s
- oneroster: the bench district's roster exported as OneRoster 1.1 (fresh sourcedIds) and imported as a dry run
  (every row checked and written, then rolled back), seconds and peak MB
- digest: family_portal.services.send_weekly_digests for every family (the code the Celery task runs), emails/s;
  in a transaction rolled back afterwards, with the local-memory email backend
- reports: iep.services.create_progress_report for --reports students with an IEP, PDFs per minute; rolled back,
  files written to a temporary MEDIA_ROOT
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import _django

JOBS = ["mastery", "oneroster", "digest", "reports"]
LIMITS = {"mastery": ("rows/s", 200_000, ">="), "oneroster": ("seconds", 60, "<="), "digest": ("emails/s", 200, ">="),
          "reports": ("PDFs/min", 60, ">=")}


class Rollback(Exception):
    pass


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def job_mastery(args) -> dict:
    """Every pair of the first --mastery-students students (0: every student), in the chunks recompute_all uses."""
    from competencies import services
    from competencies.models import Evidence

    evidence = Evidence.objects.all()
    if args.mastery_students:
        first = list(Evidence.objects.order_by("student_id").values_list("student_id", flat=True).distinct()[: args.mastery_students])
        evidence = evidence.filter(student_id__in=first)
    rows = evidence.count()
    started = time.perf_counter()
    pairs = services.recompute_all(student_ids=first if args.mastery_students else None)
    seconds = time.perf_counter() - started
    return {"evidence_rows": rows, "pairs": pairs, "students": args.mastery_students or "all", "seconds": round(seconds, 1),
            "rate": round(rows / seconds)}


def job_oneroster(_args) -> dict:
    from roster.importers.service import import_oneroster

    from .roster_export import export

    with tempfile.TemporaryDirectory() as folder:
        counts = export(Path(folder))
        started = time.perf_counter()
        result = import_oneroster(source=folder, district=None, dry_run=True)
        seconds = time.perf_counter() - started
    return {"files": counts, "status": result.status, "errors": len(result.errors), "rows": result.rows_total,
            "seconds": round(seconds, 1), "rate": round(seconds, 1)}


def job_digest(_args) -> dict:
    from django.core import mail
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from family_portal import services

    outcome = {}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        try:
            with transaction.atomic():
                started = time.perf_counter()
                sent = services.send_weekly_digests(week=services.week_start(timezone.localdate()))
                seconds = time.perf_counter() - started
                outcome = {"families": sent, "emails_in_outbox": len(mail.outbox), "seconds": round(seconds, 1),
                           "rate": round(sent / seconds, 1) if seconds else 0}
                raise Rollback
        except Rollback:
            pass
    return outcome


def job_reports(args) -> dict:
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from iep import monitoring, selectors, services

    period = monitoring.previous_quarter(timezone.localdate())  # reports are made for ended periods (issue 16.4)
    ids = list(selectors.students_with_current_plan().values_list("pk", flat=True)[: args.reports])
    outcome = {}
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                made = sum(1 for pk in ids if services.create_progress_report(student_id=pk, period=period))
                seconds = time.perf_counter() - started
                sizes = sum(f.stat().st_size for f in Path(media).rglob("*.pdf"))
                outcome = {"reports": made, "period": period, "seconds": round(seconds, 1), "rate": round(made / seconds * 60, 1),
                           "average_kb": round(sizes / max(made, 1) / 1024)}
                raise Rollback
        except Rollback:
            pass
    return outcome


def run_one(name: str, args) -> None:
    _django.setup()
    _django.require_postgres()
    result = globals()[f"job_{name}"](args)
    result["peak_mb"] = peak_mb()
    print("RESULT " + json.dumps(result))


def run_all(args) -> dict:
    from .machine import describe
    from .pages import save

    _django.setup()
    _django.require_postgres()
    report = {"kind": "jobs", "taken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": describe(), "results": []}
    for name in args.jobs or JOBS:
        command = [sys.executable, "-m", "bench.jobs", "--one", name, "--reports", str(args.reports),
                   "--mastery-students", str(args.mastery_students)]
        if args.allow_sqlite:
            command.append("--allow-sqlite")
        done = subprocess.run(command, capture_output=True, text=True)
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if done.returncode or line is None:
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            report["results"].append({"job": name, "error": f"exit {done.returncode}"})
            continue
        result = {"job": name, **json.loads(line.removeprefix("RESULT "))}
        unit, limit, sense = LIMITS[name]
        result.update(unit=unit, limit=limit, meets=result["rate"] >= limit if sense == ">=" else result["rate"] <= limit)
        report["results"].append(result)
    print(table(report))
    print(f"written to {save(report, 'jobs')}")
    return report


def table(report: dict) -> str:
    lines = [f"{'job':<10} {'figure':>12} {'unit':<9} {'target':>10} {'seconds':>8} {'peak MB':>8}  detail", "-" * 90]
    for r in report["results"]:
        if "error" in r:
            lines.append(f"{r['job']:<10} {r['error']}")
            continue
        sense = ">=" if LIMITS[r["job"]][2] == ">=" else "<="
        detail = {k: v for k, v in r.items() if k not in {"job", "rate", "unit", "limit", "meets", "seconds", "peak_mb"}}
        lines.append(f"{r['job']:<10} {r['rate']:>12,} {r['unit']:<9} {sense + format(r['limit'], ','):>10} {r['seconds']:>8} "
                     f"{r['peak_mb']:>8}  {'ok' if r['meets'] else 'MISSES'} {json.dumps(detail)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", choices=JOBS, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", nargs="*", choices=JOBS)
    parser.add_argument("--reports", type=int, default=30, help="How many progress-report PDFs to render")
    parser.add_argument("--mastery-students", type=int, default=0, help="Recompute the pairs of this many students (0: all, the full recomputation P5 names)")
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args)
    else:
        run_all(args)


if __name__ == "__main__":
    main()
