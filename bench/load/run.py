"""Load test (issues #10 and 23, quality.md P4): gunicorn on this machine's cores against PostgreSQL and Redis, on
loopback only, driven by wrk (a C load generator: its cost is not Python's) as signed-in teachers, families, students,
case managers and the director.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/waypoint_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        python -m bench.load.run [--users 50] [--connections 50] [--duration 60 | --duration 300] [--per-page 15]

Runs the production settings (DJANGO_DEBUG=false) behind a pretend TLS proxy (X-Forwarded-Proto: https).
Every user signs in once (a session made as Client.force_login does). First each main page alone for --per-page
seconds (10 users of its role from 10 schools), then the mixed population (teachers 40 %, families 30 %,
students 15 %, case managers 10 %, the director 5 %, each user's pages in turn) for --duration seconds, no think
time. Reports requests/s, p50/p95/p99, errors (4xx, 5xx, socket errors, no answer within 30 s), the CPU used by
the client (wrk), by gunicorn and by the whole machine, and the workers' memory.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
LOG = Path(tempfile.gettempdir()) / "waypoint-bench-gunicorn.log"
SCRIPT = Path(__file__).with_name("mix.lua")
RESULTS = ROOT / "bench" / "results"
WRK = shutil.which("wrk")
_COOKIES: dict[int, str] = {}  # one session per person for the whole run
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


def start_gunicorn(port: int, workers: int, threads: int, env: dict, root: Path = ROOT) -> subprocess.Popen:
    # Production settings serve hashed static names (whitenoise's manifest): collect them first, as a deploy does.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=root, env=env, check=True)
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning", "--error-logfile", str(LOG)]
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
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
    """Resident memory of gunicorn's workers (the master's children)."""
    total = 0
    for pid in gunicorn_pids(master)[1:]:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            continue
    return round(total / 1024**2, 1)


def signed_in(casts: list, role: str) -> list[str]:
    """A session cookie for `role` in each cast (made once per person, as Client.force_login does)."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for c in casts:
        user = c.user(role)
        if user.pk not in _COOKIES:
            client = Client()
            client.force_login(user)
            _COOKIES[user.pk] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        cookies.append(_COOKIES[user.pk])
    return cookies


