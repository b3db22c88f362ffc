"""Comments through the app: adding, limits, hostile text, mentions and hashtags, deleting and who may,
the post page's keyset pages, and the statements a page costs."""

import re
from datetime import UTC, datetime
from typing import get_type_hints

import pytest
from markupsafe import escape

from photoshare.models import Comment
from photoshare.web.comments.markup import comment_items
from tests.support.actions import (
    HOSTILE_TEXT,
    add_comment,
    counting_statements,
    create_post,
    csrf_token,
    delete_comment,
    log_in_as,
    seed_posts,
    seed_user,
    stored_text,
    user_id,
)

JSON = {"Accept": "application/json"}
COMMENT_RE = re.compile(r'<li class="comment" id="comment-(\d+)" data-comment-id="(\d+)" data-author="([^"]+)">')
NEXT_RE = re.compile(r'<a rel="next" class="button" href="(/posts/\d+\?after=[^"#]+)#comments"')


def comments_of(html: str) -> list[tuple[int, str]]:
    """(id, author) of each comment on a page, in page order."""
    found = []
    for match in COMMENT_RE.finditer(html):
        assert match[1] == match[2]
        found.append((int(match[2]), match[3]))
    return found


def comment_rows(db) -> list[dict]:
    return db.execute("SELECT c.id, c.post_id, u.username, c.body FROM comment c JOIN users u ON u.id = c.user_id "
                      "ORDER BY c.id").fetchall()


def body_html(html: str, comment_id: int) -> str:
    """The markup of one comment's text."""
    match = re.search(rf'<li class="comment" id="comment-{comment_id}".*?'
                      r'<span class="text" dir="auto">(.*?)</span></p>', html, re.S)
    assert match, f"comment {comment_id} is not on the page"
    return match[1]


@pytest.fixture
def post_id(logged_in):
    """A post by alice (logged_in)."""
    return create_post(logged_in, caption="my photo")


# --- adding -----------------------------------------------------------------------------------------

def test_a_comment_returns_to_the_post_page_at_the_comment(logged_in, another_client, db, post_id):
    response = add_comment(another_client, post_id, "Lovely light")
    [row] = comment_rows(db)
    assert (row["post_id"], row["username"], row["body"]) == (post_id, "bob", "Lovely light")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/posts/{post_id}#comment-{row['id']}"
    html = another_client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert comments_of(html) == [(row["id"], "bob")]
    assert f'data-post-id="{post_id}"' in html and 'data-comment-count="1"' in html
    assert body_html(html, row["id"]) == "Lovely light"
    # The form sits under the list; the feed card shows the count and links it to the comments.
    assert html.index('class="comment-list"') < html.index('class="comment-form"')
    feed = logged_in.get("/").get_data(as_text=True)
    assert f'<a class="comment-count" href="/posts/{post_id}#comments"><span class="count">1</span> comment</a>' in feed


def test_a_script_gets_json_with_the_comments_markup(another_client, db, post_id):
    response = add_comment(another_client, post_id, "first!", headers=JSON)
    assert response.status_code == 200
    data = response.get_json()
    [row] = comment_rows(db)
    assert (data["comment_id"], data["comment_count"]) == (row["id"], 1)
    assert comments_of(data["html"]) == [(row["id"], "bob")]
    assert 'class="comment-delete-form"' in data["html"]  # one's own comment can be deleted at once
    assert add_comment(another_client, post_id, "second", headers=JSON).get_json()["comment_count"] == 2


def test_comments_are_listed_oldest_first(logged_in, another_client, db, post_id):
    add_comment(another_client, post_id, "one")
    add_comment(logged_in, post_id, "two")
    add_comment(another_client, post_id, "three")
    html = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert [author for _, author in comments_of(html)] == ["bob", "alice", "bob"]
    assert [body_html(html, cid) for cid, _ in comments_of(html)] == ["one", "two", "three"]


def test_a_comment_on_a_missing_post_is_404(logged_in, db):
    assert add_comment(logged_in, 999, "hello").status_code == 404
    assert add_comment(logged_in, 999, "hello", headers=JSON).status_code == 404
    assert add_comment(logged_in, 99999999999999999999, "hello").status_code == 404
    assert comment_rows(db) == []


def test_a_comment_without_the_csrf_token_is_refused(another_client, db, post_id):
    response = another_client.post(f"/posts/{post_id}/comments", data={"body": "sneaky"})
    assert response.status_code == 400
    assert "The form expired or was not sent from this site." in response.get_data(as_text=True)
    response = another_client.post(f"/posts/{post_id}/comments", data={"body": "sneaky", "csrf_token": "forged"})
    assert response.status_code == 400
    assert comment_rows(db) == []


