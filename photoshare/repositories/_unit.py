"""Guards that keep writes inside the caller's unit of work, and text PostgreSQL can hold."""

import re
from contextlib import contextmanager

import psycopg
from psycopg.pq import TransactionStatus


def require_unit_of_work(conn: psycopg.Connection) -> None:
    """Refuse a write outside a transaction: on an autocommit connection it would commit at once."""
    if conn.info.transaction_status != TransactionStatus.INTRANS:
        raise RuntimeError("repository writes must run inside db.transaction()")


@contextmanager
def savepoint(conn: psycopg.Connection):
    """A savepoint inside the caller's transaction, so a constraint violation leaves it usable."""
    require_unit_of_work(conn)
    with conn.transaction():
        yield


# NUL and the UTF-16 surrogates (which UTF-8 cannot encode): text PostgreSQL cannot hold.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """Whether PostgreSQL text can hold this string (no NUL, no lone surrogate); what it cannot
    hold matches nothing, so a look-up for it need not ask."""
    return _UNSTORABLE.search(text) is None
