"""During a database outage a request gets its 503 (with Retry-After) within about a second, from a
real gunicorn with the default settings; it used to wait out the pool's 5 s first."""

import time

import pytest

from bench.soak_http import Browser
from bench.soak_servers import AppServer
from tests.support.actions import PASSWORD
from tests.support.postgres_server import migrated_postgresql


@pytest.fixture
def outage_server(tmp_path):
    with migrated_postgresql() as server:
        app = AppServer({"DATABASE_URL": server.url(), "MEDIA_ROOT": str(tmp_path / "media"),
                         "SECRET_KEY": "outage-test"}, workers=2, threads=1)
        try:
            yield server, app
        finally:
            app.stop()
            if server.child_process is None:
                server.start()


def test_a_request_waits_about_a_second_for_the_database_then_gets_a_503(outage_server):
    server, app = outage_server
    alice = Browser(app.url)
    assert alice.register("alice", PASSWORD).status == 302
    assert alice.get("/").status == 200
    server.terminate()
    try:
        for path in ("/", "/u/alice", "/", "/healthz"):
            response = alice.get(path)
            assert response.status == 503, path
            assert response.headers["retry-after"] == "5", path
            assert response.elapsed < 1.6, f"{path} took {response.elapsed:.2f} s"
    finally:
        server.start()
    deadline = time.monotonic() + 10
    while alice.get("/").status != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)
