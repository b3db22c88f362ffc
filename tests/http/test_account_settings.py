"""Display name and bio, and changing the username or email under the sign-up rules (/settings/account)."""

import html
import re

import pytest

from tests.support.actions import (
    PASSWORD,
    AuthActions,
    create_post,
    csrf_token,
    profile_image,
    seed_user,
    stored_bytes,
    upload_profile_picture,
    user_id,
)
from tests.support.images import image_bytes


def save_details(client, display_name: str, bio: str = ""):
    return client.post("/settings/profile", data={"csrf_token": csrf_token(client, "/settings/profile"),
                                                  "display_name": display_name, "bio": bio, "save": "Save profile"})


def change_account(client, username: str = "alice", email: str = "alice@example.com", password: str = PASSWORD):
    return client.post("/settings/account", data={"csrf_token": csrf_token(client, "/settings/account"),
                                                  "username": username, "email": email, "password": password})


# --- display name and bio ----------------------------------------------------------------------------

def test_name_and_bio_show_on_the_profile(logged_in, another_client, db):
    response = save_details(logged_in, "  Alice\nLiddell  ", "Through the\r\nlooking glass.")
    assert response.status_code == 302 and response.headers["Location"] == "/settings/profile"
    row = db.execute("SELECT display_name, bio FROM profile WHERE user_id = %s", (user_id(db, "alice"),)).fetchone()
    # One line for the name (the line break is a space), \n line ends for the bio: what is stored is what counts.
    assert row == {"display_name": "Alice Liddell", "bio": "Through the\nlooking glass."}
    page = another_client.get("/u/alice").get_data(as_text=True)
    assert 'data-display-name="Alice Liddell"' in page
    assert '<span class="display-name" dir="auto">Alice Liddell</span>' in page
    assert '<p class="bio" dir="auto">Through the\nlooking glass.</p>' in page
    assert "<title>Alice Liddell (alice) &middot; photoshare</title>" in page
    # The settings form shows what is saved.
    settings = logged_in.get("/settings/profile").get_data(as_text=True)
    assert 'value="Alice Liddell"' in settings
    assert re.search(r">\s*Through the\nlooking glass.</textarea>", settings)


def test_name_and_bio_have_limits_and_the_text_is_kept(logged_in, db):
    response = save_details(logged_in, "n" * 61, "b" * 501)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Keep the name to 60 characters or fewer." in page and "Keep the bio to 500 characters or fewer." in page
    assert 'value="' + "n" * 61 + '"' in page and "b" * 501 + "</textarea>" in page
    assert db.execute("SELECT display_name, bio FROM profile").fetchone() == {"display_name": "", "bio": ""}
    assert save_details(logged_in, "n" * 60, "b" * 500).status_code == 302


def test_the_database_refuses_what_the_form_would(db):
    uid = seed_user(db, "carol")
    for column, value in (("display_name", "x" * 61), ("display_name", "two\nlines"), ("bio", "x" * 501)):
        with pytest.raises(Exception, match="profile_display_name_format|profile_bio_length"):
            db.execute(f"UPDATE profile SET {column} = %s WHERE user_id = %s", (value, uid))  # noqa: S608 - fixed names


def test_name_and_bio_render_as_text(logged_in, another_client):
    save_details(logged_in, '<b onmouseover="x">Al</b>', "<script>alert(1)</script>")
    page = another_client.get("/u/alice").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-display-name="&lt;b onmouseover=&#34;x&#34;&gt;Al&lt;/b&gt;"' in page


def test_the_likers_list_shows_names_and_pictures(logged_in, another_client):
    post_id = create_post(logged_in)
    save_details(another_client, "Bob Builder")
    assert upload_profile_picture(another_client, image_bytes(size=(300, 300))).status_code == 302
    another_client.post(f"/posts/{post_id}/like", data={"csrf_token": csrf_token(another_client, "/")})
    page = logged_in.get(f"/posts/{post_id}/likes").get_data(as_text=True)
    row = re.search(r'<li class="user" data-username="bob">.*?</li>', page, re.S).group(0)
    assert '<span class="display-name" dir="auto">Bob Builder</span>' in row
    assert re.search(r'<img class="avatar avatar-32" '
                     r'src="/media/profile/bob-\d+T\d+Z-160\.png\?expires=\d+&amp;sig=[\w-]+"', row)


# --- username and email ----------------------------------------------------------------------------------

def test_account_page_shows_the_current_values(logged_in):
    page = logged_in.get("/settings/account").get_data(as_text=True)
    assert 'value="alice"' in page and 'value="alice@example.com"' in page
    assert 'data-verified="false"' in page and "Send the link again" in page


