"""Start and stop real app processes (gunicorn, with a job worker beside each) on free ports of
127.0.0.1, and read their memory."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.children import ending_with_parent

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class AppServer:
    """One gunicorn master with its workers, serving wsgi:app with the given environment, and a job
    worker (`flask --app wsgi worker`) beside it, as `make run` starts them."""

    def __init__(self, env: dict, workers: int = 2, threads: int = 4, config: str | None = None):
        """`config`: a gunicorn config file (deploy/gunicorn.conf.py) under the options given here."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="photoshare-gunicorn-", suffix=".log", delete=False)
        full_env = {**os.environ, **env}
        self.process = subprocess.Popen(ending_with_parent(
            [sys.executable, "-m", "gunicorn", *(["--config", config] if config else []),
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5", "wsgi:app"]),
            cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        self.job_worker = subprocess.Popen(
            ending_with_parent([sys.executable, "-m", "flask", "--app", "wsgi", "worker"]),
            cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:  # noqa: S310 - local
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become ready: {self.log_text()}")

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def worker_pids(self) -> list[int]:
        """The workers: the master's children."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        """Graceful stop of gunicorn and the job worker, then kill what does not end in time."""
        for process in (self.process, self.job_worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.process, self.job_worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)
