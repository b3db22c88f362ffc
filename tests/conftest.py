"""Fixtures: one real PostgreSQL per test session, clean tables per test, an app per test."""

import re
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from photoshare import create_app
from tests.postgres_server import migrated_postgresql

# The S3 fixtures (a real SeaweedFS): s3_server, s3_buckets, s3_app_config.
pytest_plugins = ["tests.s3_server"]

TABLES = "like_post, posts, profile, users, login_attempt"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


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
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")  # noqa: S608 - fixed table list


@pytest.fixture
def media_root(tmp_path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def app_config(database_url, media_root) -> dict:
    """Settings for a test app; S3 tests override MEDIA_BACKEND."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "MEDIA_BACKEND": "local",
        "MEDIA_ROOT": str(media_root),
        "DB_POOL_MAX_SIZE": 4,
    }


@pytest.fixture
def app(app_config, db):
    """The app under test, on the session's database, with clean tables."""
    app = create_app(app_config)
    yield app
    app.extensions["db_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path: str = "/auth/login") -> str:
    """The CSRF token of the client's session, read from a form page."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf_token on {path}"
    return match.group(1) or match.group(2)


class AuthActions:
    """Register, log in and log out through the real forms."""

    def __init__(self, client):
        self.client = client

    def register(self, username="alice", email=None, password=PASSWORD, confirm=None):
        return self.client.post("/auth/register", data={
            "csrf_token": csrf_token(self.client, "/auth/register"),
            "username": username, "email": email or f"{username}@example.com",
            "password": password, "confirm": password if confirm is None else confirm,
        })

    def login(self, login="alice", password=PASSWORD, remember=False, next=None):
        url = "/auth/login" + (f"?next={next}" if next else "")
        data = {"csrf_token": csrf_token(self.client), "login": login, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post(url, data=data)

    def logout(self):
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(self.client, "/")})


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
