"""Servers started for tests and benchmarks end with the process that started them, even when it is
killed before its teardown runs (a CI timeout, a SIGKILL): nothing is left listening."""

import shutil
from pathlib import Path

SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"


def ending_with_parent(argv: list[str], signal: str = "TERM", setpriv_options: tuple[str, ...] = ()) -> list[str]:
    """`argv` run under `setpriv --pdeathsig` (with any further setpriv options, such as a user to
    run as): the kernel sends the server `signal` when the thread that started it ends. Start
    long-lived servers from the main thread, which lives as long as they should. setpriv execs the
    server, so the child's pid is the server's own."""
    return [SETPRIV, *setpriv_options, f"--pdeathsig={signal}", "--", *argv]


def running(pid: int) -> bool:
    """Whether any thread of the process is still alive. An exited orphan nobody reaps stays a
    zombie; a zombie leader whose other threads are still exiting (a Go server's) still holds its
    sockets."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        threads = len(list(Path(f"/proc/{pid}/task").iterdir()))
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z" or threads > 1
