"""Authorization and CSRF on every state-changing route: refused, and nothing changed in the database or the store."""

import io
from urllib.parse import urlsplit

import pytest

from tests.support.actions import CSRF_RE, PASSWORD, create_post, csrf_token, press, snapshot, upload_profile_picture
from tests.support.images import image_bytes


@pytest.fixture
def world(logged_in, another_client, db):
    """alice with a post (liked by herself) and a profile picture; bob logged in elsewhere."""
    post_id = create_post(logged_in, caption="alice's photo")
    press(logged_in, post_id, "like")
    response = upload_profile_picture(logged_in, image_bytes(), "me.png")
    assert response.status_code == 302
    ids = {r["username"]: r["id"] for r in db.execute("SELECT id, username FROM users").fetchall()}
    return {"post_id": post_id, "alice_id": ids["alice"], "bob_id": ids["bob"]}


def post_requests(world) -> list[tuple[str, dict]]:
    """Every state-changing POST with fields a user would send (files added separately)."""
    pid, alice = world["post_id"], world["alice_id"]
    return [
        ("/posts/new", {"caption": "new", "user_id": alice}),
        (f"/posts/{pid}/edit", {"caption": "changed", "alt_text": "changed", "user_id": alice}),
        (f"/posts/{pid}/delete", {"user_id": alice}),
        (f"/posts/{pid}/like", {"user_id": alice}),
        (f"/posts/{pid}/unlike", {"user_id": alice}),
        ("/settings/profile", {"remove": "Remove picture", "user_id": alice, "username": "alice"}),
        ("/settings/password", {"current": PASSWORD, "password": "another password 1",
                                "confirm": "another password 1", "user_id": alice}),
        ("/settings/delete-account", {"password": PASSWORD, "user_id": alice}),
        ("/auth/logout", {}),
    ]


# The routes whose form comes back after a CSRF failure (web/forms.py); buttons get the error page.
FORM_PAGES = {"/posts/new", "/posts/{pid}/edit", "/settings/profile", "/settings/password", "/settings/delete-account"}


def send(client, path: str, fields: dict, token: str | None):
    data = dict(fields)
    if token is not None:
        data["csrf_token"] = token
    if path == "/posts/new":
        data["image"] = (io.BytesIO(image_bytes()), "x.png")
        return client.post(path, data=data, content_type="multipart/form-data")
    return client.post(path, data=data)


def test_anonymous_cannot_change_anything(app, world, db, media_root):
    before = snapshot(db, media_root)
    nobody = app.test_client()
    token = csrf_token(nobody, "/auth/login")  # a valid token, so only the login check stands in the way
    for path, fields in post_requests(world):
        response = send(nobody, path, fields, token)
        if path == "/auth/logout":
            assert response.status_code == 302
            continue
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/auth/login", path
        assert snapshot(db, media_root) == before, path


@pytest.mark.parametrize("path", ["/", "/posts/new", "/posts/1", "/posts/1/edit", "/posts/1/likes", "/u/alice",
                                  "/settings/profile", "/settings/password"])
def test_anonymous_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_another_user_cannot_edit_or_delete_a_post(world, another_client, db, media_root):
    before = snapshot(db, media_root)
    pid = world["post_id"]
    token = csrf_token(another_client, "/")
    assert another_client.get(f"/posts/{pid}/edit").status_code == 403
    assert another_client.post(f"/posts/{pid}/edit", data={"csrf_token": token, "caption": "pwned"}).status_code == 403
    assert another_client.post(f"/posts/{pid}/delete", data={"csrf_token": token}).status_code == 403
    assert snapshot(db, media_root) == before


def alices_rows(db, world) -> dict:
    """alice's user, profile and likes rows, and her post's row."""
    alice, pid = world["alice_id"], world["post_id"]
    return {
        "user": db.execute("SELECT * FROM users WHERE id = %s", [alice]).fetchone(),
        "profile": db.execute("SELECT * FROM profile WHERE user_id = %s", [alice]).fetchone(),
        "post": db.execute("SELECT * FROM posts WHERE id = %s", [pid]).fetchone(),
        "likes": db.execute("SELECT * FROM like_post WHERE user_id = %s", [alice]).fetchall(),
    }


