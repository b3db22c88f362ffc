"""The username rule (letters, digits, _ and ., no dot at either end, never two in a row) holds in the
form, the database and the /u/<username> route."""

import psycopg
import pytest

from tests.support.actions import SEEDED_HASH, AuthActions

BROKEN = [".", "..", "...", ".alice", "alice.", "al..ice"]


@pytest.mark.parametrize("username", BROKEN)
def test_sign_up_refuses_badly_placed_dots(auth, db, username):
    response = auth.register(username)
    assert response.status_code == 400
    assert "no dot at the start or end and no two in a row" in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


@pytest.mark.parametrize("username", ["a", "a.b", "a.b.c", "_._", "x" * 30, "A_1.b_2"])
def test_sign_up_takes_names_that_keep_the_rule(app, db, username):
    assert AuthActions(app.test_client()).register(username).status_code == 302


@pytest.mark.parametrize("username", BROKEN)
def test_the_database_refuses_them_without_the_app(db, username):
    with pytest.raises(psycopg.errors.CheckViolation, match="users_username_format"):
        db.execute("INSERT INTO users (username, email, password) VALUES (%s, %s, %s)",
                   (username, "dots@example.com", SEEDED_HASH))


@pytest.mark.parametrize("path", ["/u/.alice", "/u/alice.", "/u/al..ice", "/u/al%2E%2Eice", "/u/" + "x" * 31,
                                  "/u/al-ice", "/u/al%00ice"])
def test_profile_urls_outside_the_rule_are_404(logged_in, path):
    assert logged_in.get(path).status_code == 404


def test_a_dotted_name_links_to_its_profile(logged_in, app):
    AuthActions(app.test_client()).register("a.b.c")
    assert logged_in.get("/u/a.b.c").status_code == 200
    assert logged_in.get("/u/A.B.C").status_code == 200  # any case, as at log-in
