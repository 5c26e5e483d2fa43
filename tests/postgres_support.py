"""Throwaway PostgreSQL for the tests: a private cluster from Debian's server binaries, and
scratch databases created beside a server's database (dropped afterwards). Shared by
tests/conftest.py (the session's database) and tests/cluster.py (fault and load tests)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class NoPostgresBinaries(RuntimeError):
    """Debian's PostgreSQL server binaries are not installed."""


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary directory on a loopback port (as user postgres
    when running as root), started at once; `stop` and `start` again, `destroy` at the end."""

    def __init__(self, port: int, dir_prefix: str = "capnum-pg-"):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise NoPostgresBinaries("aucun binaire PostgreSQL (/usr/lib/postgresql/*/bin/initdb)")
        self.bindir = Path(bins[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix=dir_prefix))
        self.port = port
        self.prefix = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run([str(self.bindir / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust",
                   "--no-sync"])
        self.start()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, cmd):
        subprocess.run(self.prefix + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self):
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w",
                   "-o", f"-h 127.0.0.1 -p {self.port} -k {self.dir} -F", "start"])

    def stop(self):
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])

    def destroy(self, *, quiet: bool = True):
        """Stops the server and removes its files; with quiet=False a failed stop raises (after
        the removal)."""
        try:
            self.stop()
        except Exception:
            if not quiet:
                raise
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """The URL of a new empty database `name` on the server of server_url; afterwards its cached
    engine is disposed, its other connections ended and the database dropped."""
    import psycopg2
    from sqlalchemy.engine import make_url

    from bot.services.catalogue.db import dispose_engine

    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        dispose_engine(url)
        cur = admin.cursor()
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid()", (name,))
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
