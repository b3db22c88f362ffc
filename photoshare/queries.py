"""Loads the named SQL in sql/queries/ once per process (aiosql)."""

import functools

import aiosql
import psycopg

from .config import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "sql" / "queries"

# Parameters are named in the SQL (:name); a signature in the header would repeat them.
queries = aiosql.from_path(QUERIES_DIR, "psycopg", mandatory_parameters=False)


def fetch_records(conn: psycopg.Connection, query, record: type, **params) -> list:
    """Every row of a named query as a `record`, a NamedTuple whose fields are the query's columns.

    The records are made straight from psycopg's row tuples: the pool's dict rows cost a dict and
    a keyword call per row, which pages of twenty posts and more could measure.
    """
    with conn.cursor(row_factory=_record_maker(record)) as cur:
        return cur.execute(query.sql, params).fetchall()


@functools.cache
def _record_maker(record: type):
    def row_factory(cursor):
        columns = tuple(column.name for column in cursor.description)
        if columns != record._fields:
            raise TypeError(f"the query's columns {columns} are not the fields of {record.__name__}")
        return record._make

    return row_factory
