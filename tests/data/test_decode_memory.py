"""An upload's decode memory is bounded by its bytes: the pipeline's estimate, read from the header
before any pixel is decoded, is at least what processing really takes, mode by mode, and an image
over MAX_DECODE_MB is refused before it is decoded.

Each measurement runs in a fresh process (the peak resident memory of a process only grows).
"""

import json
import subprocess
import sys

import pytest
from PIL import Image

from photoshare.config import PROJECT_ROOT
from photoshare.errors import ImageTooCostly
from photoshare.media.images import process_image
from tests.support import images as f

MEASURE = """
import json, sys
from photoshare.media.images import _draft_size, _open, decode_bytes, process_image

def peak_rss():
    # VmHWM, the peak of this process image: ru_maxrss would carry the parent's over fork and exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

data = open(sys.argv[1], "rb").read()
budget = int(sys.argv[2]) if len(sys.argv) > 2 else None
img = _open(data)
fmt = img.format
if fmt == "JPEG":
    img.draft("RGB", _draft_size(img.size, 2048))
estimate = decode_bytes(img, fmt, 2048)
before = peak_rss()
try:
    process_image(data, "post", max_decode_bytes=budget)
    outcome = "processed"
except Exception as exc:
    outcome = type(exc).__name__
peak = peak_rss() - before
print(json.dumps({"estimate": estimate, "peak": peak, "outcome": outcome}))
"""

SIZE = (3000, 2000)
CASES = {
    "PNG RGB": lambda: f.encode(f.photo(SIZE), "PNG", compress_level=1),
    "PNG RGBA": lambda: f.encode(f.photo(SIZE).convert("RGBA"), "PNG", compress_level=1),
    "PNG L": lambda: f.encode(f.photo(SIZE).convert("L"), "PNG", compress_level=1),
    "PNG 16-bit RGBA": lambda: f.png_16bit(SIZE, 6),
    "PNG 16-bit grey": lambda: f.png_16bit(SIZE, 0),
    "GIF": lambda: f.encode(f.photo(SIZE).convert("P"), "GIF"),
    "WebP RGB": lambda: f.encode(f.photo(SIZE), "WEBP", quality=50),
    "WebP RGBA": lambda: f.encode(f.photo(SIZE).convert("RGBA"), "WEBP", quality=50),
    "JPEG": lambda: f.encode(f.photo((6000, 4000)), "JPEG", quality=80),
}


def measure(tmp_path, data: bytes, budget: int | None = None) -> dict:
    path = tmp_path / "upload"
    path.write_bytes(data)
    args = [sys.executable, "-c", MEASURE, str(path)] + ([str(budget)] if budget else [])
    result = subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", CASES)
def test_the_estimate_covers_what_processing_takes(tmp_path, case):
    found = measure(tmp_path, CASES[case]())
    assert found["outcome"] == "processed"
    assert found["peak"] <= found["estimate"], (case, found)
    # And it is not wildly pessimistic: within 2.5 times what is used.
    assert found["estimate"] <= 2.5 * found["peak"], (case, found)


def test_a_16_bit_png_under_the_pixel_cap_is_refused_before_decoding(tmp_path):
    # 49 megapixels in 400 KB: under MAX_PIXELS, but processing it took 450 MB.
    data = f.png_16bit((7000, 7000), 6)
    assert len(data) < 1_000_000
    found = measure(tmp_path, data, budget=192 * 1024 * 1024)
    assert found["outcome"] == "ImageTooCostly"
    assert found["estimate"] > 192 * 1024 * 1024
    assert found["peak"] < 16 * 1024 * 1024, found  # the header was read, no pixel


def test_the_refusal_says_what_would_fit():
    with pytest.raises(ImageTooCostly, match=r"7000 x 7000 pixels in RGBA mode.*at most 13 megapixels"):
        process_image(f.png_16bit((7000, 7000), 6), "post", max_decode_bytes=192 * 1024 * 1024)


def test_a_camera_jpeg_fits_the_default_budget_whatever_its_size():
    """JPEGs are decoded at a reduced scale, so even one at the pixel cap fits in 192 MB."""
    width = height = 7071  # 50 megapixels
    img = Image.new("RGB", (width, height), "#3366aa")
    data = f.encode(img, "JPEG", quality=70)
    del img
    processed = process_image(data, "post", max_decode_bytes=192 * 1024 * 1024)
    assert max(processed.main.width, processed.main.height) == 2048
