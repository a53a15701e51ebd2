import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench.seed import AlreadySeeded, seed_district


class Command(BaseCommand):
    help = ("Build a district at scale for benchmarks (quality.md P): --students 10000 gives 20 schools, 400 classes, "
            "~1,000,000 evidence rows, ~1,500 IEPs, 15,000 guardians and 2,000,000 access events. Deterministic for a --seed "
            "and a day. Refuses a database that already holds the bench district.")

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-paths", action="store_true", help="Leave out learning paths")
        parser.add_argument("--json", dest="json_path", help="Also write the timings and row counts to this file")

    def handle(self, *args, students: int, seed: int, no_paths: bool, json_path: str | None, **options):
        if students < 1:
            raise CommandError("--students must be at least 1")
        try:
            report = seed_district(students=students, seed=seed, today=timezone.localdate(), with_paths=False if no_paths else None,
                                   say=self.stdout.write)
        except AlreadySeeded as error:
            raise CommandError(str(error)) from error
        for label, count in sorted(report.rows.items()):
            self.stdout.write(f"  {label:<40} {count:>10,}")
        total = sum(report.rows.values())
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {students:,} students ({total:,} rows, {connection.vendor}) in {report.seconds:.1f} s, seed {seed}"))
        if json_path:
            self._write(json_path, report, total)

    def _write(self, path: str, report, total: int) -> None:
        with open(path, "w") as out:
            json.dump({"students": report.students, "seed": report.seed, "seconds": round(report.seconds, 1), "rows_total": total,
                              "phases": [[name, round(s, 1)] for name, s in report.phases], "rows": report.rows}, out, indent=2)
