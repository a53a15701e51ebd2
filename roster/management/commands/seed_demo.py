from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo district and demo accounts (idempotent). Each app adds its part in <app>/demo.py."

    def add_arguments(self, parser):
        parser.add_argument("--i-know", action="store_true", help="Allow running with DEBUG off (never on real data).")
        parser.add_argument("--hostile", action="store_true",
                            help="Append script and markup payloads to every free-text field (browser tests, T4.2).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["i_know"]:
            raise CommandError("Refusing to load demo accounts with DEBUG off. Add --i-know if this is a demo server.")
        with transaction.atomic():
            district = import_module("roster.demo").seed()
            for config in apps.get_app_configs():
                if config.name in {"roster"} or not _has_demo(config.name):
                    continue
                import_module(f"{config.name}.demo").seed(district)
            if options["hostile"]:
                from roster.hostile import make_hostile

                self.stdout.write(f"Hostile text appended to {make_hostile()} rows.")
        self.stdout.write(self.style.SUCCESS(f"Demo district ready: {district}. Password for every demo account: {settings.WAYPOINT_DEMO_PASSWORD}"))


def _has_demo(app_name: str) -> bool:
    try:
        import_module(f"{app_name}.demo")
    except ModuleNotFoundError as error:
        if error.name == f"{app_name}.demo":
            return False
        raise
    return True
