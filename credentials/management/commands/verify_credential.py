"""Verify a credential file offline: signature (published keys), OB 3.0 schema, dates and revocation status."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentials import verify


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential file (.jwt VC-JWT or .json with a Data Integrity proof), offline."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the credential file")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = verify.verify(path.read_bytes())
        if options["json"]:
            self.stdout.write(json.dumps({"state": result.state, "checks": result.checks, "problems": result.problems}, indent=2))
        else:
            self.stdout.write(f"{path.name}: {result.state.upper()} ({result.label})")
            for check in result.checks:
                self.stdout.write(f"  ok: {check}")
            for problem in result.problems:
                self.stdout.write(f"  problem: {problem}")
            if result.credential:
                self.stdout.write(f"  credential: {result.credential.get('id')} \"{result.credential.get('name')}\"")
        if not result.is_valid:
            raise CommandError(f"The credential is not valid: {result.state}")
