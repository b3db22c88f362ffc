"""`make run` as an operator runs it: gunicorn on PORT, the embedded PostgreSQL migrated (and saying
so), and SIGTERM stopping everything, the embedded PostgreSQL included."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from photoshare.config import PROJECT_ROOT
from photoshare.data.migrate import migration_files
from tests.support.children import ending_with_parent, running

START_SECONDS = 180
STOP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postmaster_pid(instance: Path) -> int | None:
    pid_file = instance / "pgdata" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


class Running:
    """A process whose output is collected line by line while it runs."""

    def __init__(self, argv: list[str], env: dict):
        self.lines: list[str] = []
        self.process = subprocess.Popen(ending_with_parent(argv), cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)


def _environment(embedded_dir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "MAIL_SERVER")}
    env.update(INSTANCE_PATH=str(embedded_dir / "instance"), MEDIA_ROOT=str(embedded_dir / "media"), PORT=str(port),
               WEB_CONCURRENCY="1")
    return env


def _wait_for_health(url: str, server: Running):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited early:\n{server.output}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310 - our own server
                return response
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no answer from {url} within {START_SECONDS} s:\n{server.output}")


@pytest.fixture
def venv() -> str:
    """The virtual environment running these tests: `make run` uses it as its .venv."""
    return sys.prefix


def test_make_run_serves_with_gunicorn_and_sigterm_stops_the_embedded_postgresql(embedded_dir, venv):
    port = _free_port()
    instance = embedded_dir / "instance"
    server = Running(["make", "--no-print-directory", "run", f"VENV={venv}"], _environment(embedded_dir, port))
    try:
        response = _wait_for_health(f"http://127.0.0.1:{port}", server)
        assert response.headers["Server"].startswith("gunicorn"), "not served by gunicorn"
        # The embedded database was migrated by the command in front, and it said what it applied.
        for migration in migration_files():
            assert f"applied {migration.name}" in server.output
        assert f"{len(migration_files())} migration(s) applied" in server.output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=5) as page:  # noqa: S310
            assert page.status == 200 and b"Create an account" in page.read()
        postgres = _postmaster_pid(instance)
        assert postgres is not None and running(postgres)

        server.process.send_signal(signal.SIGTERM)  # to make, as a process manager would
        assert server.process.wait(timeout=STOP_SECONDS) is not None
        deadline = time.monotonic() + STOP_SECONDS
        while running(postgres) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not running(postgres), f"the embedded PostgreSQL outlived make run:\n{server.output}"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
    finally:
        server.stop()


def test_serve_stops_everything_when_the_server_cannot_start(embedded_dir):
    """gunicorn cannot bind a port in use: serve exits with an error instead of half-running,
    and the embedded PostgreSQL stops with it."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Running([str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "serve"],
                         _environment(embedded_dir, port))
        try:
            assert server.process.wait(timeout=START_SECONDS) != 0
        finally:
            server.stop()
    assert "web exited with status" in server.output
    postgres = _postmaster_pid(embedded_dir / "instance")
    assert postgres is None or not running(postgres)
