"""Finding people and topics in a real browser: the search box on a phone, results, and a caption's
tag leading to the tag's page."""

from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, log_in, save_screenshots
from tests.browser.seed import add_posts, add_user


def test_search_from_a_phone_then_follow_a_tag_from_a_caption(app, new_page):
    alice = add_user(app, "alice.walker")
    add_user(app, "alina")
    add_user(app, "bob")
    posts = add_posts(app, alice, ["Evening light #Sunset #lake", "Another one #sunset", "Coffee #morning"])
    page = new_page(PHONE)
    log_in(page, "bob")
    page.goto("/explore")
    box = page.locator("header.topbar form.nav-search input[name=q]")
    expect(box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A misspelling still finds the account.
    box.fill("alice.waker")
    box.press("Enter")
    page.wait_for_url("**/search?q=alice.waker")
    expect(page.locator("li.user[data-username='alice.walker']")).to_have_count(1)
    box = page.locator("header.topbar form.nav-search input[name=q]")
    expect(box).to_have_value("alice.waker")
    # A prefix lists both accounts, in order, and a tag search finds the tag.
    box.fill("ali")
    box.press("Enter")
    expect(page.locator("li.user")).to_have_count(2)
    assert page.locator("li.user").evaluate_all("items => items.map(i => i.dataset.username)") == [
        "alice.walker", "alina"]
    page.locator("header.topbar form.nav-search input[name=q]").fill("#suns")
    page.locator("header.topbar form.nav-search input[name=q]").press("Enter")
    expect(page.locator("li.tag[data-tag=sunset]")).to_have_count(1)
    save_screenshots(page, "search", full_page=True)

    # The account's post, then the tag in its caption.
    page.goto(f"/posts/{posts[0]}")
    page.locator("article.post .caption a.hashtag", has_text="#Sunset").click()
    page.wait_for_url("**/tags/sunset")
    section = page.locator("section.tag")
    expect(section).to_have_attribute("data-tag", "sunset")
    expect(section).to_have_attribute("data-post-count", "2")
    expect(section).to_contain_text("2 posts")
    ids = page.locator("article.post").evaluate_all("items => items.map(i => Number(i.dataset.postId))")
    assert ids == [posts[1], posts[0]]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshots(page, "tag-page", full_page=True)


def test_the_search_box_works_without_scripts_on_a_desktop(app, new_page):
    add_user(app, "carol")
    page = new_page(DESKTOP, java_script_enabled=False)
    log_in(page, "carol")
    box = page.get_by_role("searchbox", name="Search accounts and tags").first
    expect(box).to_be_visible()
    box.fill("car")
    box.press("Enter")
    expect(page.locator("li.user[data-username=carol]")).to_have_count(1)
