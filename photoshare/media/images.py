"""The image pipeline: decode to verify, orient, strip metadata, bound the size, re-encode."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ImageTooLarge, NotAnImage

# Only these formats are decoded at all; anything else (SVG, HTML, PDF, ...) never reaches a parser.
ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}

# 50 megapixels covers any phone camera; more is treated as a decompression bomb.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class Spec:
    """How one kind of image is stored: the longest side and the smaller renditions."""

    max_side: int
    renditions: tuple[int, ...]


SPECS = {"post": Spec(max_side=2048, renditions=(640,)), "profile": Spec(max_side=512, renditions=(160,))}


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    """A cleaned image ready for the store: the main file and its smaller renditions."""

    ext: str
    content_type: str
    main: Encoded
    renditions: dict[int, Encoded]


def _open(data: bytes) -> Image.Image:
    if not data:
        raise NotAnImage("The file is empty.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            if isinstance(exc, (Image.DecompressionBombWarning, Image.DecompressionBombError)):
                raise ImageTooLarge("The image has too many pixels.") from exc
            raise NotAnImage("The file is not a JPEG, PNG, GIF or WebP image.") from exc
    width, height = img.size
    if width < 1 or height < 1:
        raise NotAnImage("The image has no pixels.")
    if width * height > MAX_PIXELS:
        # Checked from the header, before any pixel is decoded.
        raise ImageTooLarge("The image has too many pixels.")
    return img


def _encode(img: Image.Image, fmt: str) -> Encoded:
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.save(buf, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        img.save(buf, "PNG", optimize=False, compress_level=6)
    elif fmt == "WEBP":
        img.save(buf, "WEBP", quality=85, method=4)
    else:
        img.save(buf, "GIF")
    return Encoded(buf.getvalue(), img.width, img.height)


def process_image(data: bytes, kind: str) -> ProcessedImage:
    """Verify, clean and resize an upload; raises NotAnImage or ImageTooLarge."""
    spec = SPECS[kind]
    img = _open(data)
    fmt = img.format
    try:
        if fmt == "JPEG":
            # Decode at a reduced scale straight away: far less memory and time for big photos.
            img.draft("RGB", (spec.max_side, spec.max_side))
        img.load()
        # Only the first frame of an animation is kept.
        img = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAnImage("The image is damaged or truncated.") from exc
    # A fresh image carries pixels only: EXIF (GPS included), ICC text, comments are dropped.
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    elif fmt == "GIF":
        img = img.convert("RGBA")
        fmt = "PNG"
    elif img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
    clean = Image.new(img.mode, img.size)
    clean.paste(img)
    clean.thumbnail((spec.max_side, spec.max_side), Image.Resampling.LANCZOS)
    main = _encode(clean, fmt)
    renditions = {}
    for width in spec.renditions:
        small = clean.copy()
        small.thumbnail((width, width), Image.Resampling.LANCZOS)
        renditions[width] = _encode(small, fmt)
    ext = EXTENSIONS[fmt]
    return ProcessedImage(ext=ext, content_type=CONTENT_TYPES[ext], main=main, renditions=renditions)
