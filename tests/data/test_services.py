"""The services' flows without HTTP: a real connection and a real store, rows and objects checked."""

import pytest

from photoshare.errors import StorageUnavailable, UserNotFound
from photoshare.media.images import process_image
from photoshare.media.local import LocalMediaStore
from photoshare.services import accounts
from photoshare.services.login_throttle import LoginLimits, attempt_login
from photoshare.services.posts import delete_post, publish_post
from photoshare.services.profiles import remove_profile_image, replace_profile_image
from tests.support.actions import PASSWORD, expected_keys, stored_files
from tests.support.images import image_bytes

LIMITS = LoginLimits(free_attempts=3, names_per_client=5, window_seconds=900)


@pytest.fixture
def store(tmp_path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


@pytest.fixture
def alice(conn):
    return accounts.register_account(conn, "alice", "alice@example.com", PASSWORD)


def photo():
    return process_image(image_bytes("PNG", (800, 600)), "post")


def test_register_account_makes_the_user_and_the_profile(conn, db):
    user = accounts.register_account(conn, "bob", "bob@example.com", PASSWORD)
    row = db.execute("SELECT u.username, pr.image, u.password FROM users u JOIN profile pr ON pr.user_id = u.id "
                     "WHERE u.id = %s", (user.id,)).fetchone()
    assert row["username"] == "bob" and row["image"] is None and row["password"] != PASSWORD


def test_publish_post_stores_the_photo_then_the_row(conn, db, store, alice, tmp_path):
    post_id = publish_post(conn, store, alice.id, photo(), caption="hi", alt_text="a test card")
    row = db.execute("SELECT user_id, caption, alt_text, image, image_width FROM posts WHERE id = %s",
                     (post_id,)).fetchone()
    assert (row["user_id"], row["caption"], row["alt_text"], row["image_width"]) == (alice.id, "hi", "a test card", 800)
    assert row["image"].startswith(f"post/{post_id}-")
    assert stored_files(tmp_path / "media") == expected_keys(row["image"])


def test_publish_post_for_a_missing_author_leaves_no_object(conn, db, store, tmp_path):
    with pytest.raises(UserNotFound):
        publish_post(conn, store, 4242, photo())
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0
    assert stored_files(tmp_path / "media") == set()


def test_publish_post_with_the_store_down_saves_nothing(conn, db, alice, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    broken = LocalMediaStore(tmp_path / "file" / "media")
    with pytest.raises(StorageUnavailable):
        publish_post(conn, broken, alice.id, photo())
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0


def test_delete_post_removes_row_and_objects_only_for_its_author(conn, db, store, alice, tmp_path):
    post_id = publish_post(conn, store, alice.id, photo())
    bob = accounts.register_account(conn, "bob", "bob@example.com", PASSWORD)
    assert delete_post(conn, store, post_id, bob.id) is False
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 1
    assert delete_post(conn, store, post_id, alice.id) is True
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0
    assert stored_files(tmp_path / "media") == set()


def test_replacing_the_profile_picture_deletes_the_old_one(conn, db, store, alice, tmp_path):
    avatar = process_image(image_bytes("PNG", (300, 300)), "profile")
    replace_profile_image(conn, store, alice.id, alice.username, avatar)
    first = db.execute("SELECT image FROM profile WHERE user_id = %s", (alice.id,)).fetchone()["image"]
    replace_profile_image(conn, store, alice.id, alice.username, avatar)
    second = db.execute("SELECT image FROM profile WHERE user_id = %s", (alice.id,)).fetchone()["image"]
    assert first != second
    assert stored_files(tmp_path / "media") == expected_keys(second)
    remove_profile_image(conn, store, alice.id)
    assert db.execute("SELECT image FROM profile WHERE user_id = %s", (alice.id,)).fetchone()["image"] is None
    assert stored_files(tmp_path / "media") == set()


def test_delete_account_removes_rows_and_every_image(conn, db, store, alice, tmp_path):
    publish_post(conn, store, alice.id, photo())
    replace_profile_image(conn, store, alice.id, alice.username, process_image(image_bytes(), "profile"))
    accounts.delete_account(conn, store, alice.id)
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
    assert stored_files(tmp_path / "media") == set()


def test_login_by_name_or_email_counts_failures_and_clears_them(conn, db, alice):
    assert attempt_login(conn, "ALICE", PASSWORD, "10.0.0.1", LIMITS).user == alice
    assert attempt_login(conn, "alice@example.com", PASSWORD, "10.0.0.1", LIMITS).user == alice
    for _ in range(2):
        assert attempt_login(conn, "alice", "wrong", "10.0.0.1", LIMITS) == (None, None)
    assert db.execute("SELECT count(*) AS n FROM login_attempt").fetchone()["n"] == 2
    assert db.execute("SELECT attempts FROM login_throttle").fetchone()["attempts"] == 2
    assert attempt_login(conn, "alice", PASSWORD, "10.0.0.1", LIMITS).user == alice
    assert db.execute("SELECT count(*) AS n FROM login_attempt").fetchone()["n"] == 0
    assert db.execute("SELECT count(*) AS n FROM login_throttle").fetchone()["n"] == 0


def test_login_waits_after_the_free_attempts_per_name_in_any_case(conn, alice):
    for login in ("alice", "ALICE", "Alice"):
        assert attempt_login(conn, login, "wrong", "10.0.0.1", LIMITS).throttled is False
    # The right password is not even checked until the wait is over, from any address.
    result = attempt_login(conn, "alice", PASSWORD, "10.0.0.2", LIMITS)
    assert result.user is None and 55 <= result.retry_after <= 60


def test_a_wait_on_the_email_says_nothing_about_the_username(conn, alice):
    for _ in range(3):
        attempt_login(conn, "alice@example.com", "wrong", "10.0.0.1", LIMITS)
    assert attempt_login(conn, "alice@example.com", PASSWORD, "10.0.0.1", LIMITS).throttled
    # Not linked: the username has its own count, as any other name would.
    assert attempt_login(conn, "alice", PASSWORD, "10.0.0.1", LIMITS).user == alice


def test_each_attempt_after_the_free_ones_waits_twice_as_long(conn, db, alice):
    waits = []
    for _ in range(6):
        db.execute("UPDATE login_throttle SET next_attempt_at = now()")  # the wait is over
        assert attempt_login(conn, "alice", "wrong", "10.0.0.1", LIMITS).throttled is False
        waits.append(attempt_login(conn, "alice", "wrong", "10.0.0.1", LIMITS).retry_after)
    # Attempts 1 and 2 are free; each one from the third on makes the next wait twice as long.
    assert waits[0] is None
    assert [round(w / 60) for w in waits[1:]] == [1, 2, 4, 8, 16]
    # Never a lock: the owner's password works once the wait is over, and clears the count.
    db.execute("UPDATE login_throttle SET next_attempt_at = now()")
    assert attempt_login(conn, "alice", PASSWORD, "10.0.0.1", LIMITS).user == alice
    assert attempt_login(conn, "alice", "wrong", "10.0.0.1", LIMITS).retry_after is None


def test_a_known_device_logs_in_while_strangers_wait(conn, alice):
    for _ in range(5):
        attempt_login(conn, "alice", "wrong", "203.0.113.5", LIMITS)
    assert attempt_login(conn, "alice", PASSWORD, "198.51.100.1", LIMITS).throttled
    # alice's own browser, which logged in before: its own count, untouched by the strangers'.
    known = attempt_login(conn, "alice", PASSWORD, "198.51.100.1", LIMITS, "dev1", frozenset({alice.id}))
    assert known.user == alice
    # A device that knows other accounts only is a stranger for this one.
    assert attempt_login(conn, "alice", PASSWORD, "198.51.100.1", LIMITS, "dev2", frozenset({alice.id + 1})).throttled


def test_a_known_device_is_throttled_too(conn, alice):
    device = ("dev1", frozenset({alice.id}))
    for _ in range(3):
        assert attempt_login(conn, "alice", "wrong", "10.0.0.1", LIMITS, *device).throttled is False
    assert attempt_login(conn, "alice", PASSWORD, "10.0.0.1", LIMITS, *device).throttled


def test_the_client_limit_counts_distinct_names_not_failures(conn, alice):
    # One office logging in to its own account again and again is never refused for it...
    for _ in range(2):
        attempt_login(conn, "alice", "wrong", "10.0.0.9", LIMITS)
    assert attempt_login(conn, "alice", PASSWORD, "10.0.0.9", LIMITS).user == alice
    # ...a client trying name after name is.
    for n in range(5):
        attempt_login(conn, f"nobody{n}", "wrong", "10.0.0.9", LIMITS)
    assert attempt_login(conn, "carol", "wrong", "10.0.0.9", LIMITS).throttled
    # A name it already tried is not a new one.
    assert not attempt_login(conn, "nobody0", "wrong", "10.0.0.9", LIMITS).throttled
    assert attempt_login(conn, "carol", "wrong", "10.0.0.10", LIMITS).throttled is False


def test_an_ipv6_client_is_its_slash_64(conn):
    for n in range(5):
        attempt_login(conn, f"nobody{n}", "wrong", f"2001:db8:1:2::{n + 1}", LIMITS)
    assert attempt_login(conn, "carol", "wrong", "2001:db8:1:2:ffff::9", LIMITS).throttled
    assert not attempt_login(conn, "carol", "wrong", "2001:db8:1:3::1", LIMITS).throttled


def test_the_wait_is_capped(conn, db, alice):
    limits = LIMITS._replace(max_delay_seconds=300)
    db.execute("INSERT INTO login_throttle (subject, attempts, next_attempt_at) VALUES ('login:alice', 40, now())")
    assert attempt_login(conn, "alice", "wrong", "10.0.0.1", limits).throttled is False
    assert 295 <= attempt_login(conn, "alice", "wrong", "10.0.0.1", limits).retry_after <= 300
