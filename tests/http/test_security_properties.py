"""Property-based tests: any text through the repositories and the forms is data, never SQL, never a 500."""

import re

import psycopg
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from photoshare.errors import EmailTaken, InvalidUsername, UsernameTaken
from photoshare.repositories import PostRepository, ProfileRepository, UserRepository
from tests.support.actions import PASSWORD, create_post, csrf_token, stored_text

# Each example undoes its own work (a rolled-back transaction, or explicit cleanup), so
# sharing one function-scoped fixture across examples is sound.
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# \Z, not $: Python's $ also matches before a final newline, PostgreSQL's does not.
# Letters, digits, _ and ., 1-30 of them, no dot at either end and never two in a row (DESIGN.md).
USERNAME = re.compile(r"^(?!\.)(?!.*\.\.)[A-Za-z0-9_.]{1,30}(?<!\.)\Z")
# Names the rule refuses although every character is allowed: the dots' places decide.
DOTTED = st.sampled_from([".", "..", "...", ".a", "a.", "a..b", "_._", "a.b.c", "a" * 29 + "."])
any_text = st.text(max_size=300) | st.sampled_from(["'", '"', ";", "--", "\x00", "\\", "%", "_", "' OR 1=1 --"])
storable_text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]),
                        max_size=2200)


def seeded_user(conn) -> int:
    return UserRepository(conn).add("owner", "owner@example.com", "scrypt:1:1:1$salt$hash").id


@PROPERTY
@given(text=any_text)
def test_lookups_return_a_match_or_nothing(conn, text):
    with conn.transaction(force_rollback=True):
        seeded_user(conn)
        users, profiles = UserRepository(conn), ProfileRepository(conn)
        by_name = users.get_by_username(text)
        by_login = users.get_by_login(text)
        page = profiles.page(text)
        # A match is only ever the row whose name (or email) equals the text, in any case.
        assert by_name is None or by_name.username.lower() == text.lower()
        assert by_login is None or text.lower() in (by_login.username.lower(), by_login.email.lower())
        assert page is None or page.username.lower() == text.lower()
        assert conn.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 1


@PROPERTY
@given(username=any_text | DOTTED, email=any_text)
@example(username="bob\n", email="bob@example.com")
@example(username="..", email="dots@example.com")
def test_add_user_stores_exactly_or_refuses(conn, username, email):
    with conn.transaction(force_rollback=True):
        users = UserRepository(conn)
        try:
            user = users.add(username, email, "scrypt:1:1:1$salt$hash")
        except (InvalidUsername, UsernameTaken, EmailTaken, psycopg.errors.CheckViolation, psycopg.DataError):
            # Refused: the database's rules held, and nothing was written.
            assert conn.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
            return
        assert USERNAME.match(username)
        row = conn.execute("SELECT username, email FROM users WHERE id = %s", [user.id]).fetchone()
        assert row == {"username": username, "email": email}


@PROPERTY
@given(caption=storable_text, alt_text=storable_text.filter(lambda t: len(t) <= 1000))
def test_post_text_round_trips_exactly(conn, caption, alt_text):
    with conn.transaction(force_rollback=True):
        owner = seeded_user(conn)
        posts = PostRepository(conn)
        post_id = posts.reserve_id()
        posts.add(post_id, owner, f"post/{post_id}-20260101T000000000000Z.png", caption=caption,
                  alt_text=alt_text)
        post = posts.get(post_id)
        assert (post.caption, post.alt_text) == (caption, alt_text)
        assert posts.update_text(post_id, owner, alt_text, caption[:1000]) == caption
        row = conn.execute("SELECT caption, alt_text FROM posts WHERE id = %s", [post_id]).fetchone()
        assert row == {"caption": alt_text, "alt_text": caption[:1000]}


@PROPERTY
@given(caption=st.text(max_size=2500))
def test_edit_form_saves_any_caption_or_says_why(logged_in, db, caption):
    post_id = getattr(logged_in, "post_id", None) or create_post(logged_in)
    logged_in.post_id = post_id
    response = logged_in.post(f"/posts/{post_id}/edit", data={
        "csrf_token": csrf_token(logged_in, f"/posts/{post_id}/edit"), "caption": caption, "alt_text": ""})
    stored = db.execute("SELECT caption FROM posts WHERE id = %s", [post_id]).fetchone()["caption"]
    if len(stored_text(caption)) > 2200:
        assert response.status_code == 400
        assert "Keep the caption under" in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert stored == stored_text(caption)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=any_text | DOTTED)
@example(username="alice\n")
@example(username="..")
@example(username="a..b")
@example(username="alice.")
@example(username=" bob ")
@example(username="Robert'); DROP TABLE users;--")
def test_register_form_accepts_exactly_the_username_rule(app, db, username):
    client = app.test_client()
    response = client.post("/auth/register", data={
        "csrf_token": csrf_token(client, "/auth/register"), "username": username,
        "email": "someone@example.com", "password": PASSWORD, "confirm": PASSWORD})
    rows = db.execute("DELETE FROM users RETURNING username").fetchall()
    name = username.strip()  # the form drops blanks around a name (a phone keyboard's trailing space)
    if USERNAME.match(name):
        assert response.status_code == 302
        assert rows == [{"username": name}]
    else:
        assert response.status_code == 400
        assert rows == []