def plans(users: int) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str, str]]]:
    """The per-page plans (name, lines) and the mixed population's lines (role, cookie, path)."""
    from bench import subjects

    casts = [subjects.cast(offset=n) for n in range(10)]
    per_page = []
    for n, page in enumerate(subjects.pages(casts[0])):
        cookies = signed_in(casts, page.role)
        per_page.append((page.name, [f"{cookie}\t{subjects.pages(c)[n].url}" for cookie, c in zip(cookies, casts)]))
    rng = random.Random(7)
    roles = [role for role, weight in MIX for _ in range(weight)]
    population = []
    for n in range(users):
        role = roles[n * len(roles) // users] if users > 1 else "teacher"
        c = casts[rng.randrange(len(casts))]
        cookie = signed_in([c], role)[0]
        urls = [page.url for page in subjects.pages(c) if page.role == role]
        # Every user contributes the same number of requests, whatever its number of pages: the mix is the population's.
        population.extend((role, cookie, urls[k % len(urls)]) for k in range(12))
    rng.shuffle(population)
    return per_page, population


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process (0 once it has gone)."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def gunicorn_pids(master: int) -> list[int]:
    """The master and its workers (its direct children)."""
    try:
        return [master, *(child.pid for child in psutil.Process(master).children())]
    except psutil.Error:
        return [master]


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far: everything but idle and waiting for I/O."""
    times = psutil.cpu_times()
    total = sum(times)
    return total - times.idle - getattr(times, "iowait", 0.0), total


def wait_until_idle(master: int, limit: float = 90.0) -> float:
    """Seconds until gunicorn has worked off what the last run left queued (wrk stops sending, not the server
    answering): otherwise the next page would be measured behind the last one's backlog."""
    started = time.perf_counter()
    workers = gunicorn_pids(master)
    before = sum(cpu_seconds(pid) for pid in workers)
    while time.perf_counter() - started < limit:
        time.sleep(0.5)
        now = sum(cpu_seconds(pid) for pid in workers)
        if now - before < 0.05:
            break
        before = now
    return round(time.perf_counter() - started, 1)


def run_wrk(port: int, lines: list[str], seconds: int, args, master: int) -> dict:
    """One wrk run over `lines`, on an idle server; its figures with the CPU each side used meanwhile."""
    wait_until_idle(master)
    with tempfile.NamedTemporaryFile("w", suffix=".plan", delete=False) as plan:
        plan.write("\n".join(lines) + "\n")
    workers = gunicorn_pids(master)
    server_before = sum(cpu_seconds(pid) for pid in workers)
    busy_before, total_before = machine_busy()
    command = [WRK, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", str(SCRIPT), f"http://127.0.0.1:{port}", "--", plan.name]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read()
    busy_after, total_after = machine_busy()
    server = sum(cpu_seconds(pid) for pid in workers) - server_before
    os.unlink(plan.name)
    if status != 0:
        raise SystemExit(f"wrk failed: {output}{process.stderr.read()}")
    figures = json.loads(output.strip().splitlines()[-1])
    elapsed = figures["duration_us"] / 1e6
    errors = (figures["status_errors"] + figures["connect_errors"] + figures["read_errors"]
              + figures["write_errors"] + figures["timeouts"])
    cores = os.cpu_count() or 1
    return {
        "requests": figures["requests"], "seconds": round(elapsed, 1), "rps": round(figures["requests"] / elapsed, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1), "p95_ms": round(figures["p95_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1), "errors": errors,
        "error_detail": {k: figures[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts") if figures[k]},
        "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "client_cpu_pct_of_machine": round(100 * (usage.ru_utime + usage.ru_stime) / (elapsed * cores), 1),
        "gunicorn_cpu_pct_of_machine": round(100 * server / (elapsed * cores), 1),
        "machine_busy_pct": round(100 * (busy_after - busy_before) / max(total_after - total_before, 1e-9), 1),
    }



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="people in the mixed population")
    parser.add_argument("--connections", type=int, default=50, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mixed population (P4 asks for 300)")
    parser.add_argument("--per-page", type=int, default=15, help="seconds per page alone first (0: skip)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument("--profile", action="store_true",
                        help="record the workers with py-spy during the mixed run (bench/results/profile.txt, "
                             "summarised by python -m bench.load.profile)")
    parser.add_argument("--save-as", default="load", help="bench/results/NAME.json")
    parser.add_argument("--server-root", type=Path, default=ROOT,
                        help="serve another checkout of Waypoint (same database), e.g. the commit before a change")
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()
    if not WRK:
        sys.exit("wrk is missing: apt-get install wrk (the load generator; Python threads would share the server's cores).")
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
    logging.getLogger("axes").setLevel(logging.WARNING)  # one "successful login" line per person signed in
    per_page, population = plans(args.users)
    port = free_port()
    server = start_gunicorn(port, args.workers, args.worker_threads, env, args.server_root.resolve())
    try:
        report = {"kind": "load", "taken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": describe(),
                  "server": _commit(args.server_root),
                  "gunicorn": f"{args.workers} workers x {args.worker_threads} threads (gthread)",
                  "wrk": f"{args.threads} threads, {args.connections} connections", "pages": {}}
        run_wrk(port, [f"{c}\t{p}" for _r, c, p in population], 5, args, server.pid)  # warm-up: imports, caches
        report["memory_mb_after_warmup"] = workers_rss_mb(server.pid)
        if args.per_page:
            for name, lines in per_page:
                report["pages"][name] = run_wrk(port, lines, args.per_page, args, server.pid)
                print(f"{name}: {report['pages'][name]}", flush=True)
        report["mix"] = dict(Counter(role for role, _c, _p in population))
        spy = profiler(server.pid, args.duration) if args.profile else None
        report["mixed"] = run_wrk(port, [f"{c}\t{p}" for _r, c, p in population], args.duration, args, server.pid)
        if spy:
            spy.wait(timeout=60)
        report["memory_mb_at_end"] = workers_rss_mb(server.pid)
    finally:
        stop(server)
    print(table(report))
    print(f"written to {save(report, args.save_as)}")


def _commit(root: Path) -> str:
    found = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return found.stdout.strip()[:100]


def profiler(master: int, seconds: int) -> subprocess.Popen:
    """py-spy sampling gunicorn's workers (100 Hz, without pausing them) for the mixed run."""
    RESULTS.mkdir(exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen([spy, "record", "--pid", str(master), "--subprocesses", "--nonblocking", "--rate", "100",
                             "--duration", str(seconds), "--format", "raw", "--output", str(RESULTS / "profile.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(server: subprocess.Popen) -> None:
    """The master we started, and through it its workers: TERM, then KILL if it lingers."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def table(r: dict) -> str:
    """The markdown table bench/README.md prints: each page alone, then the mixed population."""
    rows = [f"server {r['server']}", f"gunicorn {r['gunicorn']}; wrk {r['wrk']}; load average at start "
            f"{r['machine']['load_average_at_start']}", "",
            "| page | requests/s | p50 ms | p95 ms | p99 ms | errors | client CPU % | gunicorn CPU % | machine busy % |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, f in [*r["pages"].items(), (f"**mixed population** ({', '.join(f'{k} {v // 12}' for k, v in r['mix'].items())})", r["mixed"])]:
        rows.append(f"| {name} | {f['rps']} | {f['p50_ms']} | {f['p95_ms']} | {f['p99_ms']} | {f['errors']} | "
                    f"{f['client_cpu_pct_of_machine']} | {f['gunicorn_cpu_pct_of_machine']} | {f['machine_busy_pct']} |")
    rows.append("")
    rows.append(f"workers' memory {r['memory_mb_after_warmup']} MB after warm-up, {r['memory_mb_at_end']} MB at the end")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
