"""With no DATABASE_URL the app runs on an embedded PostgreSQL (pgserver) under instance/."""

import json
import os
import subprocess
import sys
from pathlib import Path

from photoshare.config import PROJECT_ROOT
from photoshare.data.migrate import migration_files

SCRIPT = """
import json, logging
from photoshare import create_app
app = create_app({"TESTING": True})
warnings = []
app.logger.addHandler(type("H", (logging.Handler,), {"emit": lambda self, r: warnings.append(r.getMessage())})())
client = app.test_client()
health = client.get("/healthz")
register = client.get("/auth/register")
print(json.dumps({"health": health.get_json(), "register": register.status_code,
                  "embedded": app.config["DATABASE_EMBEDDED"], "warnings": warnings}))
"""


def _run(argv: list[str], embedded_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(INSTANCE_PATH=str(embedded_dir / "instance"), MEDIA_ROOT=str(embedded_dir / "media"))
    # A separate process: the embedded server stops when its last user exits.
    result = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _app_report(embedded_dir: Path) -> dict:
    return json.loads(_run([sys.executable, "-c", SCRIPT], embedded_dir).stdout.strip().splitlines()[-1])


def test_the_app_runs_on_the_embedded_database_and_db_upgrade_says_what_it_applied(embedded_dir):
    flask = str(Path(sys.executable).with_name("flask"))
    names = [m.name for m in migration_files()]

    # Starting the app does not migrate behind the operator's back: it says what is missing.
    report = _app_report(embedded_dir)
    assert report["health"] == {"database": "ok", "storage": "ok"} and report["embedded"] is True
    assert report["register"] == 200
    assert any(f"lacks {len(names)} migration(s)" in w and "flask --app wsgi db upgrade" in w
               for w in report["warnings"]), report["warnings"]

    first = _run([flask, "--app", "wsgi", "db", "upgrade"], embedded_dir).stdout
    for name in names:
        assert f"applied {name}" in first
    assert f"{len(names)} migration(s) applied; the database is up to date." in first
    again = _run([flask, "--app", "wsgi", "db", "upgrade"], embedded_dir).stdout
    assert "0 migration(s) applied; the database is up to date." in again and "applied 0" not in again

    assert _app_report(embedded_dir)["warnings"] == []
    key_file = embedded_dir / "instance" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (embedded_dir / "instance" / "pgdata" / "PG_VERSION").exists()


def test_a_test_config_writes_no_key_and_starts_no_database(tmp_path, monkeypatch, app_config):
    """The overrides apply before the factory acts: with SECRET_KEY and DATABASE_URL given, instance/
    gets no generated key and no embedded PostgreSQL, even when the environment has neither."""
    from photoshare import create_app

    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(app_config)
    try:
        assert app.config["DATABASE_EMBEDDED"] is False
        assert app.config["SECRET_KEY"] == app_config["SECRET_KEY"]
        assert not (tmp_path / "instance").exists()
    finally:
        app.extensions["db_pool"].close()


SEARCH_SCRIPT = """
import json
from photoshare import create_app
from photoshare.data.db import get_conn, transaction
from photoshare.repositories import UserRepository
from photoshare.services.search import search
app = create_app({"TESTING": True})
with app.app_context():
    with transaction() as conn:
        for name in ("jonathan", "nathan", "jo"):
            UserRepository(conn).add(name, name + "@example.com", "scrypt:32768:8:1$salt$hash")
    trigrams = get_conn().execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()[0]
    found = {q: [m.username for m in search(get_conn(), q).accounts] for q in ("jo", "nath", "jonahtan")}
print(json.dumps({"trigrams": trigrams, "found": found}))
"""


def test_search_on_the_embedded_database_finds_prefixes_and_substrings(embedded_dir):
    # pgserver has no contrib extensions: migration 0025 makes the search functions match substrings.
    flask = str(Path(sys.executable).with_name("flask"))
    _run([flask, "--app", "wsgi", "db", "upgrade"], embedded_dir)
    result = _run([sys.executable, "-c", SEARCH_SCRIPT], embedded_dir)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"trigrams": 0, "found": {"jo": ["jo", "jonathan"], "nath": ["nathan", "jonathan"],
                                               "jonahtan": []}}
