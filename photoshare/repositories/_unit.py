"""Guards that keep writes inside the caller's unit of work, and text PostgreSQL can hold."""

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


def storable(text: str) -> bool:
    """Whether PostgreSQL text can hold this string: a NUL cannot be stored, so it matches nothing."""
    return "\x00" not in text
