"""Real parts for tests and benchmarks: a throwaway PostgreSQL database, gunicorn serving the app, nginx.

Example::

    with LiveDatabase() as database, Gunicorn(database.url, workers=2) as site:
        requests.get(site.base + "/healthz")

Everything listens on 127.0.0.1 on a free port, logs to a temporary file (shown when it fails to start)
and is stopped on exit whatever happens.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.oidc_provider import free_port

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def wait_until(check, timeout=30.0, interval=0.1, what="it"):
    """Call `check()` until it returns something true; that value. RuntimeError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except (requests.ConnectionError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready within {timeout:g}s")
        time.sleep(interval)


class LiveDatabase:
    """A new PostgreSQL database on TEST_DATABASE_URL's server, migrated with `flask db upgrade`, then dropped."""

    def __init__(self, server_url: str | None = None, migrate: bool = True):
        server_url = server_url or POSTGRES_URL
        if not server_url:
            raise RuntimeError("LiveDatabase needs TEST_DATABASE_URL (a PostgreSQL URL)")
        self.name = f"podium_live_{uuid.uuid4().hex[:10]}"
        base = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1)
                        if server_url.startswith("postgresql://") else server_url)
        self._admin_url = base.set(database="postgres")
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        self.migrate = migrate

    def __enter__(self) -> "LiveDatabase":
        self._admin(f'CREATE DATABASE "{self.name}"')
        if self.migrate:
            run_flask(["db", "upgrade"], {"DATABASE_URL": self.url})
        return self

    def __exit__(self, *exc):
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement):
        engine = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def engine(self):
        """A SQLAlchemy engine on this database (dispose it when done)."""
        return create_engine(self.url)


# Gunicorn's SECRET_KEY here: production refuses a short one.
LIVE_SECRET = "live-test-secret-7c2f9a1e5b8d4036"


def app_environment(database_url: str, **extra) -> dict:
    """The environment a production-mode Podium runs with here: plain HTTP on loopback, so no Secure cookies."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("PODIUM_", "MAIL_", "VOTE_RATE_LIMIT")) or name in ("DATABASE_URL", "REDIS_URL"):
            del env[name]
    env.update({
        "PODIUM_ENV": "production", "SECRET_KEY": LIVE_SECRET, "PODIUM_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "false", "REMEMBER_COOKIE_SECURE": "false", "PYTHONUNBUFFERED": "1",
    })
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_flask(args, env=None, check=True, **kwargs):
    """Run `flask --app app <args>` in the repository with the production environment plus `env`."""
    env = env or {}
    full_env = app_environment(env.get("DATABASE_URL", ""), **env)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=full_env,
                          check=check, capture_output=True, text=True, **kwargs)


class _Process:
    """A child process with its output in a temporary file, shown in the error when it fails to start."""

    name = "process"

    def _spawn(self, argv, env=None):
        self.log = tempfile.NamedTemporaryFile(mode="w+", prefix=f"{self.name}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        """What the process has written so far."""
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def _wait_ready(self, check, timeout):
        try:
            wait_until(lambda: self._alive() and check(), timeout, what=self.name)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"{self.name} did not start:\n{self.output()[-4000:]}") from None

    def _alive(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.output()[-4000:]}")
        return True

    def stop(self):
        """Stop the process and everything it started."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)

    def __exit__(self, *exc):
        self.stop()


class Gunicorn(_Process):
    """Podium served by gunicorn (sync workers unless `worker_class`) on 127.0.0.1:<port>."""

    name = "gunicorn"

    def __init__(self, database_url: str, workers: int = 2, port: int | None = None, threads: int = 1,
                 timeout: float = 30.0, **env):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = app_environment(database_url, **{"PODIUM_BASE_URL": self.base, **env})
        self.argv = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                     "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", "app:app"]
        self.timeout = timeout

    def __enter__(self) -> "Gunicorn":
        self._spawn(self.argv, self.env)
        self._wait_ready(lambda: requests.get(self.base + "/healthz", timeout=2).status_code == 200, self.timeout)
        wait_until(lambda: len(self.worker_pids()) == self.workers, 10, what="gunicorn workers")
        return self

    def worker_pids(self) -> list[int]:
        """The process ids of gunicorn's workers (children of the master)."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_rss_mib(self) -> list[float]:
        """Resident memory of each worker in MiB."""
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


NGINX_MAIN = """\
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{http}
}}
"""
NGINX_SITE = """\
    client_max_body_size 1m;
    upstream podium {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://podium;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}"""


def nginx_config(directory, http):
    """A whole nginx.conf running from `directory` (logs, pid, temporary files), `http` in its http block."""
    return NGINX_MAIN.format(dir=directory, http=http)


class Nginx(_Process):
    """Debian's nginx on 127.0.0.1:<port>, balancing over `upstreams` (base URLs such as http://127.0.0.1:8001)."""

    name = "nginx"

    def __init__(self, upstreams: list[str], port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.upstreams = upstreams

    def config(self, directory: str) -> str:
        """The nginx.conf for this proxy (the same shape as README's production example)."""
        servers = "\n".join(f"        server {url.split('://', 1)[1]};" for url in self.upstreams)
        return nginx_config(directory, NGINX_SITE.format(servers=servers, port=self.port))

    def __enter__(self) -> "Nginx":
        self.directory = tempfile.mkdtemp(prefix="nginx-")
        conf = Path(self.directory) / "nginx.conf"
        conf.write_text(self.config(self.directory))
        self._spawn([NGINX, "-p", self.directory, "-c", str(conf), "-g", "daemon off;"])
        self._wait_ready(lambda: requests.get(self.base + "/healthz", timeout=2).status_code == 200, 15)
        return self

    def stop(self):
        """Stop nginx and remove its folder."""
        super().stop()
        shutil.rmtree(self.directory, ignore_errors=True)
