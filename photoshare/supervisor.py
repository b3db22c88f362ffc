"""Runs the processes that serve the app side by side, and stops them together.

`flask --app wsgi serve` (what `make run` starts) hands its commands here: the web server and the
job worker. SIGTERM or Ctrl-C stops every process gracefully (SIGTERM,
then SIGKILL after a grace period), and so does any one of them exiting: nothing keeps running
half of the app. The caller's process outlives them, so what it owns (the embedded PostgreSQL)
is released after they are gone.
"""

import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

POLL_SECONDS = 0.2
GRACE_SECONDS = 30.0


def supervise(commands: Mapping[str, list[str]], env: Mapping[str, str], cwd: Path,
              log: Callable[[str], None] = print, grace_seconds: float = GRACE_SECONDS) -> int:
    """Start every command; return when stopped by a signal (0) or when one exits (its exit status, or 1)."""
    stop_signal: list[int] = []

    def stop(signum, _frame):
        stop_signal.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, env=dict(env), cwd=cwd)  # noqa: S603 - our own argv
        exited = None
        while not stop_signal and exited is None:
            exited = next((name for name, proc in processes.items() if proc.poll() is not None), None)
            if exited is None:
                time.sleep(POLL_SECONDS)
        if exited is not None:
            log(f"{exited} exited with status {processes[exited].returncode}; stopping the others")
        _stop_all(processes, grace_seconds, log)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_all(processes, grace_seconds, log)  # also after an error in the loop above
    if stop_signal:
        return 0
    return processes[exited].returncode or 1 if exited else 1


def _stop_all(processes: Mapping[str, subprocess.Popen], grace_seconds: float, log: Callable[[str], None]) -> None:
    running = {name: proc for name, proc in processes.items() if proc.poll() is None}
    for proc in running.values():
        proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for name, proc in running.items():
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop within {grace_seconds:.0f} s; killing it")
            proc.kill()
            proc.wait()
