"""Page benchmark (issue #10, quality.md P1-P3): median and p95 server time, queries and SQL time per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waypoint_bench python -m bench.pages [--requests 50] [--warmup 5]
        [--only MTSS --only "support plan"]

Each page is requested in-process through django.test.Client (the whole middleware stack, the access door
and its audit row included) by the person it belongs to. The floor is a signed-in page rendering the base
template with no query of its own, measured in the same run; page/floor is the figure to drive down (P3).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import _django

RESULTS = Path(__file__).resolve().parent / "results"
QUERY_LIMIT = 12
P95_LIMIT_MS, GRID_P95_LIMIT_MS = 100, 150
RATIO_LIMIT, GRID_RATIO_LIMIT = 5, 15


class SQLTimer:
    """connection.execute_wrapper: counts queries and the time spent in them."""

    def __init__(self):
        self.queries, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


@dataclass
class Result:
    page: str
    role: str
    url: str
    status: int
    requests: int
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float
    bytes: int
    ratio: float = 0.0
    is_grid: bool = False

    @property
    def misses(self) -> list[str]:
        p95, ratio = (GRID_P95_LIMIT_MS, GRID_RATIO_LIMIT) if self.is_grid else (P95_LIMIT_MS, RATIO_LIMIT)
        found = []
        if self.status != 200:
            found.append(f"status {self.status}")
        if self.queries > QUERY_LIMIT:
            found.append(f"P1 {self.queries}>{QUERY_LIMIT}")
        if self.p95_ms > p95:
            found.append(f"P2 {self.p95_ms:.0f}>{p95}ms")
        if self.page != "floor" and self.ratio > ratio:
            found.append(f"P3 {self.ratio:.1f}>{ratio}")
        return found


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(client, name: str, role: str, url: str, *, requests: int, warmup: int, is_grid: bool = False) -> Result:
    from django.db import connection

    for _ in range(warmup):
        client.get(url)
    times, sql = [], []
    queries, status, size = 0, 0, 0
    for _ in range(requests):
        timer = SQLTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        sql.append(timer.seconds)
        queries, status, size = timer.queries, response.status_code, len(response.content)
    return Result(page=name, role=role, url=url, status=status, requests=requests, median_ms=round(statistics.median(times) * 1000, 1),
                  p95_ms=round(p95(times) * 1000, 1), queries=queries, sql_ms=round(statistics.median(sql) * 1000, 1), bytes=size,
                  is_grid=is_grid)


def run(*, requests: int, warmup: int, only: list[str] | None = None) -> dict:
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from . import subjects
    from .machine import describe

    c = subjects.cast()
    chosen = [page for page in subjects.pages(c) if not only or any(word.lower() in page.name.lower() for word in only)]
    clients = {}
    for role in dict.fromkeys(["teacher", *(page.role for page in chosen)]):
        clients[role] = Client()
        clients[role].force_login(c.user(role))
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        floor = measure(clients["teacher"], "floor", "teacher", reverse("bench-floor"), requests=requests, warmup=warmup)
        results = [floor]
        for page in chosen:
            result = measure(clients[page.role], page.name, page.role, page.url, requests=requests, warmup=warmup, is_grid=page.is_grid)
            result.ratio = round(result.median_ms / floor.median_ms, 1)
            results.append(result)
    return {"kind": "pages", "taken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": describe(), "requests": requests,
            "warmup": warmup, "python": platform.python_version(), "results": [{**asdict(r), "misses": r.misses} for r in results]}


def table(report: dict) -> str:
    head = f"{'page':<32} {'role':<12} {'st':>3} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'sql ms':>7} {'KB':>5} {'ratio':>5}  misses"
    lines = [head, "-" * len(head)]
    for r in report["results"]:
        lines.append(f"{r['page']:<32} {r['role']:<12} {r['status']:>3} {r['median_ms']:>9.1f} {r['p95_ms']:>7.1f} {r['queries']:>7} "
                     f"{r['sql_ms']:>7.1f} {r['bytes'] / 1024:>5.0f} {r['ratio']:>5.1f}  {', '.join(r['misses']) or 'ok'}")
    return "\n".join(lines)


def save(report: dict, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--allow-sqlite", action="store_true")
    parser.add_argument("--only", action="append", metavar="WORDS",
                        help="Measure only the pages whose name contains WORDS (repeatable; the floor is always measured)")
    args = parser.parse_args()
    _django.setup()
    _django.require_postgres()
    report = run(requests=max(1, args.requests), warmup=max(0, args.warmup), only=args.only)
    print(table(report))
    print(f"written to {save(report, 'pages')}")


if __name__ == "__main__":
    main()
