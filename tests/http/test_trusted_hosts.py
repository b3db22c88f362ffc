"""TRUSTED_HOSTS: a request naming any other host is a 400 before the app runs, so nothing the app
builds from the Host header (redirects, absolute links) can point at an attacker's host."""

import pytest

from photoshare.config import host_names
from tests.support.actions import AuthActions, counting_statements, running_app

LOCAL = ["localhost", "LocalHost", "localhost:5000", "127.0.0.1", "127.0.0.1:8000", "[::1]", "[::1]:8080"]
FOREIGN = ["evil.example", "evil.example:80", "localhost.evil.example", "127.0.0.1.nip.io", "localhost:99999",
           "local host", "[::2]", "", "localhost/", "user@localhost"]


@pytest.mark.parametrize("host", LOCAL)
def test_a_local_run_answers_for_the_local_names_on_any_port(client, host):
    response = client.get("/auth/login", headers={"Host": host})
    assert response.status_code == 200, host


@pytest.mark.parametrize("host", FOREIGN)
def test_any_other_host_is_refused_before_anything_runs(client, monkeypatch, host):
    with counting_statements(monkeypatch) as statements:
        response = client.get("/", headers={"Host": host})
    assert response.status_code == 400, host
    assert response.get_data(as_text=True) == "Unknown host.\n"
    # Nothing ran: no query, no session, no redirect to a log-in page on that host.
    assert statements == []
    assert "Location" not in response.headers and "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_host_cannot_even_try_a_password(client, db):
    AuthActions(client).register("alice")
    AuthActions(client).logout()
    response = client.post("/auth/login", data={"login": "alice", "password": "guess"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert db.execute("SELECT count(*) AS n FROM login_attempt").fetchone()["n"] == 0


@pytest.fixture
def production(app_config, db):
    config = {**app_config, "TRUSTED_HOST_NAMES": host_names("photos.example.com, .cdn.example.com")}
    with running_app(config) as app:
        yield app.test_client()


@pytest.mark.parametrize("host, status", [
    ("photos.example.com", 200), ("PHOTOS.example.com:443", 200), ("cdn.example.com", 200),
    ("eu.cdn.example.com", 200), ("localhost", 400), ("127.0.0.1", 400), ("example.com", 400),
    ("photos.example.com.evil.example", 400), ("xcdn.example.com", 400),
])
def test_the_configured_names_replace_the_local_ones(production, host, status):
    assert production.get("/auth/login", headers={"Host": host}).status_code == status, host


def test_redirects_stay_on_the_requested_host(production):
    anonymous = production.get("/", headers={"Host": "photos.example.com"})
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/auth/login")


def test_trusted_hosts_setting_is_read_as_the_readme_says():
    assert host_names(None) == ("localhost", "127.0.0.1", "[::1]")
    assert host_names(" ") == ("localhost", "127.0.0.1", "[::1]")
    assert host_names("Photos.Example.com:8443, [2001:db8::1]:443,,.cdn.example.com") == (
        "photos.example.com", "[2001:db8::1]", ".cdn.example.com")
