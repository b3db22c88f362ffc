"""Test actions: the real forms posted through the test client, rows seeded and read with plain SQL, the store read."""

import re
import secrets
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import psycopg
import pytest

from photoshare import create_app
from photoshare.media.factory import get_store
from photoshare.media.keys import KINDS, main_key
from photoshare.media.stored_images import image_keys
from photoshare.services.passwords import hash_password
from photoshare.services.sessions import token_hash
from tests.support.images import image_bytes

PASSWORD = "correct horse battery"
# One scrypt hash for every seeded user: hashing is deliberately slow.
SEEDED_HASH = hash_password(PASSWORD)
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
POST_URL_RE = re.compile(r"/posts/(\d+)$")

# Values that have broken web apps before: SQL, quoting, NUL, length, bidi, emoji, templates.
HOSTILE_TEXT = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '"; DELETE FROM posts WHERE "1"="1',
    "Robert'); DROP TABLE like_post;--",
    "\\'\\\"\\\\",
    "a\x00b",
    "\x00",
    "x" * 10_000,
    "\u202egnp.exe\u202c and \u200f\u200e marks",
    "😀👍🏽 👨‍👩‍👧‍👦 🇫🇷",
    "%s %(x)s {0} :name $1",
    "{{ 7*7 }} {% raw %}",
    "<script>alert(1)</script>",
    "\r\n\r\nSet-Cookie: x=y",
]


def stored_text(text: str) -> str:
    """What the app stores for a caption or alt text: NUL dropped, \n line ends, trimmed."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


# --- the app --------------------------------------------------------------------------------------

@contextmanager
def running_app(config: dict):
    """An app on these settings; its mail is delivered and its connection pool closed on the way out."""
    app = create_app(config)
    try:
        yield app
    finally:
        app.extensions["outbox"].close()
        app.extensions["db_pool"].close()


@pytest.fixture(params=["local", "s3"])
def app_config(request, app_config):
    """Import into a test module to run each of its tests against both backends."""
    if request.param == "s3":
        return {**app_config, **request.getfixturevalue("s3_settings")}
    return app_config


# --- forms, through the test client ----------------------------------------------------------------

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


def upload(client, path: str, fields: dict, files: list[tuple[str, bytes, str]], token: str | None = None):
    """POST a multipart form with the session's CSRF token; files are (field, bytes, filename)."""
    data = {"csrf_token": token or csrf_token(client, path), **fields}
    multi = [(name, (BytesIO(body), filename)) for name, body, filename in files]
    for name, value in multi:
        data.setdefault(name, [])
        if not isinstance(data[name], list):
            data[name] = [data[name]]
        data[name].append(value)
    return client.post(path, data=data, content_type="multipart/form-data")


def upload_post(client, data: bytes, filename: str = "photo.jpg", caption: str = "", alt_text: str = ""):
    """POST /posts/new with a file, as the create form does."""
    return upload(client, "/posts/new", {"caption": caption, "alt_text": alt_text}, [("image", data, filename)])


def post_id_from(response) -> int:
    """The id of the post a create request redirected to."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = POST_URL_RE.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def create_post(client, image: bytes | None = None, caption: str = "", alt_text: str = "",
                filename: str = "photo.png") -> int:
    """Post a photo (by default a small PNG) through /posts/new and return the new post's id."""
    return post_id_from(upload_post(client, image if image is not None else image_bytes(), filename,
                                    caption=caption, alt_text=alt_text))


def press(client, post_id: int, action: str, **kwargs):
    """POST a post's like or unlike button with the session's CSRF token; kwargs go to client.post."""
    return client.post(f"/posts/{post_id}/{action}", data={"csrf_token": csrf_token(client, "/")}, **kwargs)


def add_comment(client, post_id: int, body: str, **kwargs):
    """POST the post page's comment form; kwargs go to client.post (headers=... for JSON)."""
    return client.post(f"/posts/{post_id}/comments", data={"csrf_token": csrf_token(client, "/"), "body": body},
                       **kwargs)


def delete_comment(client, comment_id: int, **kwargs):
    """POST a comment's delete button."""
    return client.post(f"/comments/{comment_id}/delete", data={"csrf_token": csrf_token(client, "/")}, **kwargs)


def delete_post(client, post_id: int):
    return client.post(f"/posts/{post_id}/delete", data={"csrf_token": csrf_token(client, f"/posts/{post_id}")})


def upload_profile_picture(client, data: bytes, filename: str = "me.jpg"):
    """POST /settings/profile with a file, as the settings form does."""
    return upload(client, "/settings/profile", {"upload": "Save picture"}, [("image", data, filename)])


def remove_profile_picture(client):
    return client.post("/settings/profile", data={
        "csrf_token": csrf_token(client, "/settings/profile"), "remove": "Remove picture"})


def delete_account(client, password: str = PASSWORD):
    return client.post("/settings/delete-account", data={
        "csrf_token": csrf_token(client, "/settings/profile"), "password": password})