# --- limits -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "message"), [
    ("", "Write something first."),
    (" \r\n\t ", "Write something first."),
    ("x" * 2201, "Keep the comment to 2200 characters or fewer."),
])
def test_an_empty_or_too_long_comment_is_400_with_the_message_next_to_the_field(another_client, db, post_id,
                                                                               body, message):
    response = add_comment(another_client, post_id, body)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="field-error" id="body-error">{message}</p>' in html
    assert 'aria-invalid="true"' in html and f'data-post-id="{post_id}"' in html  # the post page, again
    refused = add_comment(another_client, post_id, body, headers=JSON)
    assert refused.status_code == 400 and refused.get_json() == {"errors": {"body": [message]}}
    assert comment_rows(db) == []


def test_2200_characters_are_accepted_and_a_browsers_line_breaks_count_once(another_client, db, post_id):
    assert add_comment(another_client, post_id, "é" * 2200).status_code == 302
    # 22 lines of 99 characters: 2178 plus 21 line breaks is 2199 stored, 2220 as the browser sends it.
    sent = "\r\n".join(["y" * 99] * 22)
    assert add_comment(another_client, post_id, sent).status_code == 302
    bodies = [row["body"] for row in comment_rows(db)]
    assert bodies == ["é" * 2200, "\n".join(["y" * 99] * 22)]
    assert [len(body) for body in bodies] == [2200, 2199]


def test_line_breaks_are_kept_and_long_words_wrap(another_client, db, post_id):
    add_comment(another_client, post_id, "first line\r\nsecond line\n\n" + "w" * 300)
    [row] = comment_rows(db)
    html = another_client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert body_html(html, row["id"]) == "first line\nsecond line\n\n" + "w" * 300
    css = another_client.get("/static/app.css").get_data(as_text=True)
    assert re.search(r"\.comment-body \{[^}]*white-space: pre-line;[^}]*overflow-wrap: anywhere;", css)


# --- hostile text -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_is_stored_as_sent_and_shown_as_text(another_client, db, post_id, text):
    response = add_comment(another_client, post_id, text)
    stored = stored_text(text)
    if not stored:
        assert response.status_code == 400
        assert comment_rows(db) == []
        return
    if len(stored) > 2200:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    [row] = comment_rows(db)
    assert row["body"] == stored
    html = another_client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert body_html(html, row["id"]) == str(escape(stored))
    assert "<script>alert" not in html and "49" not in body_html(html, row["id"])


def test_rtl_marks_and_emoji_survive_and_the_text_gets_its_own_direction(another_client, db, post_id):
    text = "שלום \u202egnp.exe\u202c 😀👍🏽 👨‍👩‍👧‍👦"
    add_comment(another_client, post_id, text)
    [row] = comment_rows(db)
    html = another_client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f'<span class="text" dir="auto">{text}</span>' in html


# --- mentions and hashtags ----------------------------------------------------------------------------

def test_mentions_of_accounts_link_to_them_and_other_names_stay_text(logged_in, another_client, db, post_id):
    seed_user(db, "Carol.B")
    add_comment(another_client, post_id, "@alice look, @carol.b too. Not @ghost or bob@example.com")
    [row] = comment_rows(db)
    html = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert body_html(html, row["id"]) == (
        '<a class="mention" href="/u/alice">@alice</a> look, '
        '<a class="mention" href="/u/Carol.B">@carol.b</a> too. Not @ghost or bob@example.com')


def test_a_mention_follows_the_accounts_as_they_are_now(logged_in, another_client, db, post_id):
    add_comment(another_client, post_id, "hi @dave")
    [row] = comment_rows(db)
    assert "mention" not in body_html(logged_in.get(f"/posts/{post_id}").get_data(as_text=True), row["id"])
    seed_user(db, "dave")
    assert body_html(logged_in.get(f"/posts/{post_id}").get_data(as_text=True), row["id"]) == (
        'hi <a class="mention" href="/u/dave">@dave</a>')


def test_hashtags_in_any_script_link_to_their_tag_page(another_client, db, post_id):
    add_comment(another_client, post_id, "#Sunset in #東京, #café_2 and C# or #")
    [row] = comment_rows(db)
    html = another_client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert body_html(html, row["id"]) == (
        '<a class="hashtag" href="/tags/sunset">#Sunset</a> in '
        '<a class="hashtag" href="/tags/%E6%9D%B1%E4%BA%AC">#東京</a>, '
        '<a class="hashtag" href="/tags/caf%C3%A9_2">#café_2</a> and C# or #')


