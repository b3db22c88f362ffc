"""A throwaway PostgreSQL for the test session (testing.postgresql), root-safe."""

import os
import pwd
import shlex
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import testing.postgresql

from tests.support.children import ending_with_parent

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
UNPRIVILEGED = "nobody"
# Every table a test may write to (follow and timeline go with users by CASCADE).
# procrastinate_workers stays: a worker serving a whole session keeps its row there.
TABLES = ("comment, post_counter_delta, like_post, post_hashtag, hashtag_counter_delta, hashtag, posts, "
          "profile_counter_delta, profile, users, login_attempt, account_token, rate_limit, user_session, "
          "login_throttle, procrastinate_jobs")


def _wrapper(directory: Path, program: str, user: pwd.struct_passwd | None) -> str:
    """A script that runs a PostgreSQL program, as an unprivileged user when given one (PostgreSQL
    refuses root), ending with the process that started it (SIGINT: a fast shutdown)."""
    path = directory / program
    as_user = (f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups") if user else ()
    command = shlex.join(ending_with_parent([str(PG_BIN / program)], "INT", as_user))
    # exec: the wrapper's pid becomes the server's, so signals reach PostgreSQL itself.
    path.write_text(f"#!/bin/sh\nexec {command} \"$@\"\n")
    path.chmod(0o755)
    return str(path)


def start_postgresql(base_dir: Path | None = None, extra_args: str = "") -> testing.postgresql.Postgresql:
    """Start a server on a free port of 127.0.0.1 that ends with this process; as root, its files
    belong to `nobody`.

    base_dir keeps the data between runs (the benchmark's --reuse); by default a temporary folder.
    """
    base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="photoshare-pg-"))
    base_dir.mkdir(parents=True, exist_ok=True)
    kwargs = {"base_dir": str(base_dir),
              # fsync off: a test server loses nothing that matters on a crash.
              "postgres_args": "-h 127.0.0.1 -F -c logging_collector=off -c fsync=off "
                               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                               + extra_args}
    user = None
    if os.geteuid() == 0:
        user = pwd.getpwnam(UNPRIVILEGED)
        base_dir.chmod(0o755)
        for sub in ("data", "tmp"):
            (base_dir / sub).mkdir(mode=0o700, exist_ok=True)
            os.chown(base_dir / sub, user.pw_uid, user.pw_gid)
    bin_dir = base_dir / "bin"
    bin_dir.mkdir(exist_ok=True)
    kwargs["initdb"] = _wrapper(bin_dir, "initdb", user)
    kwargs["postgres"] = _wrapper(bin_dir, "postgres", user)
    server = testing.postgresql.Postgresql(**kwargs)
    # base_dir was ours, so testing.postgresql will not remove it: we do, after stop().
    server._photoshare_base_dir = base_dir
    return server


def stop_postgresql(server: testing.postgresql.Postgresql) -> None:
    """Stop the server and remove its files."""
    server.stop()
    shutil.rmtree(server._photoshare_base_dir, ignore_errors=True)


@contextmanager
def migrated_postgresql():
    """A throwaway server with the app's migrations applied, stopped and removed on exit."""
    from photoshare.data.migrate import upgrade

    server = start_postgresql()
    try:
        upgrade(server.url(), log=lambda _msg: None)
        yield server
    finally:
        stop_postgresql(server)


def empty_tables(conn) -> None:
    """Remove every row a test wrote, and restart the ids."""
    conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")  # noqa: S608 - fixed table list
