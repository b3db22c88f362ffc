"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is unset."""

import warnings
from pathlib import Path

import psycopg
from flask import Flask


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


def warn_of_pending_migrations(app: Flask) -> None:
    """At the first request, log the migrations the embedded database lacks and the command that applies them."""
    checked = []

    def check() -> None:
        if checked:
            return
        checked.append(True)
        from photoshare.data.migrate import status

        with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as conn:
            pending = [st.name for st in status(conn) if st.state != "applied"]
        if pending:
            app.logger.warning("the embedded database lacks %d migration(s) (%s): run `flask --app wsgi db upgrade`",
                               len(pending), ", ".join(pending))

    app.before_request(check)
