"""Creating, viewing, editing and deleting posts, with their rows and stored objects."""

import re

import pytest

from photoshare.media.keys import is_valid_key
from tests.support.actions import (
    AuthActions,
    create_post,
    csrf_token,
    expected_keys,
    media_url,
    press,
    running_app,
    stored_files,
    upload,
    upload_post,
    user_id,
)
from tests.support.images import image_bytes

POST_KEY_RE = re.compile(r"^post/(\d+)-\d{8}T\d{12}Z\.(png|jpg)$")


def posts(db):
    return db.execute("SELECT id, user_id, caption, alt_text, image, image_width, image_height, like_count "
                      "FROM posts ORDER BY id").fetchall()


# --- create -----------------------------------------------------------------------------------

def test_new_post_page_has_the_form(logged_in):
    html = logged_in.get("/posts/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    for name in ("image", "caption", "alt_text"):
        assert f'<label for="{name}"' in html


def test_create_post_stores_row_and_object(logged_in, db, media_root):
    post_id = create_post(logged_in, image_bytes(size=(900, 600)), caption="Sunset\nat the lake",
                          alt_text="An orange sky")
    [row] = posts(db)
    assert row["id"] == post_id and row["user_id"] == user_id(db, "alice")
    assert row["caption"] == "Sunset\nat the lake" and row["alt_text"] == "An orange sky"
    assert (row["image_width"], row["image_height"]) == (900, 600)
    match = POST_KEY_RE.match(row["image"])
    assert match and int(match.group(1)) == post_id and match.group(2) == "png"
    assert is_valid_key(row["image"])
    # The image and its smaller rendition, nothing else.
    assert stored_files(media_root) == expected_keys(row["image"])
    served = logged_in.get(media_url(logged_in.application, row["image"]))
    assert served.status_code == 200 and served.mimetype == "image/png"
    page = logged_in.get(f"/posts/{post_id}")
    assert "Your photo is posted." in page.get_data(as_text=True)


def test_extension_comes_from_the_decoded_format(logged_in, db, media_root):
    create_post(logged_in, image_bytes("JPEG"), filename="holiday.png")
    [row] = posts(db)
    assert row["image"].endswith(".jpg")
    assert stored_files(media_root) == expected_keys(row["image"])


@pytest.mark.parametrize(("data", "filename"), [
    (b"this is plain text, not a picture", "notes.png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "drawing.svg"),
    (b"%PDF-1.4\n%...", "paper.jpg"),
    (image_bytes()[:40], "truncated.png"),
    (b"", "empty.png"),
])
def test_non_image_upload_is_400_and_leaves_nothing(logged_in, db, media_root, data, filename):
    response = upload_post(logged_in, data, filename, caption="nope")
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert posts(db) == []
    assert stored_files(media_root) == set()


def test_image_is_required(logged_in, db, media_root):
    response = upload(logged_in, "/posts/new", {"caption": "no photo", "alt_text": ""}, [])
    assert response.status_code == 400
    assert "Choose an image to upload." in response.get_data(as_text=True)
    # A text field under the file field's name is no file either.
    response = upload(logged_in, "/posts/new", {"caption": "no photo", "alt_text": "", "image": "just text"}, [])
    assert response.status_code == 400
    assert posts(db) == [] and stored_files(media_root) == set()


def test_caption_limit_is_2200_characters(logged_in, db, media_root):
    too_long = upload_post(logged_in, image_bytes(), "photo.png", caption="x" * 2201)
    assert too_long.status_code == 400
    assert "Keep the caption to 2200 characters or fewer." in too_long.get_data(as_text=True)
    assert posts(db) == [] and stored_files(media_root) == set()
    create_post(logged_in, caption="x" * 2200)
    assert len(posts(db)[0]["caption"]) == 2200


def test_caption_line_breaks_from_a_browser_count_once(logged_in, db):
    """Browsers send textarea line breaks as CRLF; the limit counts what is stored."""
    caption = "\r\n".join(["y" * 99] * 22)  # 2178 characters plus 21 line breaks = 2199 stored
    create_post(logged_in, caption=caption)
    stored = posts(db)[0]["caption"]
    assert "\r" not in stored and len(stored) == 2199


def test_alt_text_limit_is_1000_characters(logged_in, db, media_root):
    response = upload_post(logged_in, image_bytes(), "photo.png", alt_text="a" * 1001)
    assert response.status_code == 400
    assert "Keep the alt text to 1000 characters or fewer." in response.get_data(as_text=True)
    assert posts(db) == [] and stored_files(media_root) == set()


def test_storage_failure_leaves_no_row(app_config, db, tmp_path):
    """MEDIA_ROOT is a plain file, so nothing can be written under it."""
    blocked_root = tmp_path / "not-a-folder"
    blocked_root.write_text("in the way")
    with running_app({**app_config, "MEDIA_ROOT": str(blocked_root)}) as app:
        client = app.test_client()
        assert AuthActions(client).register("alice").status_code == 302
        response = upload_post(client, image_bytes(), "photo.png", caption="lost?")
        assert response.status_code == 503
        assert "nothing was saved" in response.get_data(as_text=True).lower()
        assert posts(db) == []


def test_upload_over_the_limit_is_413_and_leaves_nothing(app_config, db, media_root):
    import os

    with running_app({**app_config, "MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 1024 * 1024 + 64 * 1024}) as app:
        client = app.test_client()
        assert AuthActions(client).register("alice").status_code == 302
        response = upload_post(client, os.urandom(2 * 1024 * 1024), "huge.png")
        assert response.status_code == 413
        assert "The limit is 1 MB." in response.get_data(as_text=True)
        assert posts(db) == [] and stored_files(media_root) == set()


@pytest.fixture
def failing_post_insert(db):
    """A trigger that makes every INSERT INTO posts fail, as a broken commit would."""
    db.execute("CREATE FUNCTION test_refuse_post() RETURNS trigger LANGUAGE plpgsql AS "
               "$$ BEGIN RAISE EXCEPTION 'refused by test'; END; $$")
    db.execute("CREATE TRIGGER test_refuse_post BEFORE INSERT ON posts "
               "FOR EACH ROW EXECUTE FUNCTION test_refuse_post()")
    yield
    db.execute("DROP TRIGGER test_refuse_post ON posts")
    db.execute("DROP FUNCTION test_refuse_post()")


def test_failed_transaction_deletes_the_stored_object(logged_in, db, media_root, failing_post_insert):
    response = upload_post(logged_in, image_bytes(), "photo.png", caption="doomed")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong." in html and "Traceback" not in html
    assert posts(db) == []
    assert stored_files(media_root) == set()


# --- view ---------------------------------------------------------------------------------------

def test_post_page_shows_image_author_caption_time_and_likes(logged_in, db):
    post_id = create_post(logged_in, caption="first line\nsecond line")
    html = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f'<article class="post" data-post-id="{post_id}" data-author="alice"' in html
    assert 'data-like-count="0" data-liked="false"' in html
    assert re.search(r'<img src="/media/post/\d+-\d+T\d+Z\.png\?expires=\d+&amp;sig=[\w-]{22}"', html)
    assert '<a class="author" href="/u/alice">alice</a>' in html
    # Line breaks are kept (the caption keeps them; CSS shows them with white-space: pre-line).
    assert '<span class="caption-text">first line\nsecond line</span></p>' in html
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d UTC">now</time>', html)
    assert '<span class="count">0</span> likes' in html
    assert f'href="/posts/{post_id}/likes"' in html


def test_alt_text_falls_back_to_photo_by_author(logged_in):
    plain = create_post(logged_in)
    described = create_post(logged_in, alt_text='A "quoted" <b>cat</b>')
    assert 'alt="Photo by alice"' in logged_in.get(f"/posts/{plain}").get_data(as_text=True)
    html = logged_in.get(f"/posts/{described}").get_data(as_text=True)
    assert 'alt="A &#34;quoted&#34; &lt;b&gt;cat&lt;/b&gt;"' in html


@pytest.mark.parametrize("caption", ["<script>alert('x')</script>", '<img src=x onerror="alert(1)">'])
def test_caption_is_escaped(logged_in, another_client, caption):
    post_id = create_post(logged_in, caption=caption)
    for client in (logged_in, another_client):
        html = client.get(f"/posts/{post_id}").get_data(as_text=True)
        assert caption not in html
        assert "&lt;" in html and ("&lt;script&gt;" in html or "&lt;img src=x" in html)
    feed = another_client.get("/explore").get_data(as_text=True)
    assert caption not in feed


def test_missing_post_is_404(logged_in):
    for path in ("/posts/999", "/posts/999/edit", "/posts/999/likes"):
        response = logged_in.get(path)
        assert response.status_code == 404
        assert "There is nothing here." in response.get_data(as_text=True)
    assert logged_in.post("/posts/999/delete", data={"csrf_token": csrf_token(logged_in, "/")}).status_code == 404


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/posts/9223372036854775808"),
    ("GET", "/posts/99999999999999999999/likes"),
    ("GET", "/posts/99999999999999999999/edit"),
    ("POST", "/posts/99999999999999999999/like"),
    ("POST", "/posts/99999999999999999999/unlike"),
    ("POST", "/posts/99999999999999999999/delete"),
])
def test_ids_beyond_bigint_are_404(logged_in, method, path):
    data = {"csrf_token": csrf_token(logged_in, "/")} if method == "POST" else None
    assert logged_in.open(path, method=method, data=data).status_code == 404


def test_only_the_author_sees_edit_and_delete(logged_in, another_client):
    post_id = create_post(logged_in)
    own = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    other = another_client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f'href="/posts/{post_id}/edit"' in own and f'action="/posts/{post_id}/delete"' in own
    assert f'href="/posts/{post_id}/edit"' not in other and f'action="/posts/{post_id}/delete"' not in other


# --- edit -----------------------------------------------------------------------------------------

def test_author_edits_caption_and_alt_text(logged_in, db):
    post_id = create_post(logged_in, caption="before", alt_text="old alt")
    before = db.execute("SELECT updated_at FROM posts WHERE id = %s", (post_id,)).fetchone()["updated_at"]
    form = logged_in.get(f"/posts/{post_id}/edit").get_data(as_text=True)
    assert "before</textarea>" in form and "old alt</textarea>" in form
    response = logged_in.post(f"/posts/{post_id}/edit", data={
        "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit"), "caption": "after\r\nedit",
        "alt_text": "new alt"})
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post_id}"
    row = db.execute("SELECT caption, alt_text, updated_at FROM posts WHERE id = %s", (post_id,)).fetchone()
    assert row["caption"] == "after\nedit" and row["alt_text"] == "new alt"
    assert row["updated_at"] > before
    html = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Your post is updated." in html and 'alt="new alt"' in html


