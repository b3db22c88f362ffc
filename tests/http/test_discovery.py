"""Tag pages and search over HTTP: what a user sees, in which order, in how many statements, and
that no query text, however hostile, is anything but a page."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from photoshare.services.search import QUERY_MAX, RESULTS_MAX
from tests.support.actions import counting_statements, create_post, csrf_token, log_in_as, seed_posts, seed_user

ARTICLE_RE = re.compile(r'<article class="post" data-post-id="(\d+)"')
SECTION_RE = re.compile(r'<section class="tag card" data-tag="([^"]*)" data-post-count="(\d+)">')
NEXT_RE = re.compile(r'<a rel="next" class="button" href="([^"]+)"')
USER_RE = re.compile(r'<li class="user" data-username="([^"]+)">')
TAG_RE = re.compile(r'<li class="tag" data-tag="([^"]+)">')


def tag_page(client, url):
    """(data-tag, data-post-count, post ids in page order, the next page's URL or None)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    [(tag, count)] = SECTION_RE.findall(html)
    following = NEXT_RE.search(html)
    next_url = following.group(1).replace("&amp;", "&") if following else None
    return tag, int(count), [int(i) for i in ARTICLE_RE.findall(html)], next_url


def found(client, q):
    """(usernames, tags) that /search?q= lists, in order."""
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return USER_RE.findall(html), TAG_RE.findall(html)


def tag_posts(db, post_ids, name):
    """Tag posts directly, as the app would have (name in tag_key form)."""
    db.execute("INSERT INTO hashtag (name) VALUES (%s) ON CONFLICT (lower(name)) DO NOTHING", (name,))
    db.execute("INSERT INTO post_hashtag (post_id, hashtag_id, post_created_at) "
               "SELECT p.id, h.id, p.created_at FROM posts p, hashtag h WHERE p.id = ANY(%s) AND h.name = %s",
               (post_ids, name))


def test_a_caption_tag_links_to_its_page_listing_its_posts_newest_first(logged_in, another_client):
    first = create_post(logged_in, caption="Evening #Sunset at the lake")
    create_post(logged_in, caption="no tag here")
    second = create_post(another_client, caption="#sunset again #beach")
    html = logged_in.get(f"/posts/{first}").get_data(as_text=True)
    assert '<a class="hashtag" href="/tags/sunset">#Sunset</a>' in html
    assert tag_page(logged_in, "/tags/sunset") == ("sunset", 2, [second, first], None)
    # Any case, and the decomposed form, name the same tag.
    assert tag_page(logged_in, "/tags/SUNSET")[:3] == ("sunset", 2, [second, first])
    assert tag_page(logged_in, "/tags/beach")[1:3] == (1, [second])


def test_unicode_tags_have_pages(logged_in):
    post_id = create_post(logged_in, caption="#Café #東京")
    html = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f'href="/tags/{quote("café")}"' in html
    assert tag_page(logged_in, f"/tags/{quote('CAFE' + chr(0x301))}")[:3] == ("café", 1, [post_id])
    assert tag_page(logged_in, f"/tags/{quote('東京')}")[:3] == ("東京", 1, [post_id])


@pytest.mark.parametrize("path", ["/tags/never", "/tags/a-b", "/tags/%00", "/tags/a%00b", "/tags/%FF%FE",
                                  "/tags/" + "x" * 101, "/tags/%3Cscript%3E"])
def test_a_tag_no_post_ever_carried_is_404(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_tag_whose_posts_are_gone_is_still_a_page(logged_in):
    post_id = create_post(logged_in, caption="#brief")
    logged_in.post(f"/posts/{post_id}/edit", data={"caption": "changed my mind", "alt_text": "",
                                                    "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit")})
    assert tag_page(logged_in, "/tags/brief") == ("brief", 0, [], None)
    assert "No posts carry #brief any more." in logged_in.get("/tags/brief").get_data(as_text=True)


def test_editing_a_caption_moves_the_post_between_tag_pages(logged_in):
    post_id = create_post(logged_in, caption="#old")
    response = logged_in.post(f"/posts/{post_id}/edit", data={
        "caption": "#new and #Old no more", "alt_text": "",
        "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit")})
    assert response.status_code == 302
    assert tag_page(logged_in, "/tags/new")[1:3] == (1, [post_id])
    assert tag_page(logged_in, "/tags/old")[1:3] == (1, [post_id])
    logged_in.post(f"/posts/{post_id}/edit", data={"caption": "#new only", "alt_text": "",
                                                    "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit")})
    assert tag_page(logged_in, "/tags/old")[1:3] == (0, [])


def test_tag_pages_go_by_20_across_equal_timestamps_in_three_statements(logged_in, db, monkeypatch):
    alice = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    same = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    older = seed_posts(db, alice, 5, created_at=same - timedelta(days=1))
    tied = seed_posts(db, alice, 37, created_at=same)
    seed_posts(db, alice, 6, created_at=same)  # untagged
    tag_posts(db, older + tied, "walk")
    pages, url = [], "/tags/walk"
    while url:
        with counting_statements(monkeypatch) as statements:
            tag, count, ids, url = tag_page(logged_in, url)
        assert len(statements) <= 3, statements
        assert (tag, count) == ("walk", 42)
        pages.append(ids)
    assert [len(page) for page in pages] == [20, 20, 2]
    assert [i for page in pages for i in page] == sorted(tied, reverse=True) + sorted(older, reverse=True)


