"""A newcomer's first hour, in Chromium at phone and desktop widths: the landing page, sign-up with the
verification link from a real SMTP server, a forgotten password reset by mail, profiles with avatars,
names and bios, pages that hold long names, long captions and right-to-left text, errors in sight."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DESKTOP, PHONE, broken_images, log_in, save_screenshots
from tests.browser.seed import add_likes, add_posts, add_user
from tests.support.actions import PASSWORD
from tests.support.images import png_rgba

NEW_PASSWORD = "a brand new passphrase"
LONG_NAME = "W" * 30
ARABIC = "غروب الشمس فوق البحيرة، وكل شيء هادئ"
LONG_CAPTION = ("The long way round the lake, written down before I forget it. " * 40)[:2200].strip()


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def page_width(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def link_path(link: str) -> str:
    parts = urlsplit(link)
    return parts.path


def test_sign_up_verify_and_reset_a_forgotten_password(new_page, db, mailbox):
    page = new_page(PHONE)
    page.goto("/")
    assert "/auth/login" in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your photos")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash-info")).to_contain_text("We sent a link to alice@example.com")

    [verification] = mailbox.wait_for("alice@example.com")
    page.goto(link_path(verification.links[0]))
    expect(page.get_by_role("heading", name="Address confirmed")).to_be_visible()
    assert db.execute("SELECT email_verified_at IS NOT NULL AS v FROM users").fetchone()["v"]

    # On a phone, log-out lives in Settings, not in the tab bar under the thumb.
    expect(page.locator(".nav-tabs").get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.locator(".nav-logout")).to_be_hidden()
    page.get_by_role("link", name="Settings").click()
    page.locator(".logout-form").get_by_role("button", name="Log out").click()
    expect(page.locator(".flash")).to_contain_text("You are logged out.")

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Your account's email address").fill("alice@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    save_screenshots(page, "forgot-sent")

    [message] = mailbox.wait_for("alice@example.com", subject="Reset your photoshare password")
    page.goto(link_path(message.links[0]))
    expect(page.get_by_text("For the account alice.")).to_be_visible()
    save_screenshots(page, "reset-password")
    page.set_viewport_size(PHONE)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    expect(page.locator(".flash-success")).to_contain_text("every other browser is logged out")

    other = new_page(DESKTOP)
    log_in(other, "alice", PASSWORD)
    expect(other.locator(".field-error")).to_have_text("Wrong username, email or password.")
    log_in(other, "alice", NEW_PASSWORD)
    expect(other.locator(".nav-logout")).to_be_visible()
    # The link worked once.
    other.goto(link_path(message.links[0]))
    expect(other.get_by_role("heading", name="This link does not work")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_landing_page_shows_photoshare_with_log_in_and_sign_up(new_page, viewport):
    page = new_page(viewport)
    page.goto("/u/someone")
    expect(page.get_by_text("Log in to see that page: you will go straight there.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_text("Please log in to see this page.")).to_have_count(0)
    expect(page.locator(".landing-collage img")).to_have_count(3)
    assert broken_images(page) == []
    login, signup = box(page, ".landing-forms .auth-card"), box(page, ".signup-card")
    if viewport is DESKTOP:
        assert abs(login["y"] - signup["y"]) < 2 and login["x"] + login["width"] <= signup["x"], "not side by side"
        assert login["y"] < viewport["height"], "the log-in form is below the fold"
    else:
        assert signup["y"] >= login["y"] + login["height"]
    assert page_width(page) <= viewport["width"]
    save_screenshots(page, "landing", full_page=True)


def test_long_names_long_captions_and_right_to_left_text_fit(app, new_page, db):
    long_id = add_user(app, LONG_NAME, with_picture=True)
    carol = add_user(app, "carol", with_picture=True)
    bob = add_user(app, "bob")
    add_user(app, "alice")
    db.execute("UPDATE profile SET display_name = %s, bio = %s WHERE user_id = %s",
               ("Carol " + "Longname" * 6, "Lakes, trains and\nlong walks.", carol))
    [clear] = add_posts(app, bob, ["Transparent on purpose"], images=[png_rgba((600, 400))])
    [rtl] = add_posts(app, carol, [ARABIC])
    [wordy] = add_posts(app, carol, [LONG_CAPTION], sizes=[(1200, 800)])
    [named] = add_posts(app, long_id, ["A name as long as the rules allow"])
    add_likes(app, wordy, [long_id, bob])

    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        log_in(page, "alice")
        page.goto("/explore")
        if viewport is DESKTOP:
            save_screenshots(page, "feed-first-hour")  # ends at the desktop width again
        width = viewport["width"]
        assert page_width(page) <= width, "something is wider than the screen"
        # The time stays on screen beside a 30-character name, which is cut with an ellipsis.
        card = page.locator(f"article.post[data-post-id='{named}']")
        time_box = card.locator(".time").bounding_box()
        assert time_box["x"] + time_box["width"] <= width
        author = card.locator(".post-header .author")
        if viewport is PHONE:
            assert author.evaluate("a => a.scrollWidth > a.clientWidth"), "the long name is not cut"
        expect(card.locator(".post-header img.avatar")).to_have_attribute(
            "src", re.compile(r"^/media/profile/.*-160\."))
        expect(page.locator(f"article.post[data-post-id='{clear}'] .post-header .avatar-letter")).to_have_text("B")
        # Right-to-left text reads right to left, and the English caption left to right.
        assert page.locator(f"article.post[data-post-id='{rtl}'] .caption").evaluate(
            "p => getComputedStyle(p).direction") == "rtl"
        assert page.locator(f"article.post[data-post-id='{named}'] .caption").evaluate(
            "p => getComputedStyle(p).direction") == "ltr"
        # A 2,200-character caption takes three lines until "more" is opened.
        caption = page.locator(f"article.post[data-post-id='{wordy}'] .caption")
        line = caption.evaluate("p => parseFloat(getComputedStyle(p).lineHeight)")
        assert caption.bounding_box()["height"] <= 3.5 * line
        page.locator(f"article.post[data-post-id='{wordy}'] .caption-more summary").click()
        assert caption.bounding_box()["height"] > 10 * line
        expect(page.locator(f"article.post[data-post-id='{wordy}'] .caption-more summary")).to_have_text(
            "less", use_inner_text=True)
        # The bars are opaque: nothing ghosts through them.
        for bar in (".topbar", ".nav-tabs") if viewport is PHONE else (".topbar",):
            colour = page.locator(bar).evaluate("e => getComputedStyle(e).backgroundColor")
            assert colour == "rgb(255, 255, 255)", (bar, colour)
        feed_background = page.locator(f"article.post[data-post-id='{clear}'] .post-image").evaluate(
            "e => getComputedStyle(e).backgroundColor")

        page.goto(f"/posts/{clear}")
        assert page.locator(".post-image").evaluate("e => getComputedStyle(e).backgroundColor") == feed_background

        page.goto(f"/posts/{wordy}")
        if viewport is DESKTOP:
            # The long caption scrolls beside the photo instead of stretching the post around it.
            article, image = box(page, "article.post"), box(page, ".post-image img")
            assert article["height"] - image["height"] < 4, (article, image)
        assert page_width(page) <= width

        page.goto(f"/posts/{wordy}/likes")
        assert page_width(page) <= width
        expect(page.locator(f"li.user[data-username='{LONG_NAME}'] img.avatar")).to_have_count(1)
        expect(page.locator("li.user[data-username='bob'] .avatar-letter")).to_have_text("B")

        page.goto("/u/carol")
        expect(page.locator("section.profile")).to_have_attribute("data-display-name", re.compile("^Carol Longname"))
        expect(page.locator(".bio")).to_have_text("Lakes, trains and\nlong walks.")
        assert page_width(page) <= width
    save_screenshots(page, "profile-with-bio")
    page.goto(f"/posts/{wordy}")
    save_screenshots(page, "post-long-caption")
    page.goto(f"/posts/{wordy}/likes")
    save_screenshots(page, "likers-long-names")


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_the_delete_account_error_is_in_sight_and_focused(app, new_page, scripts):
    add_user(app, "alice")
    page = new_page(PHONE, java_script_enabled=scripts)
    log_in(page, "alice")
    page.goto("/settings/profile")
    page.locator(".danger-zone").get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    error = page.locator(".danger-zone .field-error")
    expect(error).to_have_text("That is not your password.")
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator(".danger-zone input[type=password]")).to_be_focused()
    error_box = error.bounding_box()
    tab_bar = box(page, ".nav-tabs")
    assert error_box["y"] >= box(page, ".topbar")["height"], "under the top bar"
    assert error_box["y"] + error_box["height"] <= tab_bar["y"], "under the tab bar"
    if scripts:
        save_screenshots(page, "delete-account-error")


def test_a_like_without_scripts_returns_to_the_post(app, new_page, db):
    carol = add_user(app, "carol")
    ids = add_posts(app, carol, [f"Photo {n}" for n in range(6)])
    add_user(app, "alice")
    page = new_page(PHONE, java_script_enabled=False)
    log_in(page, "alice")
    page.goto("/explore")
    target = ids[2]  # the fourth card from the top: well below the first screen
    card = page.locator(f"article.post[data-post-id='{target}']")
    card.get_by_role("button", name="Like").click()
    page.wait_for_url(re.compile(rf"#post-{target}$"))
    expect(card).to_have_attribute("data-liked", "true")
    top = card.bounding_box()["y"]
    assert box(page, ".topbar")["height"] - 1 <= top < PHONE["height"] / 2, top
    assert page.evaluate("window.scrollY") > 0
