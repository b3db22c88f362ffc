"""The image pipeline: what is refused, and what a stored image looks like."""

import io
import random

import pytest
from PIL import Image, ImageCms

from photoshare.errors import ImageTooLarge, NotAnImage
from photoshare.media.images import MAX_PIXELS, SPECS, process_image
from tests.support import images as f


def reopen(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_gps_and_all_exif_are_removed():
    original = f.jpeg_with_gps()
    assert reopen(original).getexif().get_ifd(f.GPS_IFD), "the fixture must carry GPS to begin with"
    result = process_image(original, "post")
    for data in [result.main.data, *(r.data for r in result.renditions.values())]:
        img = reopen(data)
        assert dict(img.getexif()) == {}
        assert "exif" not in img.info
        assert b"Exif" not in data and b"PhotoshareTestCam" not in data


@pytest.mark.parametrize("orientation, expected_size", [(6, (100, 200)), (8, (100, 200)), (3, (200, 100))])
def test_exif_orientation_is_applied(orientation, expected_size):
    exif = f.gps_exif(orientation)
    data = f.encode(f.left_red_right_blue((200, 100)), "JPEG", quality=95, exif=exif.tobytes())
    img = reopen(process_image(data, "post").main.data).convert("RGB")
    assert img.size == expected_size
    w, h = img.size
    # Where the red (left) half ends up once the photo is shown the right way up.
    red_at = {6: (w // 2, 5), 8: (w // 2, h - 6), 3: (w - 6, h // 2)}[orientation]
    blue_at = {6: (w // 2, h - 6), 8: (w // 2, 5), 3: (5, h // 2)}[orientation]
    r, g, b = img.getpixel(red_at)
    assert r > 200 and b < 60, img.getpixel(red_at)
    r, g, b = img.getpixel(blue_at)
    assert b > 200 and r < 60, img.getpixel(blue_at)


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (20_000, 15_000), (10_000, 6_000)])
def test_decompression_bomb_is_refused_before_decoding(width, height):
    assert width * height > MAX_PIXELS
    data = f.png_with_header(width, height)
    assert len(data) < 10_000
    with pytest.raises(ImageTooLarge, match="too many pixels"):
        process_image(data, "post")


@pytest.mark.parametrize("make", [f.polyglot_appended, f.polyglot_prepended, f.polyglot_in_comment])
def test_html_jpeg_polyglot_is_refused(make):
    with pytest.raises(NotAnImage) as excinfo:
        process_image(make(), "post")
    assert "HTML" in str(excinfo.value)


def test_svg_with_script_is_refused():
    with pytest.raises(NotAnImage):
        process_image(f.SVG, "post")


@pytest.mark.parametrize("data", [b"", b"hello, world\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_non_images_are_refused(data):
    with pytest.raises(NotAnImage):
        process_image(data, "post")


def test_truncated_jpeg_is_refused():
    with pytest.raises(NotAnImage, match="damaged or truncated"):
        process_image(f.truncated_jpeg(), "post")


def test_png_with_alpha_stays_a_valid_transparent_png():
    result = process_image(f.png_rgba((120, 80)), "post")
    assert result.ext == "png" and result.content_type == "image/png"
    Image.open(io.BytesIO(result.main.data)).verify()
    img = reopen(result.main.data)
    assert img.format == "PNG" and img.mode == "RGBA" and img.size == (120, 80)
    assert img.getpixel((5, 40))[3] == 0
    assert img.getpixel((115, 40)) == (0, 200, 0, 255)


def test_palette_png_with_transparency_keeps_it():
    img = Image.new("P", (40, 40), 0)
    img.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    img.paste(1, (20, 0, 40, 40))
    data = f.encode(img, "PNG", transparency=0)
    out = reopen(process_image(data, "post").main.data)
    assert out.mode == "RGBA"
    assert out.getpixel((5, 5))[3] == 0 and out.getpixel((30, 5)) == (255, 0, 0, 255)


@pytest.mark.parametrize("make, ext, fmt", [
    (f.jpeg, "jpg", "JPEG"), (f.webp, "webp", "WEBP"), (f.gif, "png", "PNG"), (f.mpo, "jpg", "JPEG"),
])
def test_each_accepted_format_is_re_encoded(make, ext, fmt):
    result = process_image(make(), "post")
    assert result.ext == ext
    assert reopen(result.main.data).format == fmt


@pytest.mark.parametrize("kind, size", [("post", (3000, 1000)), ("profile", (1000, 1500))])
def test_longest_side_is_bounded_and_renditions_made(kind, size):
    spec = SPECS[kind]
    result = process_image(f.encode(f.photo(size), "PNG"), kind)
    assert max(result.main.width, result.main.height) == spec.max_side
    assert reopen(result.main.data).size == (result.main.width, result.main.height)
    # The aspect ratio survives.
    assert abs(result.main.width / result.main.height - size[0] / size[1]) < 0.01
    for width, rendition in result.renditions.items():
        assert width in spec.renditions
        assert max(rendition.width, rendition.height) == width
        assert reopen(rendition.data).size == (rendition.width, rendition.height)


def test_small_images_are_not_enlarged():
    result = process_image(f.jpeg((300, 200)), "post")
    assert (result.main.width, result.main.height) == (300, 200)
    assert (result.renditions[640].width, result.renditions[640].height) == (300, 200)


def test_camera_sized_jpeg_is_decoded_at_reduced_scale():
    data = f.noisy_jpeg((4032, 3024))
    result = process_image(data, "post")
    # JPEG draft mode halves the 4032 px photo while decoding; it stays within the 2048 px bound.
    assert 1946 <= result.main.width <= 2048
    assert reopen(result.main.data).size == (result.main.width, result.main.height)


def test_colour_profile_is_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = f.encode(Image.new("RGB", (50, 50), (200, 40, 40)), "PNG", icc_profile=srgb)
    img = reopen(process_image(data, "post").main.data)
    assert "icc_profile" not in img.info
    r, g, b = img.convert("RGB").getpixel((25, 25))
    assert abs(r - 200) <= 2 and abs(g - 40) <= 2 and abs(b - 40) <= 2


def test_unreadable_colour_profile_is_dropped_without_failing():
    data = f.encode(Image.new("RGB", (50, 50), (10, 20, 30)), "PNG", icc_profile=b"not a profile at all")
    img = reopen(process_image(data, "post").main.data)
    assert "icc_profile" not in img.info
    assert img.convert("RGB").getpixel((25, 25)) == (10, 20, 30)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_pipeline_refuses_every_truncation_and_corruption_cleanly(fmt):
    data = f.image_bytes(fmt, (120, 80), "blue")
    rnd = random.Random(fmt)
    samples = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 150))]
    for _ in range(150):
        corrupt = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            corrupt[rnd.randrange(len(corrupt))] = rnd.randrange(256)
        samples.append(bytes(corrupt))
    for sample in samples:
        try:
            image = process_image(sample, "post")
        except (NotAnImage, ImageTooLarge):
            continue
        # Whatever was accepted is a decodable image of the declared type.
        Image.open(io.BytesIO(image.main.data)).verify()
