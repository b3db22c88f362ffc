"""The image pipeline: decode to verify, orient, strip metadata, bound the size, re-encode."""

import io
import math
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from photoshare.errors import ImageTooCostly, ImageTooLarge, NotAnImage

# Only these formats are decoded at all; anything else (SVG, HTML, PDF, ...) never reaches a parser.
ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}

# 50 megapixels covers any phone camera; more is treated as a decompression bomb.
MAX_PIXELS = 50_000_000

# JPEG can decode at 1/2, 1/4 or 1/8 scale almost for free; accept a result this much under
# the bound (a 4032 px photo becomes 2016 px) rather than decode it whole and resample.
DRAFT_SLACK = 0.95

# Markup that makes a file an HTML or SVG document as well as an image, searched for in the
# lower-cased bytes. Each needle (with the byte after it, where given) is long enough that
# compressed pixel data matches it by chance about never.
_MARKUP = (
    (b"<script", b""), (b"<iframe", b""), (b"<!doctype", b""), (b"javascript:", b""),
    (b"onerror", b""), (b"onload", b""), (b"http://www.w3.org/2000/svg", b""),
    (b"<html", b" \t\r\n\f>/"), (b"<body", b" \t\r\n\f>/"),
)
_OPEN_LOCK = threading.Lock()
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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

    @property
    def stored_bytes(self) -> int:
        """What storing it takes: the main file and every rendition."""
        return len(self.main.data) + sum(len(r.data) for r in self.renditions.values())


def _contains_markup(lowered: bytes) -> bool:
    # Plain find() per needle: ten times faster than one case-insensitive regex on megabytes.
    for needle, followed_by in _MARKUP:
        at = lowered.find(needle)
        while at != -1:
            after = lowered[at + len(needle):at + len(needle) + 1]
            if not followed_by or (after and after in followed_by):
                return True
            at = lowered.find(needle, at + 1)
    return False


def _refuse_markup(data: bytes) -> None:
    # A file that is also an HTML page (a polyglot) is refused outright, even though
    # re-encoding would drop the markup: nothing the uploader wrote survives either way.
    if _contains_markup(data.lower()):
        raise NotAnImage("The file contains HTML, SVG or script. Upload a plain JPEG, PNG, GIF or WebP photo.")


def _open(data: bytes) -> Image.Image:
    if not data:
        raise NotAnImage("The file is empty.")
    _refuse_markup(data)
    # Pillow warns, then raises, on huge images; the warning becomes an error here. The lock
    # keeps concurrent requests from restoring each other's warning filters.
    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ImageTooLarge("The image has too many pixels.") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise NotAnImage("The file is not a JPEG, PNG, GIF or WebP image.") from exc
    width, height = img.size
    if width < 1 or height < 1:
        raise NotAnImage("The image has no pixels.")
    if width * height > MAX_PIXELS:
        # Checked from the header, before any pixel is decoded.
        raise ImageTooLarge("The image has too many pixels.")
    return img


def _has_alpha(img: Image.Image) -> bool:
    return "A" in img.getbands() or "transparency" in img.info


def _bytes_per_pixel(mode: str) -> int:
    """What one pixel of this mode takes in Pillow's memory: one byte for 1, L and P, two for
    16-bit grey, four for everything else (RGB is kept as four bytes, and 16-bit colour is
    decoded to 8 bits a channel)."""
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def peak_bytes_per_pixel(img: Image.Image, fmt: str) -> int:
    """The pipeline's peak memory per decoded pixel, for an image not decoded yet (measured:
    tests/data/test_decode_memory.py): the decoded pixels, plus a converted copy where there is
    one (GIF to RGB or RGBA, an alpha image premultiplied before resampling), plus WebP's decoder
    buffer, plus the first pass of resampling."""
    stored = _bytes_per_pixel(img.mode)
    # The pixels, the first resampling pass (at most as large), and a byte for the rest.
    total = 2 * stored + 1
    if fmt == "GIF":
        total += 4 + (4 if _has_alpha(img) else 0)
    elif img.mode in ("LA", "RGBA", "PA"):
        total += 4
    if fmt == "WEBP":
        total += 10
    return total


def _output_bytes_per_pixel(img: Image.Image, fmt: str) -> int:
    # The resized image and its clean copy, and for a JPEG the progressive encoder's coefficients.
    return 2 * (1 if img.mode in ("1", "L") else 4) + (6 if fmt == "JPEG" else 0)


