"""Profile pages, the profile picture, password change and account deletion."""

import re
from datetime import UTC, datetime

import pytest

from tests.support.actions import (
    PASSWORD,
    AuthActions,
    counting_statements,
    create_post,
    csrf_token,
    delete_account,
    expected_keys,
    log_in_as,
    media_url,
    press,
    profile_image,
    remove_profile_picture,
    seed_posts,
    seed_user,
    stored_files,
    upload_profile_picture,
    user_id,
)
from tests.support.images import image_bytes

PROFILE_KEY_RE = re.compile(r"^profile/alice-\d{8}T\d{12}Z\.(png|jpg)$")
NEW_PASSWORD = "a much better passphrase"


def like(client, post_id):
    assert press(client, post_id, "like").status_code == 302


# --- the profile page -----------------------------------------------------------------------------

def test_profile_page_shows_counts_join_date_and_grid(logged_in, another_client, db):
    first = create_post(logged_in, caption="one")
    second = create_post(logged_in, caption="two")
    bobs = create_post(another_client, caption="bob's")
    like(another_client, first)
    like(another_client, second)
    like(logged_in, second)
    like(logged_in, bobs)
    db.execute("UPDATE users SET created_at = '2023-04-05 10:00+00' WHERE username = 'alice'")
    html = another_client.get("/u/alice").get_data(as_text=True)
    assert ('<section class="profile" data-username="alice" data-post-count="2"\n'
            '         data-follower-count="0" data-following-count="0"') in html
    assert "<strong>2</strong> posts" in html
    assert "<strong>3</strong> likes received" in html
    assert 'title="2023-04-05 10:00 UTC">April 2023</time>' in html
    # No picture yet: a placeholder, not an <img class="avatar">.
    assert 'class="avatar avatar-letter' in html and '<img class="avatar' not in html
    grid = [int(i) for i in re.findall(r'<article class="post grid-item" data-post-id="(\d+)"', html)]
    assert grid == [second, first]
    assert re.search(rf'data-post-id="{second}" data-author="alice"\s+data-like-count="2" data-liked="true"', html)
    assert len(re.findall(r'<img src="/media/post/', html)) == 2
    # Only the owner gets the settings link.
    assert 'href="/settings/profile">Edit profile' not in html
    assert 'href="/settings/profile">Edit profile' in logged_in.get("/u/alice").get_data(as_text=True)


def test_profile_counts_singular_and_empty(logged_in, another_client):
    html = logged_in.get("/u/bob").get_data(as_text=True)
    assert 'data-post-count="0"' in html and "<strong>0</strong> posts" in html
    assert "No posts yet." in html
    post_id = create_post(another_client)
    like(logged_in, post_id)
    html = logged_in.get("/u/bob").get_data(as_text=True)
    assert "<strong>1</strong> post</li>" in html and "<strong>1</strong> like received" in html


def test_unknown_user_is_404(logged_in):
    response = logged_in.get("/u/nobody")
    assert response.status_code == 404
    for name in ("not%20valid", "a%00b", "x" * 31, "%C3%A9"):
        assert logged_in.get(f"/u/{name}").status_code == 404


def test_profile_grid_pages_with_keyset(logged_in, db):
    alice = user_id(db, "alice")
    ids = seed_posts(db, alice, 30, created_at=datetime(2024, 2, 2, tzinfo=UTC))
    html = logged_in.get("/u/alice").get_data(as_text=True)
    first = [int(i) for i in re.findall(r'data-post-id="(\d+)"', html)]
    assert len(first) == 24
    next_url = re.search(r'<a rel="next" class="button" href="([^"]+)"', html).group(1)
    second_html = logged_in.get(next_url).get_data(as_text=True)
    second = [int(i) for i in re.findall(r'data-post-id="(\d+)"', second_html)]
    assert first + second == sorted(ids, reverse=True)
    assert 'rel="next"' not in second_html
    assert logged_in.get("/u/alice?before=nonsense").status_code == 400


def test_profile_statement_count_does_not_grow_with_posts(app, db, monkeypatch):
    alice = seed_user(db, "alice")
    seed_user(db, "viewer")
    client = app.test_client()
    log_in_as(client, db, "viewer")
    counted = []
    for extra in (2, 40):
        seed_posts(db, alice, extra)
        with counting_statements(monkeypatch) as seen:
            assert client.get("/u/alice").status_code == 200
        # The pool's liveness check (an empty query) is sent only for connections idle a while.
        counted.append(len([q for q in seen if q.strip()]))
    # The session's user, the header, the grid.
    assert counted[0] == counted[1] == 3


