"""PostgreSQL stopped and started while the app runs: a friendly 503 meanwhile, then work resumes, nothing lost."""

import signal
import time

import psycopg
import pytest
from psycopg.rows import dict_row

from photoshare.data.db import RECENTLY_USED_SECONDS
from tests.support.actions import AuthActions, create_post, csrf_token, running_app, stored_files, upload
from tests.support.images import image_bytes
from tests.support.postgres_server import empty_tables, migrated_postgresql


@pytest.fixture(scope="module")
def fault_server():
    """A PostgreSQL of our own: stopping it must not disturb the session's server."""
    with migrated_postgresql() as server:
        yield server


@pytest.fixture
def fault_db(fault_server):
    with psycopg.connect(fault_server.url(), autocommit=True, row_factory=dict_row) as conn:
        empty_tables(conn)
    yield fault_server


@pytest.fixture
def fault_app(fault_db, media_root):
    # The test server runs with synchronous_commit off for speed; a crash test needs what a
    # production server has: a commit is on disk when the client hears of it.
    url = fault_db.url() + "?options=-c%20synchronous_commit%3Don"
    with running_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE_URL": url,
                      "MEDIA_BACKEND": "local", "MEDIA_ROOT": str(media_root),
                      "DB_POOL_MIN_SIZE": 2, "DB_POOL_MAX_SIZE": 4, "DB_POOL_TIMEOUT": 2.0}) as app:
        yield app


def crash(server) -> None:
    """Immediate shutdown (what a power cut or OOM kill looks like): no checkpoint, recovery on start."""
    server.child_process.send_signal(signal.SIGQUIT)
    server.child_process.wait(timeout=30)
    server.child_process = None


def read_state(server) -> dict:
    with psycopg.connect(server.url(), row_factory=dict_row) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608 - fixed names
                for table in ("users", "profile", "posts", "like_post")}


@pytest.mark.parametrize("how", ["fast shutdown", "crash"])
def test_outage_gives_503_then_the_app_recovers_with_nothing_lost(fault_app, fault_db, media_root, how):
    server = fault_db
    alice = fault_app.test_client()
    AuthActions(alice).register("alice")
    post_id = create_post(alice, caption="before the outage")
    token = csrf_token(alice, "/")
    assert alice.post(f"/posts/{post_id}/like", data={"csrf_token": token}).status_code == 302
    committed = read_state(server)
    files = stored_files(media_root)

    if how == "crash":
        crash(server)
    else:
        server.terminate()
    try:
        for path in ("/", f"/posts/{post_id}"):
            response = alice.get(path)
            assert response.status_code == 503, path
            html = response.get_data(as_text=True)
            assert "briefly unavailable" in html and "Traceback" not in html
        health = alice.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "down"
        # Writes during the outage fail cleanly and store nothing.
        response = upload(alice, "/posts/new", {"caption": "during"}, [("image", image_bytes(), "a.png")],
                          token=token)
        assert response.status_code == 503
        assert alice.post(f"/posts/{post_id}/unlike", data={"csrf_token": token}).status_code == 503
        assert stored_files(media_root) == files
    finally:
        server.start()

    # The very first requests after the restart succeed: the pool replaced its broken connections.
    started = time.monotonic()
    assert alice.get("/").status_code == 200
    assert alice.get("/healthz").status_code == 200
    assert time.monotonic() - started < 5
    assert read_state(server) == committed
    # And work continues: a new post and an unlike commit.
    second = create_post(alice, caption="after the outage")
    assert alice.post(f"/posts/{post_id}/unlike", data={"csrf_token": csrf_token(alice, "/")}).status_code == 302
    after = read_state(server)
    assert [p["id"] for p in after["posts"]] == [post_id, second]
    assert after["like_post"] == []
    assert snapshot_media_matches_rows(after, media_root)


def snapshot_media_matches_rows(state: dict, media_root) -> bool:
    """Every post image is stored, and nothing else is (renditions aside)."""
    keys = {p["image"] for p in state["posts"]}
    mains = {k for k in stored_files(media_root) if not k.rsplit(".", 1)[0].endswith("-640")}
    return keys == mains


def test_other_clients_see_the_recovery_too(fault_app, fault_db):
    """Each pooled connection broken by the restart is replaced, not handed to a request."""
    clients = [fault_app.test_client() for _ in range(4)]
    for i, client in enumerate(clients):
        AuthActions(client).register(f"user{i}")
    fault_db.terminate()
    # Down for longer than the window in which a just-used connection is trusted unchecked
    # (within it, a request on a broken connection fails as it would mid-request).
    time.sleep(RECENTLY_USED_SECONDS + 0.5)
    fault_db.start()
    # More requests than the pool has connections: every one of them must get a working one.
    for _ in range(3):
        for client in clients:
            assert client.get("/").status_code == 200
    assert len(read_state(fault_db)["users"]) == 4

