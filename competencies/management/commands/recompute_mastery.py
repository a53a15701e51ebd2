from django.core.management.base import BaseCommand

from competencies import services


class Command(BaseCommand):
    help = "Recompute stored mastery for every student and competency with evidence (set-based, in chunks)."

    def add_arguments(self, parser):
        parser.add_argument("--framework", type=int, default=None, help="Only this framework's competencies (id)")

    def handle(self, *args, framework: int | None = None, **options):
        done = services.recompute_all(framework_id=framework)
        self.stdout.write(self.style.SUCCESS(f"Recomputed {done} student-competency pairs"))