def test_a_new_username_moves_the_profile_and_the_old_address_is_404(logged_in, another_client, db, mailbox):
    post_id = create_post(logged_in, caption="mine")
    assert upload_profile_picture(logged_in, image_bytes(size=(300, 300))).status_code == 302
    key = profile_image(db)
    response = change_account(logged_in, username="Alice.Liddell")
    assert response.status_code == 302 and response.headers["Location"] == "/settings/account"
    assert db.execute("SELECT username FROM users ORDER BY id").fetchone()["username"] == "Alice.Liddell"
    assert another_client.get("/u/alice").status_code == 404  # no redirect: "alice" is free for anyone now
    page = another_client.get("/u/Alice.Liddell").get_data(as_text=True)
    assert 'data-username="Alice.Liddell"' in page
    # The media keys keep the name they were made with, and keep working.
    assert profile_image(db, "Alice.Liddell") == key and key.startswith("profile/alice-")
    src = re.search(rf'src="(/media/{re.escape(key.replace(".png", "-160.png"))}\?[^"]+)"', page).group(1)
    assert another_client.get(html.unescape(src)).status_code == 200
    feed = another_client.get("/explore").get_data(as_text=True)
    assert f'data-post-id="{post_id}" data-author="Alice.Liddell"' in feed
    # The session goes on under the new name, and the name logs in.
    assert 'href="/u/Alice.Liddell"' in logged_in.get("/").get_data(as_text=True)
    assert AuthActions(logged_in.application.test_client()).login("alice.liddell").status_code == 302
    # No mail for a new username: only a new address is told about.
    assert mailbox.to("alice@example.com", "Your photoshare email address was changed") == []


def test_the_old_name_is_free_after_a_rename(logged_in, app, db):
    change_account(logged_in, username="alice2")
    assert AuthActions(app.test_client()).register("alice", email="another@example.com").status_code == 302


@pytest.mark.parametrize(("username", "email", "password", "message"), [
    ("bob", "alice@example.com", PASSWORD, "That username is taken."),
    ("BOB", "alice@example.com", PASSWORD, "That username is taken."),
    ("alice", "BOB@example.com", PASSWORD, "An account with that email already exists."),
    ("a..b", "alice@example.com", PASSWORD, "no two in a row"),
    (".alice", "alice@example.com", PASSWORD, "no dot at the start or end"),
    ("alice", "not an address", PASSWORD, "Enter a valid email address."),
    ("alice2", "alice@example.com", "not my password", "That is not your password."),
])
def test_account_changes_follow_the_sign_up_rules(logged_in, another_client, db, username, email, password,
                                                  message):
    response = change_account(logged_in, username, email, password)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    # What was typed comes back (the password never does).
    assert f'value="{username}"' in page and password not in page
    assert db.execute("SELECT username, email FROM users ORDER BY id").fetchall() == [
        {"username": "alice", "email": "alice@example.com"}, {"username": "bob", "email": "bob@example.com"}]


def test_a_new_email_is_unverified_and_both_addresses_hear_of_it(logged_in, db, mailbox):
    first = mailbox.wait_for("alice@example.com")[0]
    assert logged_in.get(first.links[0].split("localhost", 1)[1]).status_code == 200
    assert db.execute("SELECT email_verified_at IS NOT NULL AS v FROM users").fetchone()["v"]

    response = change_account(logged_in, email="alice@wonder.land")
    assert response.status_code == 302
    assert db.execute("SELECT email, email_verified_at FROM users").fetchone() == {
        "email": "alice@wonder.land", "email_verified_at": None}
    [notice] = mailbox.wait_for("alice@example.com", subject="Your photoshare email address was changed")
    assert "a***@wonder.land" in notice.body and "alice@wonder.land" not in notice.body
    [verification] = mailbox.wait_for("alice@wonder.land")
    # The old address's link no longer verifies anything; the new one's does.
    assert logged_in.get(first.links[0].split("localhost", 1)[1]).status_code == 400
    assert logged_in.get(verification.links[0].split("localhost", 1)[1]).status_code == 200
    assert db.execute("SELECT email_verified_at IS NOT NULL AS v FROM users").fetchone()["v"]


def test_a_change_of_case_keeps_the_address_verified(logged_in, db, mailbox):
    db.execute("UPDATE users SET email_verified_at = now()")
    mailbox.wait_for("alice@example.com")
    assert change_account(logged_in, email="Alice@Example.com").status_code == 302
    assert db.execute("SELECT email, email_verified_at IS NOT NULL AS v FROM users").fetchone() == {
        "email": "Alice@Example.com", "v": True}
    assert mailbox.to("alice@example.com", "Your photoshare email address was changed") == []


def test_a_verification_link_for_an_old_address_does_not_verify_the_new_one(logged_in, db, mailbox):
    [link] = mailbox.wait_for("alice@example.com")[0].links
    change_account(logged_in, email="alice@wonder.land")
    assert logged_in.get(link.split("localhost", 1)[1]).status_code == 400
    assert db.execute("SELECT email_verified_at FROM users").fetchone()["email_verified_at"] is None


def test_the_stored_picture_bytes_survive_a_rename(logged_in, app, db):
    upload_profile_picture(logged_in, image_bytes(size=(300, 300)))
    key = profile_image(db)
    before = stored_bytes(app, key)
    change_account(logged_in, username="queen_alice")
    assert profile_image(db, "queen_alice") == key
    assert stored_bytes(app, key) == before
