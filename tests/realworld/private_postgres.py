"""A private PostgreSQL cluster for tests that stop and start the database server.

The shared server on 5432 is never touched: this one lives in a temporary folder, listens on its own
port of 127.0.0.1, and is removed on exit whatever happens. initdb refuses to run as root, so as root
every command runs as the `postgres` user.

Example::

    with PrivatePostgres() as pg:
        ... pg.url ...
        pg.stop()   # the server goes away (fast shutdown: clients are disconnected)
        pg.start()  # and comes back on the same port with the same data
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.oidc_provider import free_port


def postgres_bin() -> Path | None:
    """The folder of Debian's newest PostgreSQL binaries (initdb, pg_ctl), or None."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


class PrivatePostgres:
    """initdb into a temporary folder, pg_ctl start/stop on a free port; database `podium`, user postgres."""

    def __init__(self, port: int | None = None):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql")
        self.port = port or free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/podium"
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def __enter__(self) -> "PrivatePostgres":
        self.directory = Path(tempfile.mkdtemp(prefix="private-pg-"))
        try:
            if self._as_postgres:
                shutil.chown(self.directory, "postgres", "postgres")
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--no-sync", "--no-instructions")
            self.start()
            self._create_database()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def start(self):
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
                   " -c full_page_writes=off -c max_connections=50")
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.directory / "server.log"),
                  "-o", options, "-w", "-t", "30")

    def stop(self, mode: str = "fast"):
        """Stop the server (fast: roll back open transactions and disconnect every client)."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30")

    def log(self) -> str:
        """The server's log so far."""
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _create_database(self):
        engine = create_engine(self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text("CREATE DATABASE podium"))
        finally:
            engine.dispose()

    def _run(self, program, *args, check=True):
        command = [*self._as_postgres, str(self.bin / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=self.directory)
        if check and result.returncode:
            raise RuntimeError(f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
                               f"{self.log()[-2000:]}")
        return result