# --- rows, with plain SQL -----------------------------------------------------------------------------

def user_id(db, username: str) -> int:
    """The id of a user, read with independent SQL."""
    return db.execute("SELECT id FROM users WHERE username = %s", (username,)).fetchone()["id"]


def seed_user(db, username: str) -> int:
    """Insert a user and their profile directly; their password is PASSWORD."""
    uid = db.execute("INSERT INTO users (username, email, password) VALUES (%s, %s, %s) RETURNING id",
                     (username, f"{username}@example.com", SEEDED_HASH)).fetchone()["id"]
    db.execute("INSERT INTO profile (user_id) VALUES (%s)", (uid,))
    return uid


def seed_posts(db, author_id: int, count: int, created_at: datetime | None = None) -> list[int]:
    """Insert posts directly (optionally all with one created_at); returns their ids in insert order."""
    ids = []
    for _ in range(count):
        row = db.execute(
            "INSERT INTO posts (user_id, image, created_at) "
            "VALUES (%s, 'post/pending', coalesce(%s, now())) RETURNING id", (author_id, created_at)).fetchone()
        # A key of the app's shape, unique per post.
        db.execute("UPDATE posts SET image = %s WHERE id = %s",
                   (f"post/{row['id']}-20240101T000000000000Z.png", row["id"]))
        ids.append(row["id"])
    return ids


def log_in_as(client, db, username: str) -> None:
    """Give a test client the session a log-in would start (no slow hashing): a user_session row
    and its token in the cookie."""
    token = secrets.token_urlsafe(32)
    db.execute("INSERT INTO user_session (user_id, token_hash, remember, device, idle_timeout, expires_at) "
               "SELECT id, %s, false, 'test client', interval '12 hours', now() + interval '12 hours' "
               "FROM users WHERE username = %s", (token_hash(token), username))
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


@contextmanager
def counting_statements(monkeypatch):
    """Record every statement a psycopg cursor sends (they still run for real)."""
    seen: list[str] = []
    real_execute = psycopg.Cursor.execute

    def execute(self, query, params=None, **kwargs):
        seen.append(query if isinstance(query, str) else repr(query))
        return real_execute(self, query, params, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", execute)
        yield seen


def clear_of_utc_midnight(margin: float = 60) -> None:
    """Wait, if need be, until the UTC day has more than `margin` seconds left: likes of a post are
    grouped by UTC day, so a test that straddled midnight would see two groups where it made one."""
    now = datetime.now(UTC)
    left = (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC) - now).total_seconds()
    if left < margin:
        time.sleep(left + 0.5)


def wait_until_blocked(db, seconds: float = 10) -> None:
    """Until some other session of the test database waits for a lock (a race made to happen)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if db.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                      "AND datname = current_database()").fetchone()["n"]:
            return
        time.sleep(0.02)
    raise AssertionError("nothing waited for a lock")


def post_images(db) -> list[str]:
    """Every post's image key, oldest post first."""
    return [row["image"] for row in db.execute("SELECT image FROM posts ORDER BY id")]


def profile_image(db, username: str = "alice") -> str | None:
    """The key of a user's profile picture, or None."""
    row = db.execute("SELECT pr.image FROM profile pr JOIN users u ON u.id = pr.user_id "
                     "WHERE u.username = %s", (username,)).fetchone()
    return row["image"]


def snapshot(db, media_root: Path) -> dict:
    """Everything a request could change: every row of every table, and the stored objects."""
    state = {}
    for table, order in (("users", "id"), ("profile", "id"), ("posts", "id"), ("like_post", "id")):
        state[table] = db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()  # noqa: S608 - fixed names
    state["media"] = stored_files(media_root)
    return state


# --- the media store ------------------------------------------------------------------------------------

def stored_files(media_root: Path) -> set[str]:
    """Every object the local media store holds, as keys read from its folder (temporary files excluded)."""
    if not media_root.exists():
        return set()
    return {p.relative_to(media_root).as_posix() for p in media_root.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")}


def stored_keys(app) -> set[str]:
    """Every object the app's media store (either backend) lists."""
    with app.app_context():
        store = get_store()
        return {obj.key for kind in KINDS for obj in store.list_objects(f"{kind}/")}


def media_url(app, key: str, now: float | None = None) -> str:
    """The signed /media/ URL of a key (or a rendition's), as a page would link it at `now`."""
    signer = app.extensions["media_signer"]
    return f"/media/{key}" + signer.query(main_key(key), time.time() if now is None else now)


def stored_bytes(app, key: str) -> bytes:
    """The bytes the app's media store holds under a key."""
    with app.app_context():
        return get_store().get_object(key).read()


def expected_keys(*keys: str) -> set[str]:
    """The keys the store should hold for these images: each one and its renditions."""
    return {k for key in keys for k in image_keys(key)}