def decode_bytes(img: Image.Image, fmt: str, max_side: int) -> int:
    """Estimated peak memory of processing `img` (opened, at its draft size, not decoded) into an
    image of at most `max_side` pixels a side: the decoding and resampling above, then the output."""
    scale = min(1.0, max_side / max(img.width, img.height))
    output = int(img.width * scale) * int(img.height * scale)
    return img.width * img.height * peak_bytes_per_pixel(img, fmt) + output * _output_bytes_per_pixel(img, fmt)


def max_pixels(img: Image.Image, fmt: str, max_side: int, max_decode_bytes: int) -> int:
    """About the most pixels an image of this format and mode may have within the budget."""
    output = max_side * max_side * _output_bytes_per_pixel(img, fmt)
    return max(0, max_decode_bytes - output) // peak_bytes_per_pixel(img, fmt)


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


def _draft_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The smallest size a JPEG may be decoded at and still fill max_side (within the slack)."""
    width, height = size
    scale = max(width, height) / (max_side * DRAFT_SLACK)
    return max(1, math.ceil(width / scale)), max(1, math.ceil(height / scale))


def _to_srgb(img: Image.Image) -> Image.Image:
    """Convert pixels from their embedded colour profile to sRGB, since the profile is dropped."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        # Without this, a Display P3 phone photo would look washed out once its profile is gone.
        return ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB,
                                         outputMode="RGBA" if img.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img  # an unreadable profile: keep the pixels as they are


def _pixels_only(img: Image.Image, fmt: str) -> Image.Image:
    """A fresh image with the pixels and nothing else: EXIF (GPS included), XMP, ICC, comments go."""
    if fmt == "JPEG":
        mode = img.mode if img.mode in ("RGB", "L") else "RGB"
    elif img.mode in ("RGB", "RGBA", "L", "LA"):
        mode = img.mode
    else:
        # Palette and other modes: keep transparency when there is any.
        mode = "RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB"
    if img.mode != mode:
        img = img.convert(mode)
    clean = Image.new(mode, img.size)
    clean.paste(img)
    return clean


def process_image(data: bytes, kind: str, max_decode_bytes: int | None = None) -> ProcessedImage:
    """Verify, clean and resize an upload; raises NotAnImage, ImageTooLarge or, when decoding it
    would take more than `max_decode_bytes` of memory, ImageTooCostly."""
    spec = SPECS[kind]
    img = _open(data)
    # Multi-picture JPEGs (many phones and cameras) are JPEGs whose first picture is the photo.
    fmt = "JPEG" if img.format == "MPO" else img.format
    try:
        if fmt == "JPEG":
            # Decode at a reduced scale straight away: far less memory and time for big photos.
            img.draft("RGB", _draft_size(img.size, spec.max_side))
        # Still no pixel decoded: the header says what decoding will cost.
        if max_decode_bytes is not None and decode_bytes(img, fmt, spec.max_side) > max_decode_bytes:
            raise ImageTooCostly(f"The image is too large to process ({img.width} x {img.height} pixels in "
                                 f"{img.mode} mode). Upload it as a JPEG, or at most "
                                 f"{max_pixels(img, fmt, spec.max_side, max_decode_bytes) / 1e6:.0f} megapixels.")
        # Only the first frame of an animation is kept.
        img.load()
        if fmt == "GIF":
            # GIF's 256-colour palette would band a resized photo; PNG keeps it exact.
            img, fmt = img.convert("RGBA" if _has_alpha(img) else "RGB"), "PNG"
        # Resample first: everything after this, turning by the EXIF orientation included, works
        # on the bounded size (the bounding box is square, so turning afterwards is the same).
        img.thumbnail((spec.max_side, spec.max_side), Image.Resampling.LANCZOS)
        ImageOps.exif_transpose(img, in_place=True)
        clean = _pixels_only(_to_srgb(img), fmt)
    except (MemoryError, ImageTooCostly):
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge("The image has too many pixels.") from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a damaged file, never a 500
        raise NotAnImage("The image is damaged or truncated.") from exc
    main = _encode(clean, fmt)
    renditions = {}
    for width in spec.renditions:
        small = clean.copy()
        small.thumbnail((width, width), Image.Resampling.LANCZOS)
        renditions[width] = _encode(small, fmt)
    ext = EXTENSIONS[fmt]
    return ProcessedImage(ext=ext, content_type=CONTENT_TYPES[ext], main=main, renditions=renditions)
