import json
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roster.importers.service import import_oneroster
from roster.models import District


class Command(BaseCommand):
    help = "Import a OneRoster 1.1/1.2 CSV package (a folder or a zip). All or nothing; --dry-run reports what would change."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A folder holding manifest.csv and the CSV files, or a zip of them")
        parser.add_argument("--district", help="sourcedId or id of the district to import into (default: the file's district org)")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then roll everything back")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args, **options):
        if not Path(options["path"]).exists():
            raise CommandError(f"No such folder or file: {options['path']}")
        district = self._district(options["district"])
        started = time.perf_counter()
        result = import_oneroster(source=options["path"], district=district, dry_run=options["dry_run"])
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if options["json"]:
            report = {"status": result.status, "seconds": round(seconds, 2), "peak_mb": round(peak_mb),
                      "counts": result.counts, "problems": [p.as_dict() for p in result.problems]}
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(result, seconds, peak_mb, options["dry_run"])
        if result.errors:
            raise CommandError(f"Refused: {len(result.errors)} errors, nothing was changed.")

    def _district(self, key: str | None) -> District | None:
        if not key:
            return None
        found = District.objects.filter(sourced_id=key).first() or (District.objects.filter(pk=key).first() if key.isdigit() else None)
        if found is None:
            raise CommandError(f"No district with sourcedId or id {key!r}.")
        return found

    def _print(self, result, seconds: float, peak_mb: float, dry_run: bool) -> None:
        for problem in result.problems:
            kind = "ERROR" if problem.is_error else "warning"
            self.stdout.write(f"{kind}: {problem.file} line {problem.line}: {problem.message}")
        for entity, counts in result.counts.items():
            self.stdout.write(f"{entity}: " + ", ".join(f"{name} {value}" for name, value in sorted(counts.items())))
        label = "Dry run (rolled back)" if dry_run else "Imported"
        if not result.errors:
            self.stdout.write(self.style.SUCCESS(f"{label}: {result.rows_total} rows in {seconds:.1f} s, peak memory {peak_mb:.0f} MB"))
