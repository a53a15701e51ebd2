"""The backup-restore drill of docs/security.md section 8, automated [pg]: the demo district is dumped with
`pg_dump --format=custom`, restored with `pg_restore --no-owner` into an empty scratch database, and then
- every table holds the same rows as the original (counted table by table);
- the audit trail is still append-only there (the trigger came back with the data, T2.3);
- `manage.py migrate --check` finds nothing to apply, and a teacher opens a student's profile on the restored
  database through the same access door, which writes its access event there.
"""

import os
import subprocess
import sys
import textwrap

import psycopg2
import psycopg2.errors
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.models import User
from roster.models import Student

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL leg only: the drill restores a pg_dump"),
]

OPEN_A_STUDENT_PAGE = textwrap.dedent("""
    from django.test import Client
    from django.urls import reverse
    from accounts.models import User
    from audit.models import AccessEvent
    from roster.models import Student

    maya = Student.objects.get(sourced_id="demo-student-00")
    client = Client()
    client.force_login(User.objects.get(email="casemanager@demo.test"))
    before = AccessEvent.objects.filter(student=maya).count()
    response = client.get(reverse("profiles:detail", kwargs={"student_id": maya.uuid}))
    after = AccessEvent.objects.filter(student=maya).count()
    print(response.status_code, maya.first_name in response.content.decode(), after - before)
""")


def _conninfo(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={name}"


def _run(name: str, *statements: str) -> list:
    """Run statements on database `name` in autocommit; returns the last statement's rows, if any."""
    conn = psycopg2.connect(_conninfo(name))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def _row_counts(name: str, tables: list[str]) -> dict[str, int]:
    return {table: _run(name, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}


@pytest.fixture
def scratch_database():
    source = settings.DATABASES["default"]["NAME"]
    scratch = f"{source}_restore_drill"
    _run("postgres", f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)', f'CREATE DATABASE "{scratch}"')
    yield scratch
    _run("postgres", f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_a_dump_restores_into_an_empty_database_with_every_row_and_opens_a_student_page(scratch_database, tmp_path, client):
    call_command("seed_demo", i_know=True, stdout=open(os.devnull, "w"))
    maya = Student.objects.get(sourced_id="demo-student-00")
    client.force_login(User.objects.get(email="casemanager@demo.test"))
    assert client.get(reverse("profiles:detail", kwargs={"student_id": maya.uuid})).status_code == 200  # one event
    db = settings.DATABASES["default"]
    source = db["NAME"]
    dump = tmp_path / "waypoint.dump"
    server = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]

    subprocess.run(["pg_dump", "--format=custom", *server, "-d", source, "-f", str(dump)], check=True)
    subprocess.run(["pg_restore", "--no-owner", *server, "-d", scratch_database, str(dump)], check=True)

    tables = sorted(connection.introspection.table_names())
    original = _row_counts(source, tables)
    assert original["roster_student"] > 0 and original["audit_accessevent"] > 0
    assert _row_counts(scratch_database, tables) == original

    with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
        _run(scratch_database, "UPDATE audit_accessevent SET route_name = 'tampered'")

    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch_database}"}
    env.pop("REDIS_URL", None)  # the drill needs no broker: tasks run eagerly
    migrations = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], env=env, cwd=settings.BASE_DIR,
                                capture_output=True, text=True)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    page = subprocess.run([sys.executable, "manage.py", "shell", "-c", OPEN_A_STUDENT_PAGE], env=env,
                          cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert page.returncode == 0, page.stderr
    assert page.stdout.split()[-3:] == ["200", "True", "1"]