# --- the profile picture ------------------------------------------------------------------------

def test_settings_page(logged_in):
    html = logged_in.get("/settings/profile").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="image">' in html and '<label for="password">Your password</label>' in html
    assert 'href="/settings/password"' in html
    # Nothing to remove yet.
    assert 'name="remove"' not in html


def test_upload_replace_remove_keeps_one_object_per_profile(logged_in, db, media_root):
    response = upload_profile_picture(logged_in, image_bytes(size=(600, 600)))
    assert response.status_code == 302 and response.headers["Location"] == "/settings/profile"
    first = profile_image(db)
    assert PROFILE_KEY_RE.match(first) and first.endswith(".png")
    assert stored_files(media_root) == expected_keys(first)
    page = logged_in.get("/u/alice").get_data(as_text=True)
    assert '<img class="avatar avatar-120" src="/media/profile/alice-' in page

    # The extension follows the decoded format, not the file name.
    assert upload_profile_picture(logged_in, image_bytes("JPEG", (300, 300)), "me.png").status_code == 302
    second = profile_image(db)
    assert second != first and second.endswith(".jpg")
    assert stored_files(media_root) == expected_keys(second)
    assert logged_in.get(media_url(logged_in.application, first)).status_code == 404

    settings = logged_in.get("/settings/profile").get_data(as_text=True)
    assert 'name="remove"' in settings
    assert remove_profile_picture(logged_in).status_code == 302
    assert profile_image(db) is None
    assert stored_files(media_root) == set()
    assert 'class="avatar avatar-letter' in logged_in.get("/u/alice").get_data(as_text=True)
    # Removing again is harmless.
    assert remove_profile_picture(logged_in).status_code == 302


def test_picture_must_be_an_image(logged_in, db, media_root):
    upload_profile_picture(logged_in, image_bytes())
    kept = profile_image(db)
    response = upload_profile_picture(logged_in, b"GIF89a but not really", "me.gif")
    assert response.status_code == 400
    assert "The file is not a JPEG, PNG, GIF or WebP image." in response.get_data(as_text=True)
    no_file = logged_in.post("/settings/profile", data={
        "csrf_token": csrf_token(logged_in, "/settings/profile"), "upload": "Save picture"})
    assert no_file.status_code == 400 and "Choose an image to upload." in no_file.get_data(as_text=True)
    assert profile_image(db) == kept
    assert stored_files(media_root) == expected_keys(kept)


def test_each_users_picture_is_their_own(logged_in, another_client, db, media_root):
    upload_profile_picture(logged_in, image_bytes())
    upload_profile_picture(another_client, image_bytes())
    alice, bob = profile_image(db, "alice"), profile_image(db, "bob")
    assert alice.startswith("profile/alice-") and bob.startswith("profile/bob-")
    assert stored_files(media_root) == expected_keys(alice, bob)
    remove_profile_picture(logged_in)
    assert stored_files(media_root) == expected_keys(bob)


# --- password change ------------------------------------------------------------------------------

