"""Search: what a query means, and the accounts and tags it finds.

Any text is a query: it is normalized (NFC, trimmed), and one PostgreSQL cannot hold or that is
too long finds nothing rather than failing. A leading "@" searches accounts only, a leading "#"
tags only; anything else searches both, as far as it could name one: accounts when it has an ASCII
letter or digit (usernames have nothing else to match), tags when it is a tag (tokens.is_tag).
Similar names are those with a pg_trgm similarity of at least 0.4 (the app's sessions set
pg_trgm.similarity_threshold, photoshare/data/db.py).
"""

import re
import unicodedata
from typing import NamedTuple

import psycopg

from photoshare.models import AccountMatch, TagMatch
from photoshare.repositories import SearchRepository
from photoshare.repositories._unit import storable
from photoshare.tokens import is_tag, tag_key

QUERY_MAX = 100  # characters; a longer query finds nothing (no name is that long)
RESULTS_MAX = 20  # of each kind
_SURROGATES = range(0xD800, 0xE000)
_USERNAME_LETTER = re.compile("[A-Za-z0-9]")


class SearchResults(NamedTuple):
    """What a search found, and whether the query was too long to look for."""

    accounts: list[AccountMatch]
    tags: list[TagMatch]
    too_long: bool = False


def prefix_end(prefix: str) -> str:
    """The first string after every string that starts with `prefix`, in code point order (which is
    UTF-8's byte order, the order of text_pattern_ops): the prefix with its last character's
    successor."""
    for index in range(len(prefix) - 1, -1, -1):
        following = ord(prefix[index]) + 1
        if following in _SURROGATES:
            following = _SURROGATES.stop  # not characters: UTF-8 cannot encode them
        if following <= 0x10FFFF:
            return prefix[:index] + chr(following)
    return prefix + "\U0010ffff"  # only U+10FFFF: nothing real sorts after this


def search(conn: psycopg.Connection, text: str) -> SearchResults:
    """The accounts and tags `text` finds: names starting with it first, then similar names; at most
    RESULTS_MAX of each."""
    query = unicodedata.normalize("NFC", text).strip()
    if len(query) > QUERY_MAX:
        return SearchResults([], [], too_long=True)
    if not query or not storable(query):
        return SearchResults([], [])
    repository = SearchRepository(conn)
    accounts, tags = [], []
    if not query.startswith("#"):
        name = query.lstrip("@").strip().lower()
        if _USERNAME_LETTER.search(name):
            accounts = repository.accounts(name, prefix_end(name), RESULTS_MAX)
    if not query.startswith("@"):
        tag = query.lstrip("#").strip()
        if is_tag(tag):
            tag = tag_key(tag)
            tags = repository.tags(tag, prefix_end(tag), RESULTS_MAX)
    return SearchResults(accounts, tags)
