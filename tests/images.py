"""Small real images made with Pillow, and upload helpers for the Flask test client."""

import io
import re
from pathlib import Path

from PIL import Image

from photoshare.media.stored_images import image_keys

POST_URL_RE = re.compile(r"/posts/(\d+)$")


def png_bytes(width: int = 32, height: int = 24, color=(200, 30, 30)) -> bytes:
    """A PNG of one colour."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(width: int = 40, height: int = 30, color=(30, 120, 200)) -> bytes:
    """A JPEG of one colour."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def upload(data: bytes, filename: str = "photo.png"):
    """A file field value for client.post(..., data={...}) (multipart)."""
    return (io.BytesIO(data), filename)


def stored_keys(media_root: Path) -> set[str]:
    """Every object the local media store holds, as keys (temporary files excluded)."""
    if not media_root.exists():
        return set()
    return {p.relative_to(media_root).as_posix() for p in media_root.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")}


def expected_keys(*keys: str) -> set[str]:
    """The keys the store should hold for these images: each one and its renditions."""
    return {k for key in keys for k in image_keys(key)}


def post_id_from(response) -> int:
    """The id of the post a create request redirected to."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = POST_URL_RE.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))
