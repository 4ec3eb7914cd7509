"""Running the real archive on loopback for tests and benchmarks (no mocks)."""

from __future__ import annotations

import atexit
import contextlib
import functools
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from argon2 import PasswordHasher

from fieldapp.archive.app import create_app
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database, create_archive_engine, init_schema
from fieldapp.archive.models import ROLES, Role, User

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "correct horse battery"


def postgres_reason() -> str | None:
    """None if the PostgreSQL test server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                             connect_timeout=3):
            return None
    except Exception as exc:  # any failure: the server is not usable here
        return f"PostgreSQL on 127.0.0.1:5432 is unreachable: {exc}"


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         autocommit=True) as conn:
        conn.execute(sql)


_drops: list[threading.Thread] = []


def _drop_soon(name: str) -> None:
    """DROP DATABASE waits for a checkpoint (up to a second or two of disk I/O): done in the
    background while the next test runs; all of them finished before the process exits."""
    thread = threading.Thread(
        target=_pg_admin, args=(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',),
        daemon=True)
    thread.start()
    _drops.append(thread)


@atexit.register
def _finish_drops() -> None:
    for thread in _drops:
        thread.join(timeout=60)


@functools.cache
def _migrated_template() -> str:
    """A database with the archive's schema, migrated once per test process (a second and
    more on PostgreSQL); `postgres_database(migrated=True)` copies it."""
    name = f"fieldapp_test_template_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    atexit.register(_pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine = create_archive_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        init_schema(engine)
    finally:
        engine.dispose()  # CREATE DATABASE … TEMPLATE needs it unused
    return name


@contextlib.contextmanager
def postgres_database(*, migrated: bool = False) -> Iterator[str]:
    """A new database fieldapp_test_<random>, dropped afterwards: empty, or with `migrated`
    a copy of one the archive's migrations ran on (`init_schema` then finds them done)."""
    name = f"fieldapp_test_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_migrated_template()}"' if migrated else ""
    _pg_admin(f'CREATE DATABASE "{name}"{template}')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        _drop_soon(name)


@dataclass
class RunningArchive:
    url: str  # http://127.0.0.1:PORT
    db_url: str
    db: Database

    def add_user(self, name: str, role: str, *, engineer: str = "", customer: str = "") -> None:
        # Not crud.create_user: it hashes its password with argon2 each time (a second on a
        # busy CI machine, and most tests add seven users). The same fields it would write.
        assert role in ROLES, role
        assert (role != Role.ENGINEER or engineer) and (role != Role.CUSTOMER or customer)
        with self.db.write() as session:
            session.add(User(name=name, password_hash=password_hash(), role=role,
                             engineer_code=engineer, customer_code=customer))


# The test users' stored hash: argon2id like every hash the archive makes, but with the
# cheapest parameters, so each of the suite's thousand logins verifies in a millisecond
# rather than a quarter second. `verify_password` reads the parameters from the hash; new
# passwords (change-password, `fieldapp-archive add-user`) still use the archive's own.
_TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@functools.cache
def password_hash() -> str:
    return _TEST_HASHER.hash(PASSWORD)


@contextlib.contextmanager
def run_archive(db_url: str, *, startup_timeout: float = 20.0,
                settings: ArchiveSettings | None = None) -> Iterator[RunningArchive]:
    """The real app under uvicorn in a thread, on a free loopback port."""
    engine = create_archive_engine(db_url)
    init_schema(engine)
    db = Database(engine)
    app = create_app(settings or ArchiveSettings(db=db_url), db=db)
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only then
    # (with proto 0 every answer waits ~40 ms for a delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, lifespan="off", ws="none",
                            access_log=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the archive did not start")
        time.sleep(0.02)
    try:
        yield RunningArchive(f"http://127.0.0.1:{port}", db_url, db)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        db.close()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'archive.db'}"


class ArchiveProcess:
    """`fieldapp-archive serve` in its own process, so a test can SIGKILL it mid-request
    and start it again on the same port and database."""

    def __init__(self, db_url: str, *, workers: int = 1) -> None:
        self.db_url = db_url
        self.workers = workers  # `serve --workers`: processes answering on one port
        engine = create_archive_engine(db_url)
        init_schema(engine)
        self.db = Database(engine)
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.process: subprocess.Popen | None = None
        self.kills = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_user(self, name: str, role: str, *, engineer: str = "", customer: str = "") -> None:
        RunningArchive(self.url, self.db_url, self.db).add_user(
            name, role, engineer=engineer, customer=customer)

    def start(self, timeout: float = 60.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from fieldapp.archive.cli import main; main()",
             "--db", self.db_url, "serve",
             "--port", str(self.port), "--workers", str(self.workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the archive process did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.db.close()
