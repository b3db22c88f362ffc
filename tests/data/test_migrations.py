"""Migrations: applied in order, recorded with checksums, locked, and identical to sql/schema.sql."""

import shutil
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from photoshare.config import PROJECT_ROOT
from photoshare.data.migrate import MIGRATIONS_DIR, status, upgrade
from photoshare.errors import MigrationChanged
from tests.support.postgres_server import PG_BIN

SCHEMA_SQL = PROJECT_ROOT / "sql" / "schema.sql"


@pytest.fixture
def empty_database(postgresql):
    """A fresh, empty database on the session server; dropped afterwards."""
    created = []

    def make(name: str) -> str:
        with psycopg.connect(postgresql.url(), autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(psycopg.sql.Identifier(name)))
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        created.append(name)
        return postgresql.url(database=name)

    yield make
    with psycopg.connect(postgresql.url(), autocommit=True) as conn:
        for name in created:
            conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                psycopg.sql.Identifier(name)))


def _psql(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, *args],
                          capture_output=True, text=True, check=False)


def _schema_dump(url: str) -> str:
    """pg_dump --schema-only without the migration bookkeeping table."""
    out = subprocess.run([str(PG_BIN / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges",
                          "--exclude-table=schema_migrations", "-d", url],
                         capture_output=True, text=True, check=True).stdout
    # Comment lines and the random per-dump \restrict token carry nothing structural.
    return "\n".join(line for line in out.splitlines()
                     if not line.startswith(("--", "\\restrict", "\\unrestrict")))


def test_schema_sql_loads_with_psql(empty_database):
    url = empty_database("schema_psql")
    result = _psql(url, "-f", str(SCHEMA_SQL))
    assert result.returncode == 0, result.stderr
    tables = _psql(url, "-At", "-c", "SELECT string_agg(tablename, ',' ORDER BY tablename) "
                                     "FROM pg_tables WHERE schemaname = 'public'").stdout.strip()
    assert tables == ("account_token,comment,follow,hashtag,hashtag_counter_delta,like_post,login_attempt,"
                      "login_throttle,notification,post_counter_delta,post_hashtag,posts,procrastinate_events,"
                      "procrastinate_jobs,procrastinate_periodic_defers,procrastinate_workers,profile,"
                      "profile_counter_delta,rate_limit,timeline,user_session,users")


def test_data_model_columns_are_all_there(empty_database):
    url = empty_database("schema_columns")
    _psql(url, "-f", str(SCHEMA_SQL))
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'public'").fetchall()
    columns = {(t, c) for t, c in rows}
    expected = {
        "users": ["id", "username", "email", "password", "created_at", "updated_at"],
        "posts": ["id", "user_id", "caption", "image", "created_at", "updated_at"],
        "profile": ["id", "user_id", "image", "created_at", "updated_at"],
        "like_post": ["id", "user_id", "post_id", "created_at", "updated_at"],
        "notification": ["id", "recipient_id", "actor_id", "kind", "post_id", "comment_id", "created_at", "read_at"],
    }
    for table, names in expected.items():
        for name in names:
            assert (table, name) in columns, f"{table}.{name} missing"


def test_every_table_has_a_comment(empty_database):
    url = empty_database("schema_comments")
    _psql(url, "-f", str(SCHEMA_SQL))
    with psycopg.connect(url) as conn:
        missing = conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = 'public' AND c.relkind = 'r' "
                               "AND obj_description(c.oid, 'pg_class') IS NULL").fetchall()
    assert missing == []


def test_migrations_produce_exactly_schema_sql(empty_database):
    from_schema = empty_database("from_schema")
    from_migrations = empty_database("from_migrations")
    assert _psql(from_schema, "-f", str(SCHEMA_SQL)).returncode == 0
    applied = upgrade(from_migrations, log=lambda _m: None)
    assert applied == [p.name for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]
    dumped = _schema_dump(from_schema)
    assert "CREATE TABLE public.posts" in dumped
    assert _schema_dump(from_migrations) == dumped


def test_upgrade_is_idempotent_and_status_lists_applied(empty_database):
    url = empty_database("upgrade_twice")
    first = upgrade(url, log=lambda _m: None)
    assert first
    assert upgrade(url, log=lambda _m: None) == []
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        states = status(conn)
        recorded = conn.execute("SELECT name, checksum FROM schema_migrations ORDER BY name").fetchall()
    assert [s.state for s in states] == ["applied"] * len(first)
    assert [r["name"] for r in recorded] == first
    assert all(len(r["checksum"]) == 64 for r in recorded)


def _copy_migrations(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


def test_pending_migration_is_applied_and_data_survives(empty_database, tmp_path):
    url = empty_database("upgrade_pending")
    directory = _copy_migrations(tmp_path)
    newest = sorted(directory.glob("*.sql"))[-1]
    held_back = newest.read_text()
    newest.unlink()
    upgrade(url, directory, log=lambda _m: None)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO users (username, email, password) "
                     "VALUES ('old_timer', 'old@example.com', 'scrypt:32768:8:1$salt$hash')")
    newest.write_text(held_back)
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        assert [s.state for s in status(conn, directory)][-1] == "pending"
    assert upgrade(url, directory, log=lambda _m: None) == [newest.name]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT username FROM users").fetchall() == [("old_timer",)]


