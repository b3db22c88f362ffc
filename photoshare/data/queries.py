"""The named SQL under sql/queries/, loaded once per process (aiosql), and records from row tuples.

Each subfolder is its own namespace: `queries` (app/) is all the app runs; the migration runner,
the seed's bulk load and the benchmark load theirs with `load()`, so a request's code cannot reach
a TRUNCATE.
"""

import functools

import aiosql
import psycopg
from psycopg.rows import tuple_row

from photoshare.config import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "sql" / "queries"


@functools.cache
def load(namespace: str):
    """The queries of one subfolder of sql/queries/."""
    # Parameters are named in the SQL (:name); a signature in the header would repeat them.
    return aiosql.from_path(QUERIES_DIR / namespace, "psycopg", mandatory_parameters=False)


queries = load("app")


def fetch_records(conn: psycopg.Connection, query, record: type, **params) -> list:
    """Every row of a named query as a `record`, a NamedTuple whose fields are the query's columns.

    The records are made straight from psycopg's row tuples: dict rows cost a dict and a keyword
    call per row, which pages of twenty posts and more could measure.
    """
    with conn.cursor(row_factory=_record_maker(record)) as cur:
        return cur.execute(query.sql, params).fetchall()


def fetch_record(conn: psycopg.Connection, query, record: type, **params):
    """The first row of a named query as a `record`, or None when there is none."""
    with conn.cursor(row_factory=_record_maker(record)) as cur:
        return cur.execute(query.sql, params).fetchone()


def fetch_values(conn: psycopg.Connection, query, **params) -> list:
    """The first column of every row of a named query."""
    with conn.cursor(row_factory=tuple_row) as cur:
        return [row[0] for row in cur.execute(query.sql, params)]


@functools.cache
def _record_maker(record: type):
    def row_factory(cursor):
        columns = tuple(column.name for column in cursor.description)
        if columns != record._fields:
            raise TypeError(f"the query's columns {columns} are not the fields of {record.__name__}")
        return record._make

    return row_factory
