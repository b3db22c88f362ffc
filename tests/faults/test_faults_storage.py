"""Faults around the object store: a row that fails after its object was stored, S3 killed mid-uploads."""

import threading
import time

import psycopg
import pytest

from bench.soak_http import Browser
from bench.soak_servers import AppServer
from photoshare.media.factory import create_store
from photoshare.services.media_gc import collect_garbage
from tests.support.actions import PASSWORD, AuthActions, csrf_token, expected_keys, running_app, stored_files, upload
from tests.support.images import image_bytes


@pytest.fixture(params=["local", "s3"])
def backend(request, app_config, media_root):
    """Each test runs on the local folder and on a real S3 server."""
    if request.param == "local":
        return {"config": app_config, "keys": lambda: stored_files(media_root)}
    s3_server, buckets, settings = (request.getfixturevalue(name) for name in ("s3_server", "s3_buckets",
                                                                              "s3_settings"))
    return {"config": {**app_config, **settings}, "keys": lambda: s3_server.keys(*buckets.values())}


@pytest.fixture
def backend_app(backend, db):
    with running_app(backend["config"]) as app:
        yield app


def test_row_failing_after_the_object_was_stored_leaves_no_orphan(backend, backend_app, db, database_url):
    """The insert dies (its connection is killed by a DBA) after the image is in the store: no row, no orphan."""
    client = backend_app.test_client()
    AuthActions(client).register("alice")
    token = csrf_token(client, "/posts/new")
    with psycopg.connect(database_url) as dba:
        # Hold the table so the app's INSERT waits there, after the object is stored.
        dba.execute("LOCK TABLE posts IN SHARE MODE")  # blocks INSERT, not reads
        result = {}
        request = threading.Thread(target=lambda: result.update(response=upload(
            client, "/posts/new", {"caption": "doomed"}, [("image", image_bytes(), "a.png")], token=token)))
        request.start()
        try:
            waiting = None
            for _ in range(200):
                # Activity is a snapshot per transaction: clear it to see the app's backend now.
                dba.execute("SELECT pg_stat_clear_snapshot()")
                waiting = dba.execute(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO posts%'").fetchone()
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting, "the upload never reached its INSERT"
            assert backend["keys"](), "the object should be stored before the row"
            dba.execute("SELECT pg_terminate_backend(%s)", [waiting[0]])
        finally:
            dba.rollback()
        request.join(timeout=30)
    response = result["response"]
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0
    # With the connection gone the app cannot know whether the commit happened, so it keeps the
    # object rather than risk a row without one; no row refers to it, and media gc removes it.
    result = backend_app.test_cli_runner().invoke(args=["media", "gc", "--grace-seconds", "0", "--apply"])
    assert result.exit_code == 0, result.output
    assert backend["keys"]() == set()
    # And the app goes on: the next upload works.
    assert upload(client, "/posts/new", {"caption": "fine"}, [("image", image_bytes(), "b.png")]).status_code == 302


def test_s3_killed_during_parallel_uploads(s3_server, s3_buckets, s3_settings, database_url, db, tmp_path):
    """Uploads in flight while the S3 server dies and returns: 503s, never a 500, no row without its object."""
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "fault-test", "MEDIA_ROOT": str(tmp_path),
           "SIGNUP_LIMIT": "1000",  # many uploaders sign up from one address
           "UPLOAD_LIMIT": "100000",  # each uploader posts as fast as it can: the outage is the subject here
           **{k: str(v) for k, v in s3_settings.items()}}
    server = AppServer(env, workers=2, threads=4)
    statuses: list[tuple[str, int]] = []
    phase = {"name": "before"}
    stop = threading.Event()
    try:
        browsers = []
        for i in range(4):
            browser = Browser(server.url)
            assert browser.register(f"uploader{i}", PASSWORD).status == 302
            browsers.append(browser)

        def keep_uploading(browser: Browser):
            token = browser.csrf_token("/")
            while not stop.is_set():
                r = browser.post("/posts/new", {"csrf_token": token, "caption": "x"},
                                 files=[("image", image_bytes("JPEG", (400, 300)), "a.jpg", "image/jpeg")])
                statuses.append((phase["name"], r.status))

        threads = [threading.Thread(target=keep_uploading, args=(b,)) for b in browsers]
        for t in threads:
            t.start()
        try:
            time.sleep(1.5)
            phase["name"] = "outage"
            s3_server.stop(kill=True)
            time.sleep(2.0)
        finally:
            s3_server.start()
        phase["name"] = "after"
        time.sleep(2.0)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        stop.set()
        server.stop()

    assert all(status in (302, 503) for _, status in statuses), statuses
    assert any(p == "before" and s == 302 for p, s in statuses)
    assert any(p == "outage" and s == 503 for p, s in statuses)
    assert any(p == "after" and s == 302 for p, s in statuses)  # uploads work again
    rows = [r["image"] for r in db.execute("SELECT image FROM posts")]
    assert len(rows) == sum(1 for _, s in statuses if s == 302)
    stored = s3_server.keys(*s3_buckets.values())
    wanted = expected_keys(*rows)
    assert wanted <= stored  # no row without its object
    # Whatever a dying request left behind, media gc removes; nothing referenced is touched.
    store = create_store({**s3_settings, "MEDIA_ROOT": str(tmp_path)})
    with psycopg.connect(database_url, row_factory=psycopg.rows.dict_row, autocommit=True) as conn:
        collect_garbage(store, conn, grace_seconds=0, apply=True, echo=lambda _line: None)
    assert s3_server.keys(*s3_buckets.values()) == wanted
