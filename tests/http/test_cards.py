"""Post cards: the author's avatar beside the name, captions that take their own direction, long captions
clamped in the feed with "more", and still one statement for the feed's posts."""

import html
import re

from tests.support.actions import (
    counting_statements,
    create_post,
    log_in_as,
    seed_posts,
    seed_user,
    upload_profile_picture,
)
from tests.support.images import image_bytes


def card(html: str, post_id: int) -> str:
    return re.search(rf'<article class="post" data-post-id="{post_id}".*?</article>', html, re.S).group(0)


def test_a_card_shows_the_authors_picture_or_letter_beside_the_name(logged_in, another_client, db):
    alices = create_post(logged_in)
    bobs = create_post(another_client)
    assert upload_profile_picture(logged_in, image_bytes(size=(300, 300))).status_code == 302
    key = db.execute("SELECT image FROM profile WHERE image IS NOT NULL").fetchone()["image"]
    for path in ("/explore", f"/posts/{alices}"):
        header = re.search(r'<header class="post-header">.*?</header>', card(logged_in.get(path).get_data(as_text=True),
                                                                            alices), re.S).group(0)
        path = "/media/" + key.replace(".png", "-160.png")
        # The 160 px rendition, by a signed URL (web/media_signing.py) that serves it.
        found = re.search(r'<a class="avatar-link" href="/u/alice" tabindex="-1" aria-hidden="true">'
                          r'<img class="avatar avatar-32" src="([^"]+)" width="32" height="32" alt=""', header)
        src = html.unescape(found.group(1))
        assert src.startswith(path + "?expires=") and "&sig=" in src
        assert header.index("avatar-link") < header.index('<a class="author" href="/u/alice">alice</a>')
        assert logged_in.get(src).status_code == 200
        assert logged_in.get(path).status_code == 403  # unsigned
    bob_card = card(logged_in.get("/explore").get_data(as_text=True), bobs)
    assert re.search(r'<span class="avatar avatar-letter avatar-32 avatar-c\d" aria-hidden="true">B</span>', bob_card)


def test_explore_is_still_one_statement_with_avatars(app, db, monkeypatch):
    viewer = seed_user(db, "viewer")
    for n in range(5):
        author = seed_user(db, f"author{n}")
        db.execute("UPDATE profile SET image = %s WHERE user_id = %s",
                   (f"profile/author{n}-20240101T000000000000Z.png", author))
        seed_posts(db, author, 5)
    seed_posts(db, viewer, 2)
    client = app.test_client()
    log_in_as(client, db, "viewer")
    client.get("/explore")
    with counting_statements(monkeypatch) as seen:
        html = client.get("/explore").get_data(as_text=True)
    assert len([q for q in seen if q.strip()]) == 2  # the session's user, then the page's posts
    assert html.count('<img class="avatar avatar-32"') == 20 - 2
    assert html.count('class="avatar avatar-letter avatar-32') == 2


def test_captions_take_their_direction_from_their_own_text(logged_in):
    post_id = create_post(logged_in, caption="مرحبا بالعالم")
    html = card(logged_in.get("/").get_data(as_text=True), post_id)
    # dir="auto" on the paragraph; the name has its own dir, so the caption's first letter decides.
    assert ('<p class="caption" dir="auto"><a class="author" dir="ltr" href="/u/alice">alice</a> '
            '<span class="caption-text">مرحبا بالعالم</span></p>') in html


def test_a_long_caption_is_clamped_with_more_in_the_feed_and_whole_on_its_page(logged_in):
    long_id = create_post(logged_in, caption="word " * 440)
    lines_id = create_post(logged_in, caption="one\ntwo\nthree\nfour")
    short_id = create_post(logged_in, caption="A short one")
    feed = logged_in.get("/").get_data(as_text=True)
    for post_id in (long_id, lines_id):
        html = card(feed, post_id)
        assert '<p class="caption clamped" dir="auto">' in html
        assert '<details class="caption-more"><summary><span class="more-label">more</span>' in html
    assert "caption-more" not in card(feed, short_id) and "clamped" not in card(feed, short_id)
    # The whole text is in the page (screen readers read it all; CSS only clamps what is shown).
    assert ("word " * 440).strip() in card(feed, long_id)
    page = card(logged_in.get(f"/posts/{long_id}").get_data(as_text=True), long_id)
    assert "clamped" not in page and "caption-more" not in page
