"""What people type survives a refused form: a session that changed, a taken username, a stated limit."""

import hashlib
import re
import time
from unittest import mock

from itsdangerous import URLSafeTimedSerializer

from tests.support.actions import CSRF_RE, PASSWORD, AuthActions, create_post, csrf_token, upload
from tests.support.images import image_bytes

CAPTION = "Three hours writing this caption"


def test_a_form_opened_before_the_session_changed_comes_back_with_its_text(app, logged_in, db):
    stale = csrf_token(logged_in, "/posts/new")
    # The session changes while the form is open: a log-out and log-in in another tab.
    AuthActions(logged_in).logout()
    AuthActions(logged_in).login()
    response = upload(logged_in, "/posts/new", {"caption": CAPTION, "alt_text": "A harbour"},
                      [("image", image_bytes(), "a.png")], token=stale)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page and "choose\n  the photo again and send it again" in page
    assert re.search(rf">\s*{CAPTION}</textarea>", page) and re.search(r">\s*A harbour</textarea>", page)
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0
    # The page carries this session's token: sending it again works.
    fresh = CSRF_RE.search(page)
    again = upload(logged_in, "/posts/new", {"caption": CAPTION}, [("image", image_bytes(), "a.png")],
                   token=fresh.group(1) or fresh.group(2))
    assert again.status_code == 302
    assert db.execute("SELECT caption FROM posts").fetchone()["caption"] == CAPTION


def test_the_edit_form_keeps_its_text_too(logged_in, db):
    post_id = create_post(logged_in, caption="before")
    response = logged_in.post(f"/posts/{post_id}/edit", data={"csrf_token": "stale", "caption": "after, retyped",
                                                             "alt_text": ""})
    assert response.status_code == 400
    assert re.search(r">\s*after, retyped</textarea>", response.get_data(as_text=True))
    assert db.execute("SELECT caption FROM posts").fetchone()["caption"] == "before"


def test_a_form_token_lives_as_long_as_the_session(logged_in, app, db):
    """A form left open for two hours still sends (Flask-WTF's default was one hour)."""
    csrf_token(logged_in, "/posts/new")
    with logged_in.session_transaction() as session:
        raw = session["csrf_token"]
    with mock.patch("time.time", return_value=time.time() - 2 * 3600):
        old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw)
    response = upload(logged_in, "/posts/new", {"caption": "late"}, [("image", image_bytes(), "a.png")], token=old)
    assert response.status_code == 302


def test_a_taken_username_keeps_the_passwords(app, db):
    AuthActions(app.test_client()).register("alice")
    client = app.test_client()
    response = AuthActions(client).register("Alice", email="other@example.com")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That username is taken." in page
    # Both fields come back filled, so only the name needs typing again; the page is not stored.
    assert page.count(f'value="{PASSWORD}"') == 2
    assert response.headers["Cache-Control"] == "no-store"
    assert AuthActions(client).register("alice2", email="other@example.com").status_code == 302


def test_passwords_that_are_the_problem_come_back_empty(auth):
    for password, confirm in (("short", "short"), (PASSWORD, PASSWORD + "x"), ("x" * 129, "x" * 129)):
        page = auth.register("alice", password=password, confirm=confirm).get_data(as_text=True)
        assert f'value="{password}"' not in page and f'value="{confirm}"' not in page


def test_log_in_never_sends_the_password_back(auth):
    auth.register("alice")
    auth.logout()
    page = auth.login(password="a wrong password").get_data(as_text=True)
    assert "Wrong username, email or password." in page
    assert "a wrong password" not in page


def test_password_fields_state_their_limit_and_carry_no_maxlength(app, logged_in):
    # maxlength would cut a pasted password without a word; the server says the limit instead.
    page = app.test_client().get("/auth/register").get_data(as_text=True)
    assert "12 to 128 characters, not a common password." in page
    assert "maxlength" not in page and "minlength" not in page
    assert "12 to 128 characters, not a common password." in logged_in.get("/settings/password").get_data(as_text=True)
    for path in ("/settings/password", "/posts/new", "/settings/profile", "/settings/account"):
        assert "maxlength" not in logged_in.get(path).get_data(as_text=True), path


def test_over_long_passwords_are_refused_in_both_fields(auth, db):
    response = auth.register("alice", password="p" * 129)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("Use 12 to 128 characters.") == 2
    assert "The passwords do not match." not in page
    # 128 characters are fine (a hex digest: long and not a pattern zxcvbn rates easy).
    assert auth.register("alice", password=hashlib.sha512(b"alice").hexdigest()).status_code == 302
