"""Set Django up for the benchmark scripts run as `python -m bench.<name>`."""

import os
import sys


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def require_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql" and "--allow-sqlite" not in sys.argv:
        sys.exit("The benchmarks measure PostgreSQL: set DATABASE_URL (see bench/README.md), or pass --allow-sqlite to try them.")
