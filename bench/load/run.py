"""Load test (issue #10, quality.md P4): gunicorn on this machine's cores against PostgreSQL and Redis, on loopback
only, driven by threads acting as signed-in teachers, families, students, case managers and the director.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waypoint_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        python -m bench.load.run [--users 50] [--duration 60 | --duration 300] [--workers N]

Runs the production settings (DJANGO_DEBUG=false) behind a pretend TLS proxy (X-Forwarded-Proto: https).
Every user signs in once (a session made in the database, as Client.force_login does), then requests its
role's main pages in turn with no think time for the bounded duration. Reports throughput, p50/p95/p99,
errors (4xx, 5xx, or no answer within 30 s) and the gunicorn workers' memory at start and end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = Path(tempfile.gettempdir()) / "waypoint-bench-gunicorn.log"
MIX = [("teacher", 40), ("guardian", 30), ("student", 15), ("case_manager", 10), ("director", 5)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment() -> dict:
    env = dict(os.environ)
    env.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench-load-test-key-" + "x" * 40),
               DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="config.settings")
    return env


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    # Production settings serve hashed static names (whitenoise's manifest): collect them first, as a deploy does.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", "4", "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning", "--error-logfile", str(LOG)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn did not start: {LOG.read_text()[-2000:]}")
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


def workers_rss_mb(master: int) -> float:
    """Resident memory of gunicorn's workers (the master's children), from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return round(total / 1024, 1)


def sessions(users: int) -> list[tuple[str, list[str], str]]:
    """(role, urls, cookie) for each virtual user, spread over several classes of the bench district."""
    from django.conf import settings
    from django.test import Client

    from bench import subjects

    casts = [subjects.cast(offset=n) for n in range(10)]
    rng = random.Random(7)
    roles = [role for role, weight in MIX for _ in range(weight)]
    made = []
    for n in range(users):
        role = roles[n * len(roles) // users] if users > 1 else "teacher"
        c = casts[rng.randrange(len(casts))]
        client = Client()
        client.force_login(c.user(role))
        urls = [page.url for page in subjects.pages(c) if page.role == role]
        made.append((role, urls, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"))
    return made


class Driver(threading.Thread):
    def __init__(self, port: int, role: str, urls: list[str], cookie: str, until: float, offset: int):
        super().__init__(daemon=True)
        self.port, self.role, self.urls, self.cookie, self.until, self.offset = port, role, urls, cookie, until, offset
        self.times: list[float] = []
        self.errors: Counter = Counter()
        self.by_url: dict[str, list[float]] = {}

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1", "Accept-Encoding": "identity"}
        n = self.offset
        while time.perf_counter() < self.until:
            url = self.urls[n % len(self.urls)]
            n += 1
            started = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            elapsed = time.perf_counter() - started
            self.times.append(elapsed)
            self.by_url.setdefault(url, []).append(elapsed)
            # A redirect is an answer (a parent who has not chosen how to hear from school is sent to the
            # welcome page first); errors are 4xx, 5xx and requests that got no answer.
            if not isinstance(status, int) or status >= 400:
                self.errors[f"{status} {url}"] += 1
        connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000, 1) if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds (P4 asks for 300)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()
    env = environment()
    os.environ.update({k: env[k] for k in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")})
    sys.path.insert(0, str(ROOT))
    from bench import _django
    from bench.machine import describe
    from bench.pages import save

    _django.setup()
    _django.require_postgres()
    if not env.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (a Redis database of the benchmark's own, e.g. redis://127.0.0.1:6379/5).")
    users = sessions(args.users)
    port = free_port()
    server = start_gunicorn(port, args.workers, env)
    try:
        report = drive(port, server.pid, users, args)
    finally:
        stop(server)
    report["machine"] = describe()
    print(table(report))
    print(f"written to {save(report, 'load')}")


def stop(server: subprocess.Popen) -> None:
    """The master we started, and through it its workers: TERM, then KILL if it lingers."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def drive(port: int, master: int, users: list, args) -> dict:
    warm = [Driver(port, role, urls, cookie, time.perf_counter() + 5, n) for n, (role, urls, cookie) in enumerate(users[:10])]
    for d in warm:
        d.start()
    for d in warm:
        d.join()
    memory_start = workers_rss_mb(master)
    started = time.perf_counter()
    drivers = [Driver(port, role, urls, cookie, started + args.duration, n) for n, (role, urls, cookie) in enumerate(users)]
    for d in drivers:
        d.start()
    samples = []
    while any(d.is_alive() for d in drivers):
        time.sleep(5)
        samples.append(workers_rss_mb(master))
    elapsed = time.perf_counter() - started
    times = [t for d in drivers for t in d.times]
    errors = sum((d.errors for d in drivers), Counter())
    by_url: dict[str, list[float]] = {}
    for d in drivers:
        for url, found in d.by_url.items():
            by_url.setdefault(url, []).extend(found)
    return {
        "kind": "load", "taken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "users": len(drivers), "duration_s": round(elapsed, 1),
        "workers": args.workers, "threads_per_worker": 4, "mix": dict(Counter(role for role, _u, _c in users)),
        "requests": len(times), "throughput_rps": round(len(times) / elapsed, 1), "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95), "p99_ms": percentile(times, 0.99), "errors": sum(errors.values()),
        "error_detail": dict(errors.most_common(10)), "workers_rss_mb": {"start": memory_start, "samples": samples},
        "slowest_urls": sorted(((url, percentile(v, 0.95), len(v)) for url, v in by_url.items()), key=lambda r: -r[1])[:8],
        "mean_ms": round(statistics.mean(times) * 1000, 1) if times else 0.0,
    }


def table(r: dict) -> str:
    memory = r["workers_rss_mb"]
    lines = [
        f"users {r['users']} ({', '.join(f'{k} {v}' for k, v in r['mix'].items())}), {r['duration_s']} s, "
        f"gunicorn {r['workers']} workers x {r['threads_per_worker']} threads",
        f"requests {r['requests']:,}  throughput {r['throughput_rps']} req/s  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  "
        f"p99 {r['p99_ms']} ms  errors {r['errors']}",
        f"workers' memory: {memory['start']} MB after warm-up, then {memory['samples'][:3]} ... {memory['samples'][-3:]} MB",
        "slowest pages (p95 ms, requests): " + "; ".join(f"{u} {p} ({n})" for u, p, n in r["slowest_urls"][:5]),
    ]
    if r["error_detail"]:
        lines.append(f"errors: {r['error_detail']}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
