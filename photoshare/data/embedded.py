"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is unset."""

import warnings
from pathlib import Path


def embedded_database_url(instance_path: Path) -> str:
    """Start (or join) the PostgreSQL server kept in instance/pgdata and return its URL."""
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime dir, which warns when XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: deployments with DATABASE_URL never need it

    pgdata = instance_path / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    # 'stop': the server stops when the last process using it exits.
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    return server.get_uri()


def psql_executable(embedded: bool) -> str:
    """The psql binary: pgserver's own for the embedded server, else the one on PATH."""
    if embedded:
        from pgserver._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / "psql")
    return "psql"
