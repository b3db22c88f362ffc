"""Journeys a person takes through photoshare in a real browser, against a real server and database."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import broken_images, log_in, register, save_screenshots
from tests.browser.seed import add_posts, add_user
from tests.support.images import landscape


def _files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_sign_up_post_like_edit_delete(new_page, db, media_root):
    """Sign up, set a picture, post, see it first in the feed, get liked and unliked, edit, delete."""
    alice = new_page()
    register(alice, "alice")

    alice.get_by_role("link", name="Settings").click()
    alice.get_by_label("Profile picture").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": landscape(3, (300, 300), "PNG")}])
    alice.get_by_role("button", name="Save picture").click()
    expect(alice.locator(".flash")).to_contain_text("Your profile picture is updated.")
    alice.get_by_role("link", name="My profile").click()
    avatar = alice.locator("section.profile[data-username=alice] img.avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/profile/alice-"))
    assert broken_images(alice) == []

    alice.get_by_role("link", name="New post").click()
    alice.get_by_label("Photo", exact=True).set_input_files(
        files=[{"name": "lake.jpg", "mimeType": "image/jpeg", "buffer": landscape(0, (1200, 900))}])
    alice.get_by_label("Caption").fill("Sunset at the lake")
    alice.get_by_label("Alt text").fill("An orange sun setting behind a dark hill")
    alice.get_by_role("button", name="Share").click()
    expect(alice.locator(".flash")).to_contain_text("Your photo is posted.")
    post = db.execute("SELECT id, caption, image FROM posts").fetchone()
    assert post["caption"] == "Sunset at the lake"
    assert alice.url.endswith(f"/posts/{post['id']}")
    save_screenshots(alice, "post-own")

    alice.get_by_role("link", name="Home").click()
    first = alice.locator("article.post").first
    expect(first).to_have_attribute("data-post-id", str(post["id"]))
    expect(first).to_have_attribute("data-author", "alice")
    expect(first.locator(".caption")).to_have_text("alice Sunset at the lake")
    expect(first.locator(".post-image img")).to_have_attribute("alt", "An orange sun setting behind a dark hill")
    assert broken_images(alice) == []

    bob = new_page()
    register(bob, "bob")
    bob.get_by_role("link", name="Explore", exact=True).click()  # bob follows nobody yet: his home has no posts
    article = bob.locator(f"article.post[data-post-id='{post['id']}']")
    button = article.get_by_role("button", name="Like")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(article.locator(".like-count")).to_have_text("0 likes")
    # likes.js is deferred: it runs before DOMContentLoaded. A click before then is the plain form
    # post (which works, with a reload); this test is about the script's way.
    bob.wait_for_load_state("domcontentloaded")
    bob.evaluate("window.__marker = 'still here'")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(article.locator(".like-count")).to_have_text("1 like")
    expect(article).to_have_attribute("data-like-count", "1")
    expect(article).to_have_attribute("data-liked", "true")
    assert bob.evaluate("window.__marker") == "still here", "the page reloaded"
    assert db.execute("SELECT u.username FROM like_post l JOIN users u ON u.id = l.user_id "
                      "WHERE l.post_id = %s", [post["id"]]).fetchall() == [{"username": "bob"}]

    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(article.locator(".like-count")).to_have_text("0 likes")
    expect(article).to_have_attribute("data-like-count", "0")
    assert bob.evaluate("window.__marker") == "still here", "the page reloaded"
    assert db.execute("SELECT count(*) AS n FROM like_post").fetchone()["n"] == 0
    assert db.execute("SELECT like_count FROM posts WHERE id = %s", [post["id"]]).fetchone()["like_count"] == 0

    alice.goto(f"/posts/{post['id']}")
    alice.get_by_role("link", name="Edit").click()
    expect(alice.get_by_label("Caption")).to_have_value("Sunset at the lake")
    alice.get_by_label("Caption").fill("Sunset at the lake, take two")
    alice.get_by_role("button", name="Save").click()
    expect(alice.locator(".flash")).to_contain_text("Your post is updated.")
    expect(alice.locator("article.post .caption")).to_have_text("alice Sunset at the lake, take two")
    assert db.execute("SELECT caption FROM posts").fetchone()["caption"] == "Sunset at the lake, take two"

    assert any(name.startswith("post/") for name in _files_under(media_root))
    alice.get_by_role("button", name="Delete").click()
    expect(alice.locator(".flash")).to_contain_text("Your post is deleted.")
    expect(alice.locator("section.profile")).to_have_attribute("data-post-count", "0")
    expect(alice.locator("article.post")).to_have_count(0)
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0
    assert not any(name.startswith("post/") for name in _files_under(media_root))


def test_wrong_password_shows_the_message(app, page):
    add_user(app, "alice")
    log_in(page, "alice", "not the password")
    message = page.locator(".field-error")
    expect(message).to_have_text("Wrong username, email or password.")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    assert "/auth/login" in page.url
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    save_screenshots(page, "login-error")


def test_text_file_upload_shows_the_error_next_to_the_field(app, page, db):
    add_user(app, "alice")
    log_in(page, "alice")
    page.goto("/posts/new")
    page.get_by_label("Photo", exact=True).set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"shopping list: film, batteries\n"}])
    page.get_by_label("Caption").fill("Not a photo")
    page.get_by_role("button", name="Share").click()

    field = page.get_by_label("Photo", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + field.get_attribute("aria-describedby").split()[0])
    expect(error).to_have_text("The file is not a JPEG, PNG, GIF or WebP image.")
    # "Next to the field": the message sits in the same field group, right under the input.
    group = page.locator(".field", has=field)
    expect(group.locator(".field-error")).to_have_text("The file is not a JPEG, PNG, GIF or WebP image.")
    expect(page.get_by_label("Caption")).to_have_value("Not a photo")
    save_screenshots(page, "upload-error")
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0


def test_explore_pages_through_45_posts_without_duplicates_or_gaps(app, page, db):
    alice = add_user(app, "alice")
    bob = add_user(app, "bob")
    # Three posts per transaction share a created_at, so the id must break ties across page ends.
    add_posts(app, alice, [f"alice {i}" for i in range(23)], per_transaction=3)
    add_posts(app, bob, [f"bob {i}" for i in range(22)], per_transaction=3)
    expected = [row["id"] for row in db.execute("SELECT id FROM posts ORDER BY created_at DESC, id DESC")]
    assert len(expected) == 45

    log_in(page, "alice")
    page.goto("/explore")
    seen, page_sizes = [], []
    for _ in range(10):  # bounded: 45 posts are three pages
        ids = [int(i) for i in page.locator("article.post").evaluate_all(
            "posts => posts.map(p => p.dataset.postId)")]
        seen += ids
        page_sizes.append(len(ids))
        older = page.locator("a[rel=next]")
        if older.count() == 0:
            break
        expect(older).to_have_text("Older posts")
        older.click()
        page.wait_for_url(re.compile(r"\?before="))
    assert page_sizes == [20, 20, 5]
    assert seen == expected
    assert len(set(seen)) == 45


def test_keyboard_alone_reaches_and_presses_the_like_button(app, page, db):
    carol = add_user(app, "carol")
    [post_id] = add_posts(app, carol, ["Morning"])
    add_user(app, "alice")
    log_in(page, "alice")
    page.goto("/explore")
    page.locator("body").focus()

    for _ in range(40):  # bounded: the like button is a dozen stops in
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('like-button')"):
            break
    else:
        raise AssertionError("Tab never reached the like button")
    button = page.locator(".like-button")
    expect(button).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused like button shows no focus ring"
    save_screenshots(page, "feed-keyboard-focus")

    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_be_focused()
    assert db.execute("SELECT post_id FROM like_post").fetchall() == [{"post_id": post_id}]
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert db.execute("SELECT count(*) AS n FROM like_post").fetchone()["n"] == 0
