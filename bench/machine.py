"""What the figures were taken on: they mean little without it."""

import os
import platform


def describe() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        database = cursor.fetchone()[0]
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory_gb, 1), "os": platform.platform(),
            "python": platform.python_version(), "database": database.split(" on ")[0],
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