def test_edited_applied_migration_is_refused(empty_database, tmp_path):
    url = empty_database("upgrade_changed")
    directory = _copy_migrations(tmp_path)
    upgrade(url, directory, log=lambda _m: None)
    first = sorted(directory.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited after it was applied\n")
    (directory / "9999_later.sql").write_text("CREATE TABLE should_not_exist (id int);")
    with pytest.raises(MigrationChanged, match=first.name):
        upgrade(url, directory, log=lambda _m: None)
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        assert conn.execute("SELECT to_regclass('should_not_exist') AS t").fetchone()["t"] is None
        assert status(conn, directory)[0].state == "changed"


def test_failed_migration_rolls_back_alone(empty_database, tmp_path):
    url = empty_database("upgrade_failing")
    directory = _copy_migrations(tmp_path)
    (directory / "9998_good.sql").write_text("CREATE TABLE good_one (id int);")
    (directory / "9999_bad.sql").write_text("CREATE TABLE half_done (id int);\nSELECT 1/0;")
    with pytest.raises(psycopg.errors.DivisionByZero):
        upgrade(url, directory, log=lambda _m: None)
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        assert conn.execute("SELECT to_regclass('good_one') IS NOT NULL AS ok").fetchone()["ok"]
        assert conn.execute("SELECT to_regclass('half_done') IS NULL AS ok").fetchone()["ok"]
        assert [s.state for s in status(conn, directory)][-2:] == ["applied", "pending"]


def test_two_upgrades_at_once_apply_each_migration_once(empty_database):
    url = empty_database("upgrade_race")
    results, errors = [], []

    def run():
        try:
            results.append(upgrade(url, log=lambda _m: None))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    applied = sorted(name for result in results for name in result)
    assert applied == sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))


def test_profile_counters_migration_counts_existing_posts_and_likes(empty_database, tmp_path):
    url = empty_database("upgrade_counters")
    directory = _copy_migrations(tmp_path)
    held_back = {p.name: p.read_text() for p in directory.glob("*.sql") if p.name >= "0005"}
    for name in held_back:
        (directory / name).unlink()
    upgrade(url, directory, log=lambda _m: None)
    with psycopg.connect(url, autocommit=True) as conn:
        ids = [conn.execute("INSERT INTO users (username, email, password) "
                            "VALUES (%s, %s, 'scrypt:32768:8:1$salt$hash') RETURNING id",
                            (name, f"{name}@example.com")).fetchone()[0] for name in ("ann", "ben")]
        for uid in ids:
            conn.execute("INSERT INTO profile (user_id) VALUES (%s)", (uid,))
        for n in range(3):
            conn.execute("INSERT INTO posts (user_id, image) VALUES (%s, %s)", (ids[0], f"post/{n}.jpg"))
        conn.execute("INSERT INTO like_post (user_id, post_id) SELECT %s, id FROM posts", (ids[1],))
    for name, text in held_back.items():
        (directory / name).write_text(text)
    upgrade(url, directory, log=lambda _m: None)
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT u.username, pr.post_count, pr.likes_received FROM profile pr "
                            "JOIN users u ON u.id = pr.user_id ORDER BY u.username").fetchall()
    assert rows == [("ann", 3, 3), ("ben", 0, 0)]


def test_username_rule_migration_renames_breaking_names_and_says_so(empty_database, tmp_path):
    url = empty_database("upgrade_usernames")
    directory = _copy_migrations(tmp_path)
    held_back = {p.name: p.read_text() for p in directory.glob("*.sql") if p.name >= "0008"}
    for name in held_back:
        (directory / name).unlink()
    upgrade(url, directory, log=lambda _m: None)
    names = [".", "..", ".alice", "alice", "alice.", "a..b", "Bob.", "ok.name", "." + "x" * 29]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute("INSERT INTO users (username, email, password) VALUES (%s, %s, 'scrypt:1:1:1$s$h')",
                         (name, f"{len(name)}-{abs(hash(name))}@example.com"))
    for name, text in held_back.items():
        (directory / name).write_text(text)
    log: list[str] = []
    upgrade(url, directory, log=log.append)
    with psycopg.connect(url) as conn:
        renamed = [row[0] for row in conn.execute("SELECT username FROM users ORDER BY id")]
    # Dots at the ends dropped, runs of dots made one; a taken result gets "_<id>"; nothing left: "user".
    assert renamed == ["user", "user_2", "alice_3", "alice", "alice_5", "a.b", "Bob", "ok.name", "x" * 29]
    notices = [line for line in log if "renamed user" in line]
    assert len(notices) == 7
    assert '  notice: renamed user 1 from "." to "user" (the old name breaks the username rule)' in log
    assert log.index("applied 0019_username_rule.sql") < log.index(notices[0])
