"""Search in SQL: search_usernames() and search_hashtags() rank prefix matches before similar names,
use the trigram and prefix indexes (EXPLAIN), and services.search makes any text a safe query."""

import re

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from photoshare.data.db import session_options
from photoshare.data.queries import queries
from photoshare.repositories import SearchRepository
from photoshare.services.search import QUERY_MAX, RESULTS_MAX, prefix_end, search


@pytest.fixture
def app_conn(database_url, db):
    """A connection with the app's session options (generic plans, the search's similarity threshold)."""
    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row,
                         options=session_options(database_url)) as connection:
        yield connection


def plan(conn, name: str, **params) -> str:
    """EXPLAIN ANALYZE of a named app query as the app runs it: a prepared statement's generic plan."""
    names: list[str] = []

    def placeholder(match: re.Match) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    text = re.sub(r"%\((\w+)\)s", placeholder, getattr(queries, name).sql)
    conn.execute(f"PREPARE explained AS {text}")
    try:
        values = sql.SQL(", ").join(sql.Literal(params[n]) for n in names)
        return "\n".join(row["QUERY PLAN"] for row in conn.execute(
            sql.SQL("EXPLAIN (ANALYZE, COSTS OFF) EXECUTE explained({})").format(values)))
    finally:
        conn.execute("DEALLOCATE explained")


@pytest.fixture
def many_users(db):
    """20,000 accounts with names like the seed's (ava.smith48, noah.smith49, ...), and 20,000 tags."""
    db.execute("""
        INSERT INTO users (username, email, password)
        SELECT n || '.' || l || g, 'u' || g || '@example.com', 'x:y$z'
        FROM generate_series(1, 20000) g,
             LATERAL (SELECT (ARRAY['ava', 'noah', 'mia', 'liam', 'zoe', 'omar', 'lena', 'ivan'])[1 + g % 8] AS n,
                             (ARRAY['smith', 'garcia', 'chen', 'okafor', 'muller', 'rossi'])[1 + g / 8 % 6]
                             AS l) names""")
    db.execute("INSERT INTO hashtag (name) SELECT (ARRAY['lake', 'city', 'street', 'coffee'])[1 + g % 4] || g "
               "FROM generate_series(1, 20000) g")
    db.execute("ANALYZE users")
    db.execute("ANALYZE hashtag")


def test_a_misspelling_is_found_through_the_trigram_index(app_conn, many_users):
    typo = "ava.smtih4800"
    text = plan(app_conn, "search_accounts", q=typo, q_end=prefix_end(typo), max_results=20)
    assert "Bitmap Index Scan on users_username_trgm_idx" in text, text
    assert "Seq Scan" not in text, text
    found = [m.username for m in SearchRepository(app_conn).accounts(typo, prefix_end(typo), 20)]
    assert found[0] == "ava.smith4800"


def test_a_prefix_is_one_range_of_the_prefix_index_and_needs_no_similar_names(app_conn, many_users):
    text = plan(app_conn, "search_accounts", q="ava", q_end=prefix_end("ava"), max_results=20)
    by_prefix, rest = text.split("CTE Scan on by_prefix", 1)
    assert "Index Scan using users_username_prefix_idx" in by_prefix and "Sort" not in by_prefix, text
    # Twenty prefix matches: the similar names are never looked for.
    assert re.search(r"Bitmap Index Scan on users_username_trgm_idx \(never executed\)", rest), text
    tags = plan(app_conn, "search_tags", q="lake1", q_end=prefix_end("lake1"), max_results=20)
    assert "Index Scan using hashtag_name_lower_key" in tags, tags


def test_a_similar_tag_is_found_through_the_trigram_index(app_conn, many_users):
    text = plan(app_conn, "search_tags", q="laake1236", q_end=prefix_end("laake1236"), max_results=20)
    assert "Bitmap Index Scan on hashtag_name_trgm_idx" in text, text
    names = [m.name for m in SearchRepository(app_conn).tags("laake1236", prefix_end("laake1236"), 20)]
    assert names[0] == "lake1236"


def test_prefix_matches_come_first_in_byte_order_then_the_most_similar(app_conn, db):
    for name in ("bo", "bob", "bob.b", "bob_a", "bobby", "rob", "bobo", "b0b", "robert", "bobsled.fan"):
        db.execute("INSERT INTO users (username, email, password) VALUES (%s, %s, 'x:y$z')",
                   (name, f"{name}@example.com"))
    repository = SearchRepository(app_conn)
    matches = repository.accounts("bobb", prefix_end("bobb"), 20)
    # Similar names: bob 0.5, bob.b and bobo 0.43 (equal: by name); bob_a (0.375) is not similar enough.
    assert [(m.username, m.prefix) for m in matches] == [("bobby", True), ("bob", False), ("bob.b", False),
                                                         ("bobo", False)]
    assert [(m.username, m.prefix) for m in repository.accounts("bob", prefix_end("bob"), 20)] == [
        ("bob", True), ("bob.b", True), ("bob_a", True), ("bobby", True), ("bobo", True), ("bobsled.fan", True),
        ("bo", False)]
    # No similar names for a query under 3 characters: one trigram would match too much.
    assert [m.username for m in repository.accounts("bo", prefix_end("bo"), 20)] == [
        "bo", "bob", "bob.b", "bob_a", "bobby", "bobo", "bobsled.fan"]
    assert [m.username for m in repository.accounts("bob", prefix_end("bob"), 2)] == ["bob", "bob.b"]


def test_the_prefix_range_ends_after_every_string_with_the_prefix():
    assert prefix_end("abc") == "abd"
    assert prefix_end("a\U0010ffff") == "b"
    assert prefix_end("\ud7ff") == "\ue000"  # past the surrogates, which are no characters
    for prefix in ("abc", "é", "東京", "a\U0010ffff", "z"):
        end = prefix_end(prefix)
        for longer in (prefix, prefix + "a", prefix + "\U0010fffe", prefix + "\U0010ffff" * 3):
            assert prefix.encode() <= longer.encode() < end.encode()


@pytest.mark.parametrize("text", ["", " ", "\x00", "a\x00", "\ud800", "x" * (QUERY_MAX + 1), "#", "@", "#@", "@ #",
                                  "@東京", "#a.b", "#a b"])
def test_text_that_names_nothing_runs_no_query(conn, text, monkeypatch):
    monkeypatch.setattr(SearchRepository, "accounts", lambda *a: pytest.fail("queried accounts"))
    monkeypatch.setattr(SearchRepository, "tags", lambda *a: pytest.fail("queried tags"))
    results = search(conn, text)
    assert results.accounts == [] and results.tags == []
    assert results.too_long == (len(text) > QUERY_MAX)


def test_like_wildcards_are_plain_characters(conn, db):
    db.execute("INSERT INTO users (username, email, password) VALUES ('a_b', 'a@example.com', 'x:y$z'), "
               "('axb', 'b@example.com', 'x:y$z')")
    assert [m.username for m in search(conn, "a_").accounts] == ["a_b"]
    assert search(conn, "%").accounts == [] and search(conn, "a%").accounts == []


def test_at_most_twenty_of_each(app_conn, many_users):
    results = search(app_conn, "ava")
    assert len(results.accounts) == RESULTS_MAX and all(m.prefix for m in results.accounts)
    results = search(app_conn, "#city")
    assert len(results.tags) == RESULTS_MAX and results.accounts == []