def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/settings/password", data={
        "csrf_token": csrf_token(client, "/settings/password"), "current": current,
        "password": new, "confirm": new if confirm is None else confirm})


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("wrong password", NEW_PASSWORD, None, "That is not your current password."),
    (PASSWORD, "short", None, "Use 12 to 128 characters."),
    (PASSWORD, NEW_PASSWORD, "something else", "The passwords do not match."),
])
def test_password_change_rejects_bad_input(logged_in, db, current, new, confirm, message):
    before = db.execute("SELECT password FROM users").fetchone()["password"]
    response = change_password(logged_in, current, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.execute("SELECT password FROM users").fetchone()["password"] == before


def test_new_password_must_not_be_the_username(app, db):
    client = app.test_client()
    AuthActions(client).register("longname1")
    response = change_password(client, new="LongName1", confirm="LongName1")
    assert response.status_code == 400
    assert "The password must not be your username." in response.get_data(as_text=True)


def test_password_change_logs_out_other_sessions(app, logged_in, db):
    other = app.test_client()
    assert AuthActions(other).login("alice").status_code == 302
    remembered = app.test_client()
    AuthActions(remembered).login("alice", remember=True)
    remembered_cookie = remembered.get_cookie("session").value
    assert other.get("/").status_code == 200

    response = change_password(logged_in)
    assert response.status_code == 302
    assert "Your password is changed." in logged_in.get("/settings/profile").get_data(as_text=True)
    assert logged_in.get("/").status_code == 200
    # Other browsers, and a remember-me cookie from before, no longer get in.
    assert other.get("/").status_code == 302
    stale = app.test_client()
    stale.set_cookie("session", remembered_cookie)
    assert stale.get("/").status_code == 302
    # Only the new password works now.
    fresh = AuthActions(app.test_client())
    assert fresh.login("alice").status_code == 400
    assert fresh.login("alice", password=NEW_PASSWORD).status_code == 302


def test_password_change_keeps_this_browsers_remember_me(app, db):
    client = app.test_client()
    AuthActions(client).register("alice")
    AuthActions(client).logout()
    AuthActions(client).login("alice", remember=True)
    assert change_password(client).status_code == 302
    # The same remembered session goes on, in this browser and after it restarts.
    assert client.get("/").status_code == 200
    later = app.test_client()
    later.set_cookie("session", client.get_cookie("session").value)
    assert later.get("/").status_code == 200


# --- account deletion -----------------------------------------------------------------------------

def counts(db):
    return {table: db.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]  # noqa: S608 - table names from a fixed list
            for table in ("users", "profile", "posts", "like_post")}


def test_account_deletion_needs_the_password(logged_in, db, media_root):
    create_post(logged_in)
    before, files = counts(db), stored_files(media_root)
    for password in ("wrong password", ""):
        response = delete_account(logged_in, password)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "That is not your password." in html or "This field is required." in html
    assert logged_in.post("/settings/delete-account", data={"password": PASSWORD}).status_code == 400
    assert counts(db) == before and stored_files(media_root) == files
    assert logged_in.get("/").status_code == 200


def test_account_deletion_leaves_no_rows_and_no_objects(app, logged_in, another_client, db, media_root):
    upload_profile_picture(logged_in, image_bytes())
    alices = [create_post(logged_in, caption=f"a{i}") for i in range(3)]
    bobs = create_post(another_client, caption="bob's")
    upload_profile_picture(another_client, image_bytes("JPEG"))
    like(logged_in, bobs)
    like(logged_in, alices[0])
    like(another_client, alices[1])
    assert db.execute("SELECT like_count FROM posts WHERE id = %s", (bobs,)).fetchone()["like_count"] == 1
    alice = user_id(db, "alice")
    remembered = app.test_client()
    AuthActions(remembered).login("alice", remember=True)
    # The deleting browser is remembered too; its cookie must not outlive the account.
    AuthActions(logged_in).logout()
    AuthActions(logged_in).login("alice", remember=True)
    copied = logged_in.get_cookie("session").value

    response = delete_account(logged_in)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/register"
    stale = app.test_client()
    stale.set_cookie("session", copied)
    assert stale.get("/").status_code == 302
    assert db.execute("SELECT count(*) AS n FROM user_session").fetchone()["n"] == 1  # bob's
    for table, column in (("users", "id"), ("profile", "user_id"), ("posts", "user_id"), ("like_post", "user_id")):
        rows = db.execute(f"SELECT count(*) AS n FROM {table} WHERE {column} = %s", (alice,)).fetchone()  # noqa: S608 - table and column names from a fixed list
        assert rows["n"] == 0, table
    assert counts(db) == {"users": 1, "profile": 1, "posts": 1, "like_post": 0}
    assert db.execute("SELECT like_count FROM posts WHERE id = %s", (bobs,)).fetchone()["like_count"] == 0
    # Only bob's post image and picture remain in the store.
    bob_keys = [db.execute("SELECT image FROM posts").fetchone()["image"], profile_image(db, "bob")]
    assert stored_files(media_root) == expected_keys(*bob_keys)
    # Logged out everywhere, and the name is free again.
    assert logged_in.get("/").status_code == 302
    assert remembered.get("/").status_code == 302
    assert another_client.get("/u/alice").status_code == 404
    assert AuthActions(app.test_client()).register("alice").status_code == 302