def test_a_bad_cursor_is_400(logged_in):
    create_post(logged_in, caption="#x")
    assert logged_in.get("/tags/x?before=not-a-cursor").status_code == 400


def test_search_lists_prefix_matches_before_similar_names(logged_in, db):
    for name in ("jonathan", "jonas", "jon", "johnathan", "jonathon", "nathan", "zed"):
        seed_user(db, name)
    accounts, _ = found(logged_in, "jon")
    assert accounts[:4] == ["jon", "jonas", "jonathan", "jonathon"]  # prefix matches, in name order
    assert "zed" not in accounts and "nathan" not in accounts
    # A misspelling still finds the account: similar names, most similar first.
    # (similarity 0.58, 0.43, 0.42; jonathon, 0.36, is under the app's threshold of 0.4)
    accounts, _ = found(logged_in, "jhonathan")
    assert accounts == ["jonathan", "johnathan", "nathan"]
    # Prefix matches come first, then similar names (jonas 0.44), even more similar ones.
    accounts, _ = found(logged_in, "jonath")
    assert accounts == ["jonathan", "jonathon", "jonas"]
    # Case and a leading @ do not matter.
    assert found(logged_in, "@JONAS")[0][0] == "jonas"


def test_search_finds_tags_by_prefix_and_by_similar_name(logged_in):
    create_post(logged_in, caption="#sunset #sunrise #sundays #photography #Café")
    assert found(logged_in, "sun")[1] == ["sundays", "sunrise", "sunset"]
    assert found(logged_in, "#photgraphy")[1] == ["photography"]
    assert found(logged_in, "#photgraphy")[0] == []  # "#" searches tags only
    assert found(logged_in, "CAFÉ")[1] == ["café"]
    html = logged_in.get("/search?q=sun").get_data(as_text=True)
    assert '<a href="/tags/sunset" dir="auto">#sunset</a>' in html


def test_search_shows_at_most_20_of_each(logged_in, db):
    for i in range(30):
        seed_user(db, f"many{i:02d}")
    create_post(logged_in, caption=" ".join(f"#many{i:02d}" for i in range(30)))
    accounts, tags = found(logged_in, "many")
    assert len(accounts) == RESULTS_MAX and len(tags) == RESULTS_MAX
    assert accounts == [f"many{i:02d}" for i in range(20)] and tags == accounts


def test_search_takes_three_statements(logged_in, db, monkeypatch):
    seed_user(db, "carol")
    with counting_statements(monkeypatch) as statements:
        assert found(logged_in, "caroll")[0] == ["carol"]  # a similar name: both queries run
    assert len(statements) <= 3, statements


HOSTILE = ["", "   ", "x" * (QUERY_MAX + 1), "x" * 100_000, "' OR 1=1 --", "'; DROP TABLE users; --",
           "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\x00", "a\x00b", "%", "_", "\\",
           "%_%", "#", "@", "#@#", "@#", "\u202e", "\ufffd", "🙂" * 50, "a" * QUERY_MAX, "ǅ", "\U0010ffff",
           "ﬃ", "İ"]


@pytest.mark.parametrize("q", HOSTILE)
def test_any_query_text_is_a_page(logged_in, db, q):
    seed_user(db, "victim")
    response = logged_in.get("/search", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 2
    if len(q) > QUERY_MAX:
        assert "That search is too long" in html


@pytest.mark.parametrize("raw", ["q=%FF%FE", "q=%C3", "q=%ED%A0%80", "q=%00", "q=a%00", "q=%25", "q=%E2%80%AE",
                                 "q=1&q=2", "q", "q=%23%FF", "q=%40%FF"])
def test_invalid_utf8_and_odd_query_strings_are_a_page(logged_in, raw):
    response = logged_in.get("/search?" + raw)
    assert response.status_code == 200


def test_the_search_box_is_on_every_logged_in_page(logged_in):
    post_id = create_post(logged_in, caption="#x")
    for path in ("/", "/explore", f"/posts/{post_id}", "/u/alice", "/tags/x", "/settings/profile", "/search"):
        html = logged_in.get(path).get_data(as_text=True)
        assert '<form class="search-form nav-search" role="search" method="get" action="/search">' in html, path
        assert 'name="q"' in html


def test_the_query_is_kept_in_the_box_and_escaped(logged_in):
    html = logged_in.get("/search", query_string={"q": '"><b>x'}).get_data(as_text=True)
    assert 'value="&#34;&gt;&lt;b&gt;x"' in html and '"><b>x' not in html


def test_a_logged_out_visitor_cannot_search(client, db):
    seed_user(db, "alice")
    response = client.get("/search?q=alice")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_another_viewer_sees_the_same_tag_page(logged_in, another_client, db):
    post_id = create_post(logged_in, caption="#shared")
    log_in_as(another_client, db, "bob")
    assert tag_page(another_client, "/tags/shared")[2] == [post_id]