def test_forged_ids_change_only_the_senders_own_rows(world, another_client, db, media_root):
    alice_before = alices_rows(db, world)
    alice_media = snapshot(db, media_root)["media"]
    token = csrf_token(another_client, "/")
    for path, fields in post_requests(world):
        if path.endswith(("/edit", "/delete")):
            continue  # 403, covered above
        response = send(another_client, path, fields, token)
        assert response.status_code in (302, 400), (path, response.status_code)
    # bob's own actions happened (his post, like, password); alice's rows and objects are untouched.
    after = alices_rows(db, world)
    assert {k: v for k, v in after.items() if k != "post"} == {k: v for k, v in alice_before.items() if k != "post"}
    # Only like_count may differ (bob liked then unliked); the post itself is alice's as before.
    assert {**after["post"], "like_count": 0, "updated_at": 0} == {**alice_before["post"], "like_count": 0,
                                                                   "updated_at": 0}
    assert alice_media <= snapshot(db, media_root)["media"]
    assert db.execute("SELECT count(*) AS n FROM posts WHERE user_id = %s", [world["bob_id"]]).fetchone()["n"] == 1


def test_unlike_removes_only_the_senders_like(world, another_client, db):
    pid = world["post_id"]
    token = csrf_token(another_client, "/")
    assert another_client.post(f"/posts/{pid}/unlike", data={"csrf_token": token}).status_code == 302
    rows = db.execute("SELECT user_id FROM like_post WHERE post_id = %s", [pid]).fetchall()
    assert rows == [{"user_id": world["alice_id"]}]


@pytest.mark.parametrize("action", ["like", "unlike", "edit", "delete"])
def test_missing_post_is_404(logged_in, db, media_root, action):
    before = snapshot(db, media_root)
    response = logged_in.post(f"/posts/987654/{action}", data={"csrf_token": csrf_token(logged_in, "/")})
    assert response.status_code == 404
    assert snapshot(db, media_root) == before


@pytest.mark.parametrize("token_kind", ["missing", "wrong", "another session's"])
def test_csrf_on_every_post_route(world, logged_in, another_client, db, media_root, token_kind):
    tokens = {"missing": None, "wrong": "not-a-token", "another session's": csrf_token(another_client, "/")}
    before = snapshot(db, media_root)
    for path, fields in post_requests(world):
        response = send(logged_in, path, fields, tokens[token_kind])
        assert response.status_code == 400, (path, response.status_code)
        page = response.get_data(as_text=True)
        # A form comes back with what was typed, asking to send it again.
        if path in {page.format(pid=world["post_id"]) for page in FORM_PAGES}:
            assert "Nothing was saved" in page and "send it again" in page, path
            assert CSRF_RE.search(page), path
        else:
            assert "The form expired or was not sent from this site." in page, path
        assert snapshot(db, media_root) == before, path
    assert logged_in.get("/").status_code == 200  # logout was refused too


@pytest.mark.parametrize("token_kind", ["missing", "wrong"])
def test_csrf_on_register_and_login(app, db, token_kind):
    token = None if token_kind == "missing" else "not-a-token"
    client = app.test_client()
    fields = {"username": "mallory", "email": "m@example.com", "password": PASSWORD, "confirm": PASSWORD}
    response = send(client, "/auth/register", fields, token)
    assert response.status_code == 400
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
    client.post("/auth/register", data={"csrf_token": csrf_token(client, "/auth/register"), **fields})
    other = app.test_client()
    response = send(other, "/auth/login", {"login": "mallory", "password": PASSWORD}, token)
    assert response.status_code == 400
    assert other.get("/").status_code == 302  # not logged in
