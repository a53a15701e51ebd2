"""Servers the infrastructure tests start for themselves on loopback: a Redis they can stop, an S3 API
(moto), PgBouncer, gunicorn nodes and an nginx in front of them. Each waits until it answers."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(answers, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if answers():
                return
        except Exception:  # not up yet
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come up in {seconds} s")
        time.sleep(0.1)


def binary(name: str) -> str:
    found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None)
    assert found, f"{name} is missing (.ci/run installs it)"
    return found


def port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True


class OwnRedis:
    """A redis-server on a spare loopback port, with no persistence, that a test can stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [binary("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: redis.Redis(port=self.port, socket_connect_timeout=0.2).ping(), "redis-server", 10)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def is_up(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False


class MotoS3:
    """An S3 API server (moto in server mode)."""

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.server.start()
        wait_for(lambda: port_open(self.port), "the S3 server", 10)

    def stop(self) -> None:
        self.server.stop()


class PgBouncer:
    """PgBouncer in transaction mode in front of the local PostgreSQL (auth_type any: loopback only, as `pg_user`)."""

    def __init__(self, pg_host: str, pg_port: int, pg_user: str):
        self.port = free_port()
        # Its own folder under the system's temporary one: run as `nobody`, PgBouncer cannot enter pytest's (0700).
        self.workdir = workdir = Path(tempfile.mkdtemp(prefix="waypoint-pgbouncer-"))
        workdir.chmod(0o777)
        self.ini = workdir / "pgbouncer.ini"
        self.ini.write_text(f"""[databases]
* = host={pg_host} port={pg_port} user={pg_user}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
auth_type = any
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits,options
unix_socket_dir =
logfile = {workdir / 'pgbouncer.log'}
""")
        self.ini.chmod(0o644)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        as_user = ["-u", "nobody"] if os.geteuid() == 0 else []  # PgBouncer refuses to run as root
        self.process = subprocess.Popen([binary("pgbouncer"), *as_user, str(self.ini)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port), "PgBouncer", 10)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def read_log(self) -> str:
        return (self.workdir / "pgbouncer.log").read_text()[-3000:]


class Node:
    """One web node: gunicorn with production settings, on its own port."""

    def __init__(self, name: str, log_dir: Path, root: Path):
        self.name, self.port, self.root = name, free_port(), root
        self.log = open(log_dir / f"{name}.log", "w")
        self.process: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", "2", "--threads", "2", "--worker-class", "gthread", "--timeout", "60"]
        self.process = subprocess.Popen(command, env=env, cwd=self.root, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2).status == 200,
                     f"web node {self.name}", 60)
        except Exception as error:
            raise AssertionError(f"web node {self.name} is not ready: {error}\n{self.read_log()}") from error

    def kill(self) -> None:
        """The whole node dies at once: gunicorn's master and its workers (SIGKILL to the process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()

    def read_log(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()[-3000:]


class Nginx:
    """nginx in front of the nodes, as a production proxy would be: TLS is assumed done before it (it sends
    X-Forwarded-Proto: https), and an idempotent request that fails on one node is tried on the next."""

    def __init__(self, workdir: Path, nodes: list[Node]):
        self.port, self.workdir = free_port(), workdir
        workdir.mkdir(parents=True, exist_ok=True)
        upstreams = "\n".join(f"    server 127.0.0.1:{n.port} max_fails=1 fail_timeout=30s;" for n in nodes)
        user = "user root;" if os.geteuid() == 0 else ""
        (workdir / "nginx.conf").write_text(f"""{user}
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 256; }}
http {{
  client_body_temp_path {workdir}/body; proxy_temp_path {workdir}/proxy;
  fastcgi_temp_path {workdir}/fastcgi; uwsgi_temp_path {workdir}/uwsgi; scgi_temp_path {workdir}/scgi;
  log_format nodes '$request_method $uri $status $upstream_addr $upstream_status';
  access_log {workdir}/access.log nodes;
  client_max_body_size 20m;
  upstream waypoint {{
{upstreams}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://waypoint;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
    }}
  }}
}}
""")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([binary("nginx"), "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port), "nginx", 10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def access_log(self) -> list[list[str]]:
        return [line.split() for line in (self.workdir / "access.log").read_text().splitlines()]
