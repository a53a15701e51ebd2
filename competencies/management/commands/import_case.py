import json

from django.core.management.base import BaseCommand, CommandError

from competencies import services
from competencies.importers.case import CaseImportError, load_source


class Command(BaseCommand):
    help = "Import a 1EdTech CASE package (JSON file or URL). A refused file writes nothing; a re-import updates in place."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) URL of a CFPackage")

    def handle(self, *args, source: str, **options):
        try:
            framework, summary = services.import_case(raw=load_source(source))
        except (OSError, CaseImportError) as error:
            raise CommandError(f"Refused: {error}") from None
        for warning in summary["warnings"][:20]:
            self.stderr.write(f"warning: {warning}")
        counts = {k: summary[k] for k in ("items", "created", "updated", "unchanged", "retired", "prerequisites_added")}
        self.stdout.write(self.style.SUCCESS(f"{framework.title}: {json.dumps(counts)}; {len(summary['warnings'])} warnings"))
