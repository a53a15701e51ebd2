from django.core.management.base import BaseCommand

from privacy import purge


class Command(BaseCommand):
    help = "Purge the records of students whose district's retention period after departure has passed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, **options):
        certificates = purge.purge_due(dry_run=options["dry_run"])
        for certificate in certificates:
            self.stdout.write("\n".join(certificate.lines()))
        self.stdout.write(f"{len(certificates)} student record(s) {'would be' if options['dry_run'] else 'were'} purged.")
