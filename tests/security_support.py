"""Helpers for the security tests: images, posting through the real forms, snapshots of state."""

import io
import struct
import zlib
from pathlib import Path

from PIL import Image

from tests.conftest import csrf_token

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


def image_bytes(fmt: str = "PNG", size=(64, 48), color="red") -> bytes:
    """A small valid image."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height, with a tiny (wrong) data chunk."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def upload(client, path: str, fields: dict, files: list[tuple[str, bytes, str]], token: str | None = None):
    """POST a multipart form with the session's CSRF token; files are (field, bytes, filename)."""
    data = {"csrf_token": token or csrf_token(client, path), **fields}
    multi = [(name, (io.BytesIO(body), filename)) for name, body, filename in files]
    for name, value in multi:
        data.setdefault(name, [])
        if not isinstance(data[name], list):
            data[name] = [data[name]]
        data[name].append(value)
    return client.post(path, data=data, content_type="multipart/form-data")


def create_post(client, caption: str = "", alt_text: str = "", image: bytes | None = None) -> int:
    """Post a photo through /posts/new; returns the new post's id."""
    response = upload(client, "/posts/new", {"caption": caption, "alt_text": alt_text},
                      [("image", image or image_bytes(), "photo.png")])
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def stored_files(media_root: Path) -> set[str]:
    """Every object key the local store holds (temporary files excluded)."""
    if not media_root.exists():
        return set()
    return {p.relative_to(media_root).as_posix() for p in media_root.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")}


def snapshot(db, media_root: Path) -> dict:
    """Everything a request could change: every row of every table, and the stored objects."""
    state = {}
    for table, order in (("users", "id"), ("profile", "id"), ("posts", "id"), ("like_post", "id")):
        state[table] = db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()  # noqa: S608 - fixed names
    state["media"] = stored_files(media_root)
    return state
