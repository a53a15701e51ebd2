"""The PostgreSQL leg fails when one of its own tests skipped (issue 19: nothing failed that leg when its
`pg` tests ended up skipped, and two `test_database_is_postgresql` tests skipped exactly when they would fail)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = '''
import pytest

@pytest.mark.pg
@pytest.mark.skipif(True, reason="as if the settings had missed DATABASE_URL")
def test_needs_postgres():
    pass

def test_plain():
    pass
'''


def run_sample(tmp_path: Path, database_url: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")}
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-p", "tests.leg_guard",
               "-o", "markers=pg\nreal_worker", "--rootdir", str(tmp_path), str(tmp_path / "test_sample.py")]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_a_skipped_pg_test_fails_the_postgresql_leg(tmp_path):
    result = run_sample(tmp_path, "postgres://postgres@127.0.0.1:5432/test")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "test_sample.py::test_needs_postgres: marked pg/real_worker, skipped" in result.stdout


def test_the_same_skip_is_fine_on_the_embedded_leg(tmp_path):
    result = run_sample(tmp_path, None)
    assert result.returncode == pytest.ExitCode.OK, result.stdout
