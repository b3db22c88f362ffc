"""Fixtures: one real PostgreSQL per test session, clean tables per test, an app per test."""

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.support.actions import AuthActions, clear_of_utc_midnight, running_app
from tests.support.postgres_server import empty_tables, migrated_postgresql

# The S3 fixtures (a real SeaweedFS): s3_server, s3_buckets, s3_settings, s3_app_config; the SMTP
# fixtures (a real aiosmtpd): smtp_server, mailbox, tls_smtp_server.
pytest_plugins = ["tests.support.s3_server", "tests.support.smtp_server"]


@pytest.fixture(scope="session")
def postgresql():
    """The session's PostgreSQL server (migrated once)."""
    with migrated_postgresql() as server:
        yield server


@pytest.fixture(scope="session")
def database_url(postgresql) -> str:
    return postgresql.url()


@pytest.fixture
def db(database_url):
    """An autocommit connection for checking results with independent SQL; tables emptied after."""
    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn
        empty_tables(conn)


@pytest.fixture
def conn(database_url, db):
    """An autocommit connection like the app's pool, for the repositories; dict rows for the tests' own SQL
    (repositories read tuples whatever the connection's row factory)."""
    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as connection:
        yield connection


@pytest.fixture
def embedded_dir() -> Path:
    """A folder for an embedded PostgreSQL (pgserver), outside pytest's own temporary root: pytest keeps
    that root at mode 0700 (and sets it back whenever a pytest session starts), and pgserver's server
    runs as an unprivileged user who must reach the data folder."""
    path = Path(tempfile.mkdtemp(prefix="photoshare-embedded-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def media_root(tmp_path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def app_config(database_url, media_root, smtp_server) -> dict:
    """Settings for a test app; S3 tests override MEDIA_BACKEND. Mail goes to the session's SMTP server."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "MEDIA_BACKEND": "local",
        "MEDIA_ROOT": str(media_root),
        "DB_POOL_MAX_SIZE": 4,
        # Tests sign up many accounts from 127.0.0.1; the limit's own tests set it low.
        "SIGNUP_LIMIT": 10_000,
        **smtp_server.settings,
    }


@pytest.fixture
def app(app_config, db):
    """The app under test, on the session's database, with clean tables."""
    with running_app(app_config) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def logged_in(auth):
    """A client logged in as alice."""
    response = auth.register("alice")
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth.client


@pytest.fixture
def another_client(app):
    """A second browser, logged in as bob."""
    other = app.test_client()
    response = AuthActions(other).register("bob")
    assert response.status_code == 302
    return other


@pytest.fixture
def one_utc_day():
    """The test makes its likes within one UTC day (the notifications page groups them by day)."""
    clear_of_utc_midnight()
