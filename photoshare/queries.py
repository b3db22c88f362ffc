"""Loads the named SQL in sql/queries/ once per process (aiosql)."""

import aiosql

from .config import PROJECT_ROOT

QUERIES_DIR = PROJECT_ROOT / "sql" / "queries"

# Parameters are named in the SQL (:name); a signature in the header would repeat them.
queries = aiosql.from_path(QUERIES_DIR, "psycopg", mandatory_parameters=False)
