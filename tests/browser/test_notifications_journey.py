"""Notifications in real browsers: bob likes, comments and follows in his browser; alice's badge shows
it on her next page load, her notifications page groups and reads it, and the badge goes back to zero."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import broken_images, log_in, save_screenshots
from tests.browser.seed import add_posts, add_user


def test_the_badge_updates_after_an_action_in_another_browser(app, new_page, db):
    alice = add_user(app, "alice")
    add_user(app, "bob")
    carol = add_user(app, "carol")
    [post] = add_posts(app, alice, ["Alice's lake"])
    db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (carol, post))

    alices = new_page()
    log_in(alices, "alice")
    alices.goto("/")
    badge = alices.locator("a.notifications")
    expect(badge).to_have_attribute("data-unread-count", "1")

    bobs = new_page()
    log_in(bobs, "bob")
    bobs.goto(f"/posts/{post}")
    bobs.wait_for_load_state("domcontentloaded")  # likes.js is deferred
    bobs.locator(f"article.post[data-post-id='{post}'] .like-button").click()
    expect(bobs.locator(f"article.post[data-post-id='{post}']")).to_have_attribute("data-liked", "true")
    bobs.get_by_label("Add a comment").fill("Lovely <3 @alice")
    bobs.get_by_role("button", name="Post").click()
    expect(bobs.locator("li.comment")).to_have_count(1)
    bobs.goto("/u/alice")
    bobs.locator(".follow-button").click()
    expect(bobs.locator(".follow-button")).to_have_attribute("aria-pressed", "true")

    # Nothing pushes to alice's open page; her next page load shows it.
    expect(badge).to_have_attribute("data-unread-count", "1")
    alices.reload()
    expect(alices.locator("a.notifications")).to_have_attribute("data-unread-count", "4")
    alices.locator("a.notifications").click()
    expect(alices).to_have_url(re.compile(r"/notifications$"))
    entries = alices.locator("li.notification")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_have_attribute("data-kind", "follow")
    expect(entries.nth(1)).to_have_attribute("data-kind", "comment")
    expect(entries.nth(1)).to_contain_text("Lovely <3 @alice")
    expect(entries.nth(2)).to_have_attribute("data-kind", "like")
    expect(entries.nth(2)).to_contain_text("bob and 1 other liked your post.")
    for i in range(3):
        expect(entries.nth(i)).to_have_attribute("data-unread", "true")
    expect(alices.locator("a.notifications")).to_have_attribute("data-unread-count", "0")
    assert broken_images(alices) == []
    save_screenshots(alices, "notifications")
    alices.goto("/")
    expect(alices.locator("a.notifications")).to_have_attribute("data-unread-count", "0")
    alices.goto("/notifications")
    expect(alices.locator("li.notification[data-unread=true]")).to_have_count(0)
