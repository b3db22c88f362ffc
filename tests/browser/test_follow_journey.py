"""Following in a real browser: from the empty home feed's suggestions and from a profile, without a
page load (and as a plain form with scripts off); the followed person's new post reaches the home
feed through the real worker."""

import time

from playwright.sync_api import Page, expect

from photoshare.data.db import get_conn
from photoshare.media.factory import get_store
from photoshare.media.images import process_image
from photoshare.services.posts import publish_post
from tests.browser.helpers import log_in, save_screenshots
from tests.browser.seed import add_posts, add_user
from tests.support.images import landscape


def publish(app, author_id: int, caption: str) -> int:
    """A post published as the app publishes one: its delivery job is queued for the worker."""
    with app.app_context():
        return publish_post(get_conn(), get_store(), author_id, process_image(landscape(5, (640, 480)), "post"),
                            caption=caption)


def wait_for_post_on_home(page: Page, post_id: int, timeout: float = 10.0) -> None:
    """Reload the home feed until the post is there (the worker delivers it within seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto("/")
        if page.locator(f"article.post[data-post-id='{post_id}']").count():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"post {post_id} did not reach the home feed within {timeout} s")
        time.sleep(0.3)


def test_follow_from_suggestions_and_a_profile_then_their_post_is_on_home(app, page, db):
    add_user(app, "alice")
    bob = add_user(app, "bob")
    carol = add_user(app, "carol")
    [bobs] = add_posts(app, bob, ["Bob's bikes"])
    add_posts(app, carol, ["Carol's garden"])
    db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)", (carol, bob))

    log_in(page, "alice")
    page.goto("/")
    expect(page.locator(".suggestions h2")).to_have_text("Your home feed is empty")
    expect(page.locator(".suggestions a.explore-link")).to_have_attribute("href", "/explore")
    save_screenshots(page, "home-empty-suggestions")
    suggestion = page.locator("li.user[data-username=bob]")
    button = suggestion.locator(".follow-button")
    expect(button).to_have_attribute("aria-pressed", "false")
    page.wait_for_load_state("domcontentloaded")  # follows.js is deferred
    page.evaluate("window.__marker = 'still here'")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_text("Following")
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"
    assert db.execute("SELECT count(*) AS n FROM follow WHERE followee_id = %s", (bob,)).fetchone()["n"] == 2
    # Bob's recent posts are on the home feed at once.
    page.goto("/")
    expect(page.locator(f"article.post[data-post-id='{bobs}']")).to_be_visible()

    page.goto("/u/carol")
    profile = page.locator("section.profile[data-username=carol]")
    expect(profile).to_have_attribute("data-follower-count", "0")
    button = profile.locator(".follow-button")
    page.wait_for_load_state("domcontentloaded")
    page.evaluate("window.__marker = 'still here'")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(profile).to_have_attribute("data-follower-count", "1")
    expect(profile.locator(".follower-count")).to_have_text("1 follower")
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"
    save_screenshots(page, "profile-followed")

    # Carol posts; the worker copies it to her followers' timelines; alice sees it on her home feed.
    new = publish(app, carol, "Carol's tomatoes")
    wait_for_post_on_home(page, new)
    expect(page.locator("article.post").first).to_have_attribute("data-author", "carol")

    # Unfollow in place: her posts leave the home feed at once.
    page.goto("/u/carol")
    page.wait_for_load_state("domcontentloaded")
    page.locator("section.profile .follow-button").click()
    expect(page.locator("section.profile")).to_have_attribute("data-follower-count", "0")
    page.goto("/")
    expect(page.locator("article.post[data-author=carol]")).to_have_count(0)
    expect(page.locator(f"article.post[data-post-id='{bobs}']")).to_be_visible()


def test_follow_works_as_a_plain_form_without_scripts(app, browser, live_server, db):
    add_user(app, "alice")
    add_user(app, "dave")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "alice")
        page.goto("/u/dave")
        page.locator("section.profile .follow-button").click()
        page.wait_for_url("**/u/dave")
        expect(page.locator("section.profile")).to_have_attribute("data-follower-count", "1")
        expect(page.locator("section.profile .follow-button")).to_have_attribute("aria-pressed", "true")
        page.locator("section.profile .follow-button").click()
        page.wait_for_url("**/u/dave")
        expect(page.locator("section.profile")).to_have_attribute("data-follower-count", "0")
    finally:
        context.close()
    assert db.execute("SELECT count(*) AS n FROM follow").fetchone()["n"] == 0
