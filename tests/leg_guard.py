"""On the PostgreSQL + Redis leg, a skipped `pg` or `real_worker` test fails the run.

Those tests skip on the embedded SQLite leg, where they do not apply. On the leg that exists to run
them (DATABASE_URL names PostgreSQL), a skip means they proved nothing: a settings slip, an
unreachable broker, a skipif that fires exactly when the test would fail. Loaded for every run by
`-p tests.leg_guard` in pyproject.toml.
"""

import os

import pytest

GUARDED_MARKERS = {"pg", "real_worker"}
_skipped: list[str] = []


def on_postgres_leg() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and on_postgres_leg() and GUARDED_MARKERS & set(report.keywords):
        _skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter) -> None:
    if _skipped:
        terminalreporter.section("skipped on the leg that must run them", red=True)
        for nodeid in _skipped:
            terminalreporter.line(f"{nodeid}: marked pg/real_worker, skipped with DATABASE_URL on PostgreSQL")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
