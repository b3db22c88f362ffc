"""Comments in a real browser: with scripts on, without a page load; with scripts off, plain forms."""

from playwright.sync_api import expect

from tests.browser.helpers import PHONE, log_in, save_screenshots
from tests.browser.seed import add_posts, add_user


def comment_rows(db) -> list[dict]:
    return db.execute("SELECT c.id, u.username, c.body FROM comment c JOIN users u ON u.id = c.user_id "
                      "ORDER BY c.id").fetchall()


def test_a_comment_appears_without_a_page_load_and_goes_the_same_way(app, new_page, db):
    alice = add_user(app, "alice")
    add_user(app, "bob")
    [post] = add_posts(app, alice, ["Morning at the #lake with @bob"])
    page = new_page()
    log_in(page, "bob")
    page.goto(f"/posts/{post}")
    caption = page.locator("article.post .caption")
    expect(caption.locator("a.mention")).to_have_attribute("href", "/u/bob")
    expect(caption.locator("a.hashtag")).to_have_attribute("href", "/tags/lake")
    # comments.js is deferred: a click before it runs is the plain form post (a page load).
    page.wait_for_load_state("domcontentloaded")
    page.evaluate("window.__marker = 'still here'")

    field = page.get_by_label("Add a comment")
    field.fill("Beautiful, @alice!\nSecond line #Sunrise " + "w" * 200)
    page.get_by_role("button", name="Post").click()
    comment = page.locator("li.comment[data-author=bob]")
    expect(comment).to_have_count(1)
    expect(comment.locator("a.mention")).to_have_attribute("href", "/u/alice")
    expect(comment.locator("a.hashtag")).to_have_attribute("href", "/tags/sunrise")
    article = page.locator("article.post")
    expect(article).to_have_attribute("data-comment-count", "1")
    expect(article.locator(".comment-count")).to_have_text("1 comment")
    expect(page.locator(".no-comments")).to_have_count(0)
    expect(field).to_have_value("")
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"
    [row] = comment_rows(db)
    assert row["username"] == "bob" and row["body"].startswith("Beautiful, @alice!\nSecond line")
    expect(comment).to_have_attribute("data-comment-id", str(row["id"]))
    # The line break shows, and the long word wraps instead of widening a phone's page.
    page.set_viewport_size(PHONE)
    assert comment.locator(".text").evaluate("e => e.getClientRects().length") >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshots(page, "post-comments", full_page=True)

    # An empty comment: the message next to the field, still no page load.
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".comment-form .field-error")).to_have_text("Write something first.")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"

    comment.get_by_role("button", name="Delete").click()
    expect(comment).to_have_count(0)
    expect(article).to_have_attribute("data-comment-count", "0")
    expect(article.locator(".comment-count")).to_have_text("0 comments")
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"
    assert comment_rows(db) == []


def test_with_scripts_off_the_form_posts_and_returns_to_the_new_comment(app, new_page, db):
    alice = add_user(app, "alice")
    add_user(app, "bob")
    [post] = add_posts(app, alice, ["Evening"])
    page = new_page(java_script_enabled=False)
    log_in(page, "bob")
    page.goto(f"/posts/{post}")
    expect(page.locator(".no-comments")).to_have_text("No comments yet.")

    page.get_by_label("Add a comment").fill("<b>bold?</b> {{ 7*7 }} 😀")
    page.get_by_role("button", name="Post").click()
    [row] = comment_rows(db)
    assert page.url.endswith(f"/posts/{post}#comment-{row['id']}")
    comment = page.locator(f"li.comment[data-comment-id='{row['id']}']")
    expect(comment.locator(".text")).to_have_text("<b>bold?</b> {{ 7*7 }} 😀")
    expect(page.locator("article.post")).to_have_attribute("data-comment-count", "1")

    page.get_by_role("button", name="Post").click()
    expect(page.locator(".comment-form .field-error")).to_have_text("Write something first.")
    assert len(comment_rows(db)) == 1

    # alice, the post's author, removes bob's comment.
    author = new_page(java_script_enabled=False)
    log_in(author, "alice")
    author.goto(f"/posts/{post}")
    author.locator(f"li.comment[data-comment-id='{row['id']}']").get_by_role("button", name="Delete").click()
    expect(author.locator(".flash")).to_contain_text("The comment is deleted.")
    expect(author.locator("li.comment")).to_have_count(0)
    assert comment_rows(db) == []