def test_edit_rejects_too_long_caption(logged_in, db):
    post_id = create_post(logged_in, caption="keep me")
    response = logged_in.post(f"/posts/{post_id}/edit", data={
        "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit"), "caption": "z" * 2201, "alt_text": ""})
    assert response.status_code == 400
    assert "Keep the caption to 2200 characters or fewer." in response.get_data(as_text=True)
    assert posts(db)[0]["caption"] == "keep me"


def test_others_cannot_edit_or_delete(logged_in, another_client, db, media_root):
    post_id = create_post(logged_in, caption="mine")
    token = csrf_token(another_client, "/")
    assert another_client.get(f"/posts/{post_id}/edit").status_code == 403
    edit = another_client.post(f"/posts/{post_id}/edit", data={"csrf_token": token, "caption": "hacked"})
    assert edit.status_code == 403
    assert "You can&#39;t do that." in edit.get_data(as_text=True)
    assert another_client.post(f"/posts/{post_id}/delete", data={"csrf_token": token}).status_code == 403
    [row] = posts(db)
    assert row["caption"] == "mine"
    assert stored_files(media_root) == expected_keys(row["image"])


def test_edit_and_delete_need_csrf(logged_in, db):
    post_id = create_post(logged_in, caption="safe")
    assert logged_in.post(f"/posts/{post_id}/edit", data={"caption": "changed"}).status_code == 400
    assert logged_in.post(f"/posts/{post_id}/delete").status_code == 400
    assert posts(db)[0]["caption"] == "safe"


# --- delete -----------------------------------------------------------------------------------------

def test_author_deletes_post_with_its_likes_and_object(logged_in, another_client, db, media_root):
    keep = create_post(logged_in, caption="keep")
    doomed = create_post(logged_in, caption="doomed")
    press(another_client, doomed, "like")
    press(another_client, keep, "like")
    assert db.execute("SELECT count(*) AS n FROM like_post").fetchone()["n"] == 2
    response = logged_in.post(f"/posts/{doomed}/delete", data={"csrf_token": csrf_token(logged_in, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/u/alice"
    [row] = posts(db)
    assert row["id"] == keep and row["like_count"] == 1
    assert db.execute("SELECT post_id FROM like_post").fetchall() == [{"post_id": keep}]
    assert stored_files(media_root) == expected_keys(row["image"])
    assert "Your post is deleted." in logged_in.get("/u/alice").get_data(as_text=True)
    assert logged_in.get(f"/posts/{doomed}").status_code == 404
