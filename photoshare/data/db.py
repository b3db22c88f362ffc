"""The connection pool, the per-request connection and the unit of work."""

import time
import weakref
from contextlib import contextmanager

import psycopg
from flask import Flask, current_app, g
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

# Every app query is a short index lookup executed over and over: plan each prepared statement
# once (a generic plan) instead of on every call, which cost the feed more than running it, and
# never JIT-compile (a generic plan's cost estimate can pass jit_above_cost although it reads a
# few dozen rows). TimeZone=UTC: pages show times in UTC, and psycopg then gives datetimes with
# datetime.timezone.utc, which format and compare in a fraction of what a ZoneInfo costs (the
# server's default zone, Etc/UTC here, is a ZoneInfo: about 3,000 instructions more per row read).
# pg_trgm.similarity_threshold=0.4: what search calls a similar name (pg_trgm's default, 0.3, lets
# a common first name alone make thousands of accounts candidates to rank; services/search.py).
# Sent as startup options, after any the DATABASE_URL has: no extra round trip.
SESSION_OPTIONS = ("-c plan_cache_mode=force_generic_plan -c jit=off -c TimeZone=UTC "
                   "-c pg_trgm.similarity_threshold=0.4")


def session_options(conninfo: str) -> str:
    """The options the app's connections start with: the URL's own, then SESSION_OPTIONS."""
    return f"{conninfo_to_dict(conninfo).get('options', '')} {SESSION_OPTIONS}".strip()


# A connection returned this recently is trusted without a check on checkout.
RECENTLY_USED_SECONDS = 2.0
_last_used: "weakref.WeakKeyDictionary[psycopg.Connection, float]" = weakref.WeakKeyDictionary()


def _check(conn: psycopg.Connection) -> None:
    """Check an idle connection with a round trip, but not one that served a request a moment ago.

    Checking on every checkout cost one extra round trip per request. A connection that broke
    within the last two seconds fails its next request, as one breaking mid-request would.
    """
    if time.monotonic() - _last_used.get(conn, 0.0) > RECENTLY_USED_SECONDS:
        ConnectionPool.check_connection(conn)


def create_pool(conninfo: str, min_size: int = 1, max_size: int = 10, timeout: float = 5.0) -> ConnectionPool:
    """One pool per process. Autocommit: reads are single statements; writes use transaction()."""
    pool: ConnectionPool

    def check(conn: psycopg.Connection) -> None:
        # Connections broken by a PostgreSQL restart are replaced on checkout. One broken
        # connection means the restart broke every idle one: sweep them all now, or the pool would
        # hand them out one by one with a growing pause between, outlasting the request's timeout.
        try:
            _check(conn)
        except psycopg.Error:
            pool.check()
            raise

    pool = ConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        kwargs={"autocommit": True, "options": session_options(conninfo)},
        check=check,
        # The pool retries a failed connect in the background with a doubling delay; left
        # unbounded (5 min), the first requests after a database restart would wait out that
        # delay. Giving up after `timeout` lets the next request start a fresh attempt at once.
        reconnect_timeout=timeout,
        open=True,
        name="photoshare",
    )
    return pool


def get_conn() -> psycopg.Connection:
    """The request's connection, borrowed from the pool on first use."""
    if "db_conn" not in g:
        g.db_conn = current_app.extensions["db_pool"].getconn()
    return g.db_conn


@contextmanager
def transaction():
    """A unit of work on the request's connection: commit on success, roll back on error."""
    conn = get_conn()
    with conn.transaction():
        yield conn


def release_conn(exc: BaseException | None = None) -> None:
    """Return the request's connection; the pool rolls back anything left open."""
    conn = g.pop("db_conn", None)
    if conn is not None:
        _last_used[conn] = time.monotonic()
        current_app.extensions["db_pool"].putconn(conn)


def init_app(app: Flask, pool: ConnectionPool) -> None:
    """Attach the pool and return connections at the end of each request."""
    app.extensions["db_pool"] = pool
    app.teardown_appcontext(release_conn)