def test_captions_link_mentions_and_hashtags_in_the_feed_and_on_the_post_page(logged_in, another_client, db):
    post = create_post(another_client, caption="With @alice & @nobody <3 #Summer\nline two")
    caption = ('<span class="text" dir="auto">With <a class="mention" href="/u/alice">@alice</a> &amp; @nobody '
               '&lt;3 <a class="hashtag" href="/tags/summer">#Summer</a>\nline two</span>')
    # alice follows nobody: bob's post is on /explore (her home feed has only her own and followed posts).
    assert caption in logged_in.get("/explore").get_data(as_text=True)
    assert caption in logged_in.get(f"/posts/{post}").get_data(as_text=True)


def test_a_mention_cannot_smuggle_markup_into_its_link(logged_in, another_client, db, post_id):
    add_comment(another_client, post_id, '@alice"><script>x</script> #a"onmouseover=x')
    [row] = comment_rows(db)
    assert body_html(logged_in.get(f"/posts/{post_id}").get_data(as_text=True), row["id"]) == (
        '<a class="mention" href="/u/alice">@alice</a>&#34;&gt;&lt;script&gt;x&lt;/script&gt; '
        '<a class="hashtag" href="/tags/a">#a</a>&#34;onmouseover=x')


# --- deleting ------------------------------------------------------------------------------------------

@pytest.fixture
def bobs_comment(another_client, db, post_id) -> int:
    """bob's comment on alice's post."""
    add_comment(another_client, post_id, "bob was here")
    return comment_rows(db)[0]["id"]


@pytest.mark.parametrize(("who", "status", "deleted"), [
    ("bob", 302, True),  # the comment's author
    ("alice", 302, True),  # the post's author
    ("carol", 403, False),  # anyone else
    (None, 302, False),  # anonymous: to the log-in page
])
def test_who_may_delete_a_comment(app, db, post_id, bobs_comment, who, status, deleted):
    client = app.test_client()
    if who == "carol":
        seed_user(db, "carol")
    if who:
        log_in_as(client, db, who)
    token = csrf_token(client, "/" if who else "/auth/login")
    response = client.post(f"/comments/{bobs_comment}/delete", data={"csrf_token": token})
    assert response.status_code == status
    if who is None:
        assert response.headers["Location"].startswith("/auth/login")
    elif deleted:
        assert response.headers["Location"] == f"/posts/{post_id}#comments"
    assert (comment_rows(db) == []) is deleted
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 1  # the post stays


def test_deleting_a_missing_comment_is_404_and_a_script_gets_the_new_count(another_client, db, post_id,
                                                                           bobs_comment):
    add_comment(another_client, post_id, "another")
    response = delete_comment(another_client, bobs_comment, headers=JSON)
    assert response.status_code == 200 and response.get_json() == {"deleted": True, "comment_count": 1}
    assert delete_comment(another_client, bobs_comment).status_code == 404
    assert delete_comment(another_client, 99999999999999999999).status_code == 404


def test_deleting_without_the_csrf_token_is_refused(another_client, db, bobs_comment):
    assert another_client.post(f"/comments/{bobs_comment}/delete").status_code == 400
    assert len(comment_rows(db)) == 1


def test_delete_buttons_show_only_where_the_viewer_may_delete(app, logged_in, another_client, db, post_id):
    add_comment(another_client, post_id, "by bob")
    add_comment(logged_in, post_id, "by alice")
    seed_user(db, "carol")
    carol = app.test_client()
    log_in_as(carol, db, "carol")
    add_comment(carol, post_id, "by carol")
    bob_id, alice_id, carol_id = (row["id"] for row in comment_rows(db))

    def deletable(client) -> set[int]:
        html = client.get(f"/posts/{post_id}").get_data(as_text=True)
        return {int(m) for m in re.findall(r'action="/comments/(\d+)/delete', html)}

    assert deletable(logged_in) == {bob_id, alice_id, carol_id}  # her post: every comment
    assert deletable(another_client) == {bob_id}
    assert deletable(carol) == {carol_id}


def test_a_delete_returns_to_the_page_it_was_pressed_on(another_client, db, post_id, bobs_comment):
    page = f"/posts/{post_id}?after=abc"
    response = another_client.post(f"/comments/{bobs_comment}/delete?next={page}",
                                   data={"csrf_token": csrf_token(another_client, "/")})
    assert response.headers["Location"] == page
    add_comment(another_client, post_id, "again")
    [row] = comment_rows(db)
    response = another_client.post(f"/comments/{row['id']}/delete?next=https://evil.example/",
                                   data={"csrf_token": csrf_token(another_client, "/")})
    assert response.headers["Location"] == f"/posts/{post_id}#comments"


