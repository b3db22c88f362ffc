"""The job queue's worker in tests: drained in-process, or run as a real `flask --app wsgi worker` process."""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

from photoshare.jobs.worker import run_worker
from tests.support.children import ending_with_parent

ROOT = Path(__file__).resolve().parent.parent.parent


def drain_jobs(app) -> None:
    """Run every queued job with the real worker, in this process, until the queue is empty.

    In a thread of its own: the worker runs an event loop, and this thread may have one already
    (Playwright's, in a session that ran browser tests)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            run_worker(app, wait=False, name="test-drain")
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            failure.append(exc)

    thread = threading.Thread(target=run, name="drain-jobs")
    thread.start()
    thread.join(timeout=60)
    if failure:
        raise failure[0]


def pending_jobs(database_url: str, task_name: str | None = None) -> list[tuple]:
    """(task_name, args, status) of every job not done yet."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute("SELECT task_name, args, status::text FROM procrastinate_jobs "
                            "WHERE status IN ('todo', 'doing') AND (%(t)s::text IS NULL OR task_name = %(t)s) "
                            "ORDER BY id", {"t": task_name}).fetchall()


def wait_for(check, timeout: float = 20.0, interval: float = 0.05, what: str = "the condition"):
    """Poll `check()` until it returns something true; its value, or AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def worker_env(database_url: str, **settings) -> dict:
    """The environment of a worker process on this database (settings as environment variables)."""
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-worker",
            **{key: str(value) for key, value in settings.items()}}


class WorkerProcess:
    """`flask --app wsgi worker` as a child process, registered in procrastinate_workers before this returns."""

    def __init__(self, env: dict, timeout: float = 30.0):
        self.database_url = env["DATABASE_URL"]
        self.log = tempfile.NamedTemporaryFile(prefix="photoshare-worker-", suffix=".log", delete=False)
        known = self._worker_ids()
        argv = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
        self.process = subprocess.Popen(ending_with_parent(argv), cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.worker_id = wait_for(lambda: self._new_worker(known), timeout, 0.1, "the worker's start")
        except BaseException:
            self.stop()
            raise

    def _worker_ids(self) -> set[int]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM procrastinate_workers")}

    def _new_worker(self, known: set[int]) -> int | None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the worker exited: {self.log_text()}")
        new = self._worker_ids() - known
        return min(new) if new else None

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, its running jobs stay 'doing'."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM (the running jobs finish), then kill if it does not end in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@contextmanager
def running_worker(env: dict):
    """A worker process for the duration of the block."""
    worker = WorkerProcess(env)
    try:
        yield worker
    finally:
        worker.stop()
