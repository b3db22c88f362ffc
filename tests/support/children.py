"""Servers started for tests and benchmarks end with the process that started them, even when it is
killed before its teardown runs (a CI timeout, a SIGKILL): nothing is left listening."""

import shutil

SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"


def ending_with_parent(argv: list[str], signal: str = "TERM") -> list[str]:
    """`argv` run under `setpriv --pdeathsig`: the kernel sends the server `signal` when the thread
    that started it ends. Start long-lived servers from the main thread, which lives as long as they
    should. setpriv execs the server, so the child's pid is the server's own."""
    return [SETPRIV, f"--pdeathsig={signal}", "--", *argv]
