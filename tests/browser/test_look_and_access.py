"""How pages look (screenshots at phone and desktop widths) and what assistive technology gets from them."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, broken_images, log_in, save_screenshots, wait_for_images
from tests.browser.seed import add_posts, add_user, populate

IMAGES_JS = """() => Array.from(document.images).map(img => ({
    src: img.getAttribute("src"), alt: img.getAttribute("alt"),
    width: img.getAttribute("width"), height: img.getAttribute("height"),
    avatar: img.classList.contains("avatar"), hidden: img.closest("[aria-hidden=true]") !== null,
    postId: img.closest("article.post") ? img.closest("article.post").dataset.postId : null,
}))"""

UNLABELLED_FIELDS_JS = """() => Array.from(document.querySelectorAll("input, textarea, select"))
    .filter(el => !["hidden", "submit", "button"].includes(el.type))
    .filter(el => el.labels.length === 0 && !el.getAttribute("aria-label"))
    .map(el => el.outerHTML)"""


def _expected_alts(db) -> dict[str, str]:
    rows = db.execute("SELECT p.id, p.alt_text, u.username FROM posts p JOIN users u ON u.id = p.user_id")
    return {str(r["id"]): r["alt_text"] or f"Photo by {r['username']}" for r in rows}


def test_screenshots_and_image_alt_text(app, page, db):
    """Home, explore, profile, followers and post pages at 390 and 1280 px; every image has alt text and its size."""
    community = populate(app)
    log_in(page, "alice")
    expected_alts = _expected_alts(db)
    liked_by_alice = str(community["posts"]["carol"][-1])
    pages = {"home": "/", "explore": "/explore", "profile": "/u/carol", "followers": "/u/carol/followers",
             "post": f"/posts/{liked_by_alice}",
             "profile-empty": "/u/alice", "settings": "/settings/profile", "new-post": "/posts/new"}
    for name, path in pages.items():
        page.goto(path)
        save_screenshots(page, name)
        assert broken_images(page) == []
        for img in page.evaluate(IMAGES_JS):
            assert img["width"] and img["height"], f"{name}: {img['src']} has no width/height"
            assert img["src"].startswith("/media/")
            if img["avatar"] and img["hidden"]:
                # Beside the author's name, which says whose it is: decorative, and hidden from screen readers.
                assert img["alt"] == "", f"{name}: {img['src']}"
                continue
            assert img["alt"], f"{name}: {img['src']} has no alt text"
            if img["postId"]:
                assert img["alt"] == expected_alts[img["postId"]]

    page.goto("/explore")
    assert page.locator("article.post").count() == 7
    liked = page.locator(f"article.post[data-post-id='{liked_by_alice}']")
    expect(liked).to_have_attribute("data-liked", "true")
    expect(liked.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("article.post[data-liked=false] .like-button[aria-pressed=false]")).to_have_count(6)
    expect(page.get_by_alt_text("Photo by bob")).to_have_count(2)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_images_keep_their_box_while_loading(app, new_page, viewport):
    """No layout shift: each image's box has its final size before a single byte of it arrives."""
    carol = add_user(app, "carol")
    add_posts(app, carol, ["wide", "tall", "square"], sizes=[(1600, 900), (900, 1200), (1000, 1000)])
    add_user(app, "alice")
    page = new_page(viewport)
    log_in(page, "alice")
    held, released = [], []

    def hold(route):
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/media/**", hold)
    page.goto("/explore", wait_until="domcontentloaded")
    for _ in range(50):  # bounded wait for the eager image requests to be held
        if held:
            break
        page.wait_for_timeout(100)
    boxes_js = "() => Array.from(document.querySelectorAll('.post-image img')).map(i => [i.width, i.height])"
    before = page.evaluate(boxes_js)
    assert not page.evaluate("Array.from(document.images).some(i => i.complete && i.naturalWidth)")

    released.append(True)
    for route in held:
        route.continue_()
    wait_for_images(page)
    after = page.evaluate(boxes_js)
    assert before == after
    widths = {w for w, _ in after}
    assert len(widths) == 1 and widths.pop() > 300
    assert [round(w / h, 2) for w, h in after] == [1.0, 0.75, 1.78]


def test_every_form_field_has_a_label(app, new_page):
    carol = add_user(app, "carol")
    [post_id] = add_posts(app, carol, ["Mine"])
    visitor = new_page()
    for path in ("/auth/register", "/auth/login"):
        visitor.goto(path)
        assert visitor.evaluate(UNLABELLED_FIELDS_JS) == [], path
    member = new_page()
    log_in(member, "carol")
    for path in ("/posts/new", f"/posts/{post_id}/edit", "/settings/profile", "/settings/password", "/"):
        member.goto(path)
        assert member.evaluate(UNLABELLED_FIELDS_JS) == [], path


# WCAG 2 contrast of every visible piece of text against the first opaque background behind it.
LOW_CONTRAST_JS = """() => {
    const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = rgba(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || c[3] === 1) return c;
        }
        return [255, 255, 255];
    };
    const problems = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el.checkVisibility() || el.closest(".visually-hidden, .skip-link")) continue;
        const style = getComputedStyle(el);
        const [l1, l2] = [lum(rgba(style.color)), lum(background(el))].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && style.fontWeight >= 700);
        if (ratio < (large ? 3 : 4.5)) problems.push(`${node.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)}`);
    }
    return problems;
}"""


def test_text_has_enough_contrast(app, new_page):
    populate(app)
    visitor = new_page()
    log_in(visitor, "alice", "wrong password")
    assert visitor.evaluate(LOW_CONTRAST_JS) == [], "login page"
    for viewport in (PHONE, DESKTOP):
        member = new_page(viewport)
        log_in(member, "alice")
        for path in ("/", "/u/carol", "/u/alice", "/posts/new", "/settings/profile"):
            member.goto(path)
            assert member.evaluate(LOW_CONTRAST_JS) == [], path
