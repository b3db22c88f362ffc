"""Hostile input in every form field, path and query: a 400 with a message or a correct save, never a 500."""

import pytest
from werkzeug.security import check_password_hash

from tests.support.actions import (
    HOSTILE_TEXT,
    PASSWORD,
    AuthActions,
    create_post,
    csrf_token,
    snapshot,
    stored_text,
    upload,
)
from tests.support.images import image_bytes


def assert_tables_intact(db):
    # A DBA's check that no injected statement ran: every table is still there.
    names = {r["table_name"] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").fetchall()}
    assert {"users", "profile", "posts", "like_post", "login_attempt"} <= names


@pytest.mark.parametrize("field", ["username", "email", "password"])
def test_register_fields(app, db, field):
    for value in HOSTILE_TEXT:
        client = app.test_client()
        data = {"username": "carol", "email": "carol@example.com", "password": PASSWORD}
        data[field] = value
        response = client.post("/auth/register", data={
            "csrf_token": csrf_token(client, "/auth/register"), **data, "confirm": data["password"]})
        assert response.status_code in (302, 400), (field, value, response.status_code)
        rows = db.execute("SELECT username, email, password FROM users").fetchall()
        if response.status_code == 302:
            # Accepted: stored exactly, and the password is a hash that verifies.
            assert rows == [{"username": data["username"], "email": data["email"], "password": rows[0]["password"]}]
            assert check_password_hash(rows[0]["password"], data["password"])
            db.execute("TRUNCATE users RESTART IDENTITY CASCADE")
        else:
            assert rows == []
            assert 'class="field-error"' in response.get_data(as_text=True), (field, value)
        assert_tables_intact(db)


@pytest.mark.parametrize("field", ["login", "password"])
def test_login_fields(app, db, field):
    AuthActions(app.test_client()).register("alice")
    logins = []
    for value in HOSTILE_TEXT:
        logins += [r["login"] for r in db.execute("DELETE FROM login_attempt RETURNING login").fetchall()]
        db.execute("DELETE FROM login_throttle")  # a wrong password each time: no waiting here
        client = app.test_client()
        data = {"login": "alice", "password": "wrong password", field: value}
        response = client.post("/auth/login", data={"csrf_token": csrf_token(client), **data})
        assert response.status_code == 400, (field, value, response.status_code)
        assert 'class="field-error"' in response.get_data(as_text=True)
        assert client.get("/").status_code == 302  # not logged in
        assert_tables_intact(db)
    # NUL cannot be stored, so those attempts were refused before they were counted.
    assert logins and all("\x00" not in login for login in logins)


@pytest.mark.parametrize("field", ["caption", "alt_text"])
def test_new_post_text_fields(logged_in, db, media_root, field):
    for value in HOSTILE_TEXT:
        before = snapshot(db, media_root)
        if len(stored_text(value)) > (2200 if field == "caption" else 1000):
            response = upload(logged_in, "/posts/new", {field: value}, [("image", image_bytes(), "a.png")])
            assert response.status_code == 400, (field, len(value))
            assert "Keep the" in response.get_data(as_text=True)
            assert snapshot(db, media_root) == before
            continue
        post_id = create_post(logged_in, **{field: value})
        stored = db.execute(f"SELECT {field} FROM posts WHERE id = %s", [post_id]).fetchone()[field]  # noqa: S608 - field is a fixed parameter
        assert stored == stored_text(value)
        page = logged_in.get(f"/posts/{post_id}")
        assert page.status_code == 200
        assert_tables_intact(db)


@pytest.mark.parametrize("field", ["caption", "alt_text"])
def test_edit_post_text_fields(logged_in, db, media_root, field):
    post_id = create_post(logged_in, caption="original", alt_text="original alt")
    for value in HOSTILE_TEXT:
        limit = 2200 if field == "caption" else 1000
        before = snapshot(db, media_root)
        other = {"caption": "original", "alt_text": "original alt"}
        other[field] = value
        response = logged_in.post(f"/posts/{post_id}/edit", data={
            "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit"), **other})
        if len(stored_text(value)) > limit:
            assert response.status_code == 400, (field, len(value))
            assert "Keep the" in response.get_data(as_text=True)
            assert snapshot(db, media_root) == before
        else:
            assert response.status_code == 302, (field, value, response.status_code)
            stored = db.execute(f"SELECT {field} FROM posts WHERE id = %s", [post_id]).fetchone()[field]  # noqa: S608 - field is a fixed parameter
            assert stored == stored_text(value)
        assert_tables_intact(db)


@pytest.mark.parametrize("field", ["current", "password"])
def test_password_change_fields(app, db, field):
    for value in HOSTILE_TEXT:
        db.execute("TRUNCATE users RESTART IDENTITY CASCADE")
        db.execute("DELETE FROM login_throttle")  # a wrong password each time: no waiting here
        client = app.test_client()
        AuthActions(client).register("alice")
        data = {"current": PASSWORD, "password": "a new good password", field: value}
        response = client.post("/settings/password", data={
            "csrf_token": csrf_token(client, "/settings/password"), **data, "confirm": data["password"]})
        stored = db.execute("SELECT password FROM users").fetchone()["password"]
        accepted = field == "password" and 12 <= len(value) <= 128 and value.lower() != "alice"
        if accepted:
            assert response.status_code == 302, (field, value)
            assert check_password_hash(stored, value)
        else:
            assert response.status_code == 400, (field, value, response.status_code)
            assert check_password_hash(stored, PASSWORD)


def test_delete_account_password_field(logged_in, db):
    for value in HOSTILE_TEXT:
        db.execute("DELETE FROM login_throttle")  # a wrong password each time: no waiting here
        response = logged_in.post("/settings/delete-account", data={
            "csrf_token": csrf_token(logged_in, "/settings/profile"), "password": value})
        assert response.status_code == 400, (value, response.status_code)
        assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 1


@pytest.mark.parametrize("template", [
    "/u/{}", "/posts/{}", "/posts/{}/likes", "/posts/{}/edit", "/?before={}", "/u/alice?before={}",
    "/posts/1/likes?before={}", "/media/{}", "/media/post/{}", "/auth/login?next={}",
])
def test_hostile_paths_and_queries(logged_in, db, template):
    from urllib.parse import quote

    create_post(logged_in)
    for value in HOSTILE_TEXT:
        path = template.format(quote(value, safe=""))
        response = logged_in.get(path)
        assert response.status_code in (200, 302, 400, 404), (path[:80], response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)
    assert_tables_intact(db)
