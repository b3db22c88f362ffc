"""Shared test actions: posting through the real form, seeding rows with plain SQL."""

from contextlib import contextmanager
from datetime import datetime

import psycopg

from photoshare.services.passwords import hash_password
from photoshare.web.auth.session import password_fingerprint
from tests.conftest import PASSWORD, csrf_token
from tests.images import png_bytes, post_id_from, upload

# One scrypt hash for every seeded user: hashing is deliberately slow.
SEEDED_HASH = hash_password(PASSWORD)


def create_post(client, image: bytes | None = None, caption: str = "", alt_text: str = "",
                filename: str = "photo.png") -> int:
    """Post a photo through /posts/new and return the new post's id."""
    response = client.post("/posts/new", data={
        "csrf_token": csrf_token(client, "/posts/new"),
        "image": upload(image if image is not None else png_bytes(), filename),
        "caption": caption, "alt_text": alt_text,
    }, content_type="multipart/form-data")
    return post_id_from(response)


def user_id(db, username: str) -> int:
    """The id of a user, read with independent SQL."""
    return db.execute("SELECT id FROM users WHERE username = %s", (username,)).fetchone()["id"]


def seed_user(db, username: str) -> int:
    """Insert a user and their profile directly; their password is tests.conftest.PASSWORD."""
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
    """Give a test client the session Flask-Login would set after a log-in (no slow hashing)."""
    row = db.execute("SELECT id, password FROM users WHERE username = %s", (username,)).fetchone()
    with client.application.app_context():
        session_id = f"{row['id']}:{password_fingerprint(row['password'])}"
    with client.session_transaction() as session:
        session["_user_id"] = session_id
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
