"""Test images made with Pillow (and a few hand-crafted bytes): plain and photo-like images, bombs, polyglots."""

import functools
import io
import struct
import zlib

from PIL import Image, ImageDraw, ImageOps

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# Tags inside the GPS IFD.
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
MAKE = 0x010F


def encode(img: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def image_bytes(fmt: str = "PNG", size=(64, 48), color="red") -> bytes:
    """A small valid image of one colour."""
    return encode(Image.new("RGB", size, color), fmt)


def photo(size=(320, 240)) -> Image.Image:
    """An RGB picture with structure (so it compresses like a photo, and has an up and a left)."""
    img = Image.new("RGB", size, (40, 120, 200))
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((0, 0, w // 2, h), fill=(220, 30, 30))
    draw.ellipse((w // 4, h // 4, 3 * w // 4, 3 * h // 4), fill=(250, 220, 40))
    return img


def jpeg(size=(320, 240), **params) -> bytes:
    return encode(photo(size), "JPEG", quality=90, **params)


# Pairs of sky and ground colours, so the screenshots look like a feed of different photos.
PALETTES = [
    ("#f7b267", "#2d3047"), ("#8ecae6", "#023047"), ("#ffafcc", "#3a0ca3"), ("#caffbf", "#1b4332"),
    ("#ffd6a5", "#9d0208"), ("#bde0fe", "#5a189a"), ("#fdffb6", "#386641"), ("#e9edc9", "#6b705c"),
]


def landscape(index: int = 0, size: tuple[int, int] = (1200, 900), fmt: str = "JPEG") -> bytes:
    """A synthetic landscape: a colour gradient with a sun and a hill, different for each index."""
    top, bottom = PALETTES[index % len(PALETTES)]
    gradient = Image.linear_gradient("L").resize(size)
    img = ImageOps.colorize(gradient, top, bottom)
    draw = ImageDraw.Draw(img)
    width, height = size
    radius = min(size) // 7
    cx = width * (0.25 + 0.5 * ((index * 37) % 10) / 10)
    cy = height * 0.35
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill="#fff4d6")
    draw.polygon([(0, height), (width * 0.4, height * 0.55), (width * 0.7, height)], fill=bottom)
    return encode(img, fmt)


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF with a camera make, GPS coordinates and optionally an orientation."""
    exif = Image.Exif()
    exif[MAKE] = "PhotoshareTestCam"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[GPS_LATITUDE_REF] = "N"
    gps[GPS_LATITUDE] = (48.0, 51.0, 29.0)
    gps[GPS_LONGITUDE_REF] = "E"
    gps[GPS_LONGITUDE] = (2.0, 17.0, 40.0)
    return exif


def jpeg_with_gps(size=(320, 240), orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF says where it was taken (and how to turn it)."""
    return encode(photo(size), "JPEG", quality=90, exif=gps_exif(orientation).tobytes())


def jpeg_with_comment(data: bytes, comment: bytes) -> bytes:
    """A JPEG with a comment segment put in right after its start marker, by hand."""
    return data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]


def left_red_right_blue(size=(200, 100)) -> Image.Image:
    """Red left half, blue right half: shows which way an image was turned."""
    img = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(img).rectangle((0, 0, size[0] // 2 - 1, size[1]), fill=(255, 0, 0))
    return img


def png_rgba(size=(120, 80)) -> bytes:
    """A PNG with a fully transparent left half and an opaque green right half."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(0, 200, 0, 255))
    return encode(img, "PNG")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_header(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares width x height (by default a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    # One row of zero bytes, compressed: the file stays tiny whatever the declared size.
    idat = zlib.compress(b"\x00" * (1 + 3 * min(width, 1000)))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def polyglot_appended() -> bytes:
    """A valid JPEG followed by an HTML page."""
    return jpeg() + HTML


def polyglot_prepended() -> bytes:
    """An HTML page followed by a valid JPEG."""
    return HTML + jpeg()


def polyglot_in_comment() -> bytes:
    """A valid JPEG whose comment segment holds a script."""
    return encode(photo(), "JPEG", quality=90, comment=b"<script>alert(1)</script>")


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def truncated_jpeg() -> bytes:
    data = jpeg((640, 480))
    return data[: len(data) // 2]


def gif(size=(64, 64)) -> bytes:
    return encode(photo(size).convert("P"), "GIF")


def webp(size=(300, 200)) -> bytes:
    return encode(photo(size), "WEBP", quality=80)


def mpo(size=(300, 200)) -> bytes:
    """A multi-picture JPEG, as many phones and cameras write."""
    first, second = photo(size), photo(size).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return encode(first, "MPO", save_all=True, append_images=[second])


def noisy_jpeg(size=(4032, 3024), quality=92) -> bytes:
    """A camera-sized JPEG with noise, which compresses like a real photo."""
    noise = Image.effect_noise(size, 40).convert("L")
    gradient = Image.linear_gradient("L").resize(size)
    img = Image.merge("RGB", (noise, gradient, Image.eval(noise, lambda v: 255 - v)))
    return encode(img, "JPEG", quality=quality)


@functools.cache
def png_16bit(size=(7000, 7000), color_type: int = 6) -> bytes:
    """A 16-bit PNG (colour type 6: RGBA) of one colour: a few hundred KB that decode to size x 4 bytes
    and more. Written row by row, so making it takes no memory to speak of."""
    width, height = size
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" + b"\x12\x34" * (width * channels)
    compress = zlib.compressobj(6)
    data = b"".join(compress.compress(row) for _ in range(height)) + compress.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def large_png(size=(5000, 3800)) -> bytes:
    """An RGB PNG with a little structure that compresses well (a gradient and a shape)."""
    img = ImageOps.colorize(Image.linear_gradient("L").resize(size), "#204060", "#f0c080")
    ImageDraw.Draw(img).ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill="#ffffff")
    return encode(img, "PNG", compress_level=1)
