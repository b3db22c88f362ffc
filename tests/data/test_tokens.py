"""The tokenizer of captions and comments, and its agreement with the database's mention look-up."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from photoshare.tokens import Token, mention_names, tag_key, tokenize
from tests.support.actions import seed_user

ACCOUNTS = {"alice": "alice", "bob.smith": "Bob.Smith", "x_1": "x_1"}


def kinds(text: str, accounts=ACCOUNTS) -> list[tuple[str, str, str]]:
    return [tuple(token) for token in tokenize(text, accounts)]


def test_plain_text_is_one_text_token():
    assert kinds("just words, no links") == [("text", "just words, no links", "")]
    assert kinds("") == []


def test_mentions_of_existing_accounts_become_tokens_in_any_case():
    assert kinds("hi @alice and @BOB.SMITH!") == [
        ("text", "hi ", ""), ("mention", "@alice", "alice"), ("text", " and ", ""),
        ("mention", "@BOB.SMITH", "Bob.Smith"), ("text", "!", "")]


def test_a_mention_ends_before_trailing_dots():
    assert kinds("thanks @alice.") == [("text", "thanks ", ""), ("mention", "@alice", "alice"), ("text", ".", "")]
    assert kinds("@alice...") == [("mention", "@alice", "alice"), ("text", "...", "")]


@pytest.mark.parametrize("text", [
    "@nobody here",  # no such account
    "mail alice@example.com",  # an e-mail address
    "x@alice",  # right after a word character
    "@@alice",  # after another @
    "@" + "a" * 31,  # longer than any username
    "@",
    "@.",
])
def test_what_is_no_mention_stays_text(text):
    accounts = {**ACCOUNTS, "a" * 31: "a" * 31}
    assert all(kind == "text" for kind, _, _ in kinds(text, accounts))
    assert "".join(written for _, written, _ in kinds(text, accounts)) == text


def test_hashtags_are_letters_digits_and_underscores_of_any_script():
    assert kinds("#Sunset at the #lake_2024, #東京 #café #हिंदी #Ελλάδα.") == [
        ("tag", "#Sunset", "sunset"), ("text", " at the ", ""), ("tag", "#lake_2024", "lake_2024"),
        ("text", ", ", ""), ("tag", "#東京", "東京"), ("text", " ", ""), ("tag", "#café", "café"),
        ("text", " ", ""), ("tag", "#हिंदी", "हिंदी"), ("text", " ", ""), ("tag", "#Ελλάδα", "ελλάδα"),
        ("text", ".", "")]


def test_a_tag_keeps_its_combining_marks_and_compares_case_insensitively():
    decomposed = "#cafe\u0301"  # e + combining acute accent
    [token] = kinds(decomposed)
    assert token == ("tag", decomposed, "café")  # NFC: the same tag as the composed spelling
    assert tag_key("CAFÉ") == tag_key("café") == tag_key("Cafe\u0301")


@pytest.mark.parametrize("text", ["C#", "issue#5", "&#39;", "##double", "# space", "#", "#!"])
def test_what_is_no_hashtag_stays_text(text):
    assert all(kind == "text" for kind, _, _ in kinds(text))


def test_markup_and_template_syntax_are_only_text():
    text = "<b>@alice</b> {{ 7*7 }} #<script>"
    tokens = kinds(text)
    assert ("mention", "@alice", "alice") in tokens
    assert "".join(written for _, written, _ in tokens) == text
    assert [kind for kind, _, _ in tokens].count("tag") == 0  # "#<" is not a tag


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab.@#_ xé\n\u0301東"), max_size=40))
def test_the_tokens_give_back_the_text(text):
    tokens = list(tokenize(text, {"a": "a", "ab": "ab", "b.a": "b.a"}))
    assert "".join(token.text for token in tokens) == text
    assert all(isinstance(token, Token) and token.text for token in tokens)


# The database must find every account a mention could link to: mentioned_usernames() looks at a
# superset of the names the tokenizer reads. Any text, with names of real accounts spread in it.
NAMES = ["al", "al.b", "b_2", "C.c", "al.b.c"]
mention_texts = st.lists(st.sampled_from([*("@" + n for n in NAMES), "@AL", "@al.", "x@al", "@@b_2", " ", ".",
                                         "\n", "é", "#al", "a", "@", "mail@b_2.com"]), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mention_texts)
def test_the_database_finds_every_account_a_mention_links_to(db, text):
    if db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0:
        for name in NAMES:
            seed_user(db, name)
    found = db.execute("SELECT mentioned_usernames(%s) AS names", (text,)).fetchone()["names"] or []
    accounts = {name.lower(): name for name in NAMES}
    linked = {token.key for token in tokenize(text, accounts) if token.kind == "mention"}
    assert linked <= set(found)
    # And it finds nothing that is not an account.
    assert set(found) <= set(NAMES)


# Whom a text notifies is whom its links name: mention_names() gives exactly the names of the mention
# tokens when every name is an account (the query then keeps the names that are).
@settings(max_examples=300, deadline=None)
@given(text=mention_texts)
def test_mention_names_are_the_names_the_tokenizer_links(text):
    everyone = {name.lower(): name for name in [*NAMES, "b", "mail", "x"]}
    linked = {token.key.lower() for token in tokenize(text, everyone) if token.kind == "mention"}
    names = mention_names(text)
    assert len(names) == len(set(names))
    assert set(names) & set(everyone) == linked


def test_mention_names_are_lower_case_once_each_and_at_most_twenty():
    assert mention_names("@Alice, @alice. and mail@bob.com, @@carol, @" + "x" * 31) == ["alice"]
    assert mention_names(" ".join(f"@user{i}" for i in range(30))) == [f"user{i}" for i in range(20)]
    assert mention_names("no names") == []