# --- the post page's pages -------------------------------------------------------------------------------

def seed_comments(db, post_id: int, author_id: int, count: int) -> None:
    """`count` comments in one statement (one created_at: their ids keep them in order)."""
    db.execute("INSERT INTO comment (post_id, user_id, body) SELECT %s, %s, 'comment ' || i "
               "FROM generate_series(1, %s) i", (post_id, author_id, count))


def test_the_post_page_pages_120_comments_by_50_with_after(logged_in, db):
    alice = user_id(db, "alice")
    [post] = seed_posts(db, alice, 1)
    seed_comments(db, post, alice, 120)
    expected = [row["id"] for row in db.execute("SELECT id FROM comment ORDER BY created_at, id")]
    seen, url, pages = [], f"/posts/{post}", []
    while url:
        html = logged_in.get(url).get_data(as_text=True)
        assert 'data-comment-count="120"' in html
        ids = [cid for cid, _ in comments_of(html)]
        pages.append(len(ids))
        seen += ids
        match = NEXT_RE.search(html)
        url = match[1] if match else None
        if len(pages) > 1:
            assert f'<a href="/posts/{post}#comments">First comments</a>' in html
    assert pages == [50, 50, 20]
    assert seen == expected
    assert logged_in.get(f"/posts/{post}?after=nonsense").status_code == 400


def test_with_more_than_a_page_of_comments_a_new_one_lands_on_a_page_that_shows_it(logged_in, db):
    alice = user_id(db, "alice")
    [post] = seed_posts(db, alice, 1)
    seed_comments(db, post, alice, 60)
    response = add_comment(logged_in, post, "the newest")
    [new] = [row["id"] for row in comment_rows(db) if row["body"] == "the newest"]
    location = response.headers["Location"]
    assert location.startswith(f"/posts/{post}?after=") and location.endswith(f"#comment-{new}")
    html = logged_in.get(location).get_data(as_text=True)
    assert comments_of(html) == [(new, "alice")]


def test_an_empty_post_page_says_there_are_no_comments(logged_in, post_id):
    html = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "No comments yet." in html and 'data-comment-count="0"' in html and 'rel="next"' not in html


# --- statements --------------------------------------------------------------------------------------------

def page_statements(app, db, monkeypatch, url) -> int:
    client = app.test_client()
    log_in_as(client, db, "viewer")
    client.get(url)  # the first request prepares what later ones reuse
    with counting_statements(monkeypatch) as seen:
        assert client.get(url).status_code == 200
    return len([q for q in seen if q.strip()])


def test_a_post_page_with_50_comments_mentioning_people_costs_what_one_without_does(app, db, monkeypatch):
    viewer, alice = seed_user(db, "viewer"), seed_user(db, "alice")
    [quiet, busy] = seed_posts(db, alice, 2)
    for i in range(60):
        seed_user(db, f"friend{i}")
    db.execute("INSERT INTO comment (post_id, user_id, body) SELECT %s, %s, "
               "'@friend' || i || ' and @friend' || (i + 1) || ' #tag' || i FROM generate_series(1, 55) i",
               (busy, viewer))
    html = app.test_client()
    log_in_as(html, db, "viewer")
    page = html.get(f"/posts/{busy}").get_data(as_text=True)
    assert len(comments_of(page)) == 50 and page.count('class="mention"') == 100
    # The session's user, the post, its comments with their mentioned accounts.
    assert page_statements(app, db, monkeypatch, f"/posts/{quiet}") == 3
    assert page_statements(app, db, monkeypatch, f"/posts/{busy}") == 3


def test_every_text_field_of_a_comment_reaches_the_page_escaped(app):
    # Every str field gets markup: a text field added to Comment later is covered without a change here.
    others = (7, 5, None, None, datetime(2025, 1, 1, tzinfo=UTC), None, ["author"])
    values = {name: (f'<i>{name}"</i> @{name} #{name}' if kind in (str, str | None) else default)
              for (name, kind), default in zip(get_type_hints(Comment).items(), others, strict=True)}
    with app.test_request_context("/posts/3"):
        html = str(comment_items([Comment(**values)], 5, 1, "token", "/posts/3"))
    assert "<i>" not in html and '"</i>' not in html
    assert "&lt;i&gt;author&#34;" in html and "&lt;i&gt;body&#34;" in html and "&lt;i&gt;created_iso" in html
