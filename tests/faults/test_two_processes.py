"""Two app processes against one database and one media store behave as one."""

import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.soak_http import Browser
from bench.soak_servers import AppServer
from tests.support.actions import PASSWORD
from tests.support.images import image_bytes


@pytest.fixture(scope="module")
def two_servers(database_url, tmp_path_factory):
    """Two gunicorn processes on different ports sharing the database, the media folder and the key."""
    media_root = tmp_path_factory.mktemp("media")
    env = {"DATABASE_URL": database_url, "MEDIA_BACKEND": "local", "MEDIA_ROOT": str(media_root),
           "SECRET_KEY": "shared-secret-key", "DB_POOL_MAX_SIZE": "4", "LOGIN_MAX_FAILURES": "5",
           "UPLOAD_LIMIT": "3", "SIGNUP_LIMIT": "3"}
    first = AppServer(env, workers=1, threads=2)
    try:
        second = AppServer(env, workers=1, threads=2)
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def test_post_on_one_is_liked_on_the_other(two_servers, db):
    a, b = two_servers
    assert a.port != b.port and a.process.pid != b.process.pid
    alice = Browser(a.url)
    assert alice.register("alice", PASSWORD).status == 302
    created = alice.post("/posts/new", {"csrf_token": alice.csrf_token("/posts/new"), "caption": "from A"},
                         files=[("image", image_bytes(), "a.png", "image/png")])
    assert created.status == 302, created.text[:500]
    post_path = created.location
    post_id = int(post_path.rsplit("/", 1)[1])

    bob = Browser(b.url)
    assert bob.register("bob", PASSWORD).status == 302
    liked = bob.post(f"/posts/{post_id}/like", {"csrf_token": bob.csrf_token("/")},
                     headers={"Accept": "application/json"})
    assert liked.status == 200 and b'"like_count":1' in liked.body.replace(b" ", b"")

    # alice sees bob's like on A; the image stored through A is served by B.
    page = alice.get(post_path).text
    assert 'data-like-count="1"' in page
    # The photo's signed URL, from the page A rendered, works on B (the same SECRET_KEY signs both).
    src = html.unescape(re.search(r'<img src="(/media/[^"]+)"', page)[1])
    served = bob.get(src)
    assert served.status == 200 and served.headers["content-type"] == "image/png"
    assert db.execute("SELECT count(*) AS n FROM like_post WHERE post_id = %s", [post_id]).fetchone()["n"] == 1


def test_a_session_from_one_works_on_the_other(two_servers, db):
    a, b = two_servers
    alice = Browser(a.url)
    assert alice.register("alice", PASSWORD).status == 302
    on_b = alice.on(b.url)
    feed = on_b.get("/")
    assert feed.status == 200 and "My profile" in feed.text
    # A form rendered by B accepts a token from B with the session made on A, and logging out on B ends it on A.
    assert on_b.post("/auth/logout", {"csrf_token": on_b.csrf_token("/")}).status == 302
    assert alice.get("/").status == 302


def test_log_in_throttling_is_shared_by_both(two_servers, db):
    a, b = two_servers
    assert Browser(a.url).register("alice", PASSWORD).status == 302
    for i in range(5):
        attacker = Browser((a if i % 2 else b).url)
        assert attacker.login("alice", "wrong password").status == 400
    for server in (a, b):
        assert Browser(server.url).login("alice", PASSWORD).status == 429


def test_sixty_parallel_guesses_on_two_servers_get_five_evaluated(two_servers, db):
    # The throttle reserves each attempt before the slow hash, in one statement: parallel guesses
    # cannot all pass a check made before any of them was counted (19 of 60 were, before).
    a, b = two_servers
    assert Browser(a.url).register("alice", PASSWORD).status == 302
    guessers = []
    for i in range(60):
        browser = Browser((a if i % 2 else b).url)
        guessers.append((browser, browser.csrf_token()))
    start = threading.Barrier(len(guessers))

    def guess(guesser) -> int:
        browser, token = guesser
        start.wait()
        return browser.post("/auth/login", {"csrf_token": token, "login": "alice",
                                            "password": "wrong password"}).status

    with ThreadPoolExecutor(max_workers=len(guessers)) as pool:
        statuses = list(pool.map(guess, guessers))
    assert statuses.count(400) == 5, statuses  # evaluated: a wrong password
    assert statuses.count(429) == 55, statuses  # refused before any hashing
    assert db.execute("SELECT attempts FROM login_throttle").fetchone()["attempts"] == 5


def test_the_upload_rate_is_shared_by_both(two_servers, db):
    a, b = two_servers
    alice = Browser(a.url)
    assert alice.register("alice", PASSWORD).status == 302
    statuses = []
    for server in (a, b, a, b):
        browser = alice.on(server.url)
        created = browser.post("/posts/new", {"csrf_token": browser.csrf_token("/posts/new"), "caption": "x"},
                               files=[("image", image_bytes(), "a.png", "image/png")])
        statuses.append(created.status)
    assert statuses == [302, 302, 302, 429]
    assert int(created.headers["retry-after"]) > 0


def test_the_sign_up_limit_is_shared_by_both(two_servers, db):
    a, b = two_servers
    statuses = [Browser(server.url).register(f"user{n}", PASSWORD).status for n, server in enumerate((a, b, a, b))]
    assert statuses == [302, 302, 302, 429]
