"""flask db upgrade/status and flask dbshell in processes of their own, and the pool across a PostgreSQL restart."""

import os
import subprocess
import sys

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from photoshare.config import PROJECT_ROOT
from photoshare.data.db import create_pool
from photoshare.data.migrate import upgrade
from photoshare.data.queries import queries
from tests.support.postgres_server import start_postgresql, stop_postgresql


def _flask(args, database_url, tmp_path, stdin=None):
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="cli-test", MEDIA_ROOT=str(tmp_path / "media"))
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=PROJECT_ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_db_upgrade_and_status(database_url, tmp_path, db):
    upgraded = _flask(["db", "upgrade"], database_url, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout
    listed = _flask(["db", "status"], database_url, tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert [line.split()[:2] for line in lines] == [["applied", p.name]
                                                    for p in sorted((PROJECT_ROOT / "migrations").glob("*.sql"))]


def test_dbshell_opens_psql_on_the_configured_database(database_url, tmp_path, db):
    db.execute("INSERT INTO users (username, email, password) VALUES ('shell_user', 's@example.com', 'x:1$a$b')")
    result = _flask(["dbshell"], database_url, tmp_path,
                    stdin="SELECT username FROM users;\n\\conninfo\n")
    assert result.returncode == 0, result.stderr
    assert "shell_user" in result.stdout
    assert 'database "test"' in result.stdout


def test_pool_survives_a_postgresql_restart():
    server = start_postgresql()
    try:
        upgrade(server.url(), log=lambda _m: None)
        pool = create_pool(server.url(), min_size=2, max_size=2, timeout=5)
        try:
            with pool.connection() as conn:
                assert queries.ping(conn) == 1
            server.terminate()
            with pytest.raises((psycopg.OperationalError, PoolTimeout)), pool.connection(timeout=1) as conn:
                queries.ping(conn)
            server.start()
            # Every connection the pool had is broken now; each checkout must still work.
            for _ in range(4):
                with pool.connection() as conn:
                    assert queries.ping(conn) == 1
        finally:
            pool.close()
    finally:
        stop_postgresql(server)
