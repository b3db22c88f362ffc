"""Captions and comments as tokens: plain text, @mentions and #hashtags.

Rendering never pastes markup into text: the text is split here, and web/rich_text.py escapes each
text token and builds each link from its parts. The rules:

- A mention is "@" and a run of username characters ([A-Za-z0-9_.]) without its trailing dots (the
  end of a sentence), not right after a word character or another "@" (an e-mail address is no
  mention). It is a mention only when the name, in any case, is an account's: the page's query says
  which names are (`mentioned_usernames()` in sql/schema.sql looks up every name this could take).
- A hashtag is "#" and letters of any script with their combining marks, digits and "_", not right
  after a word character, "&" or "#", at most TAG_MAX characters in tag_key() form (a longer run
  is text). Tags compare case-insensitively, in one form: `tag_key()`, what hashtag.name holds.
"""

import unicodedata
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import regex

USERNAME_MAX = 30
TAG_MAX = 100  # hashtag_name_length in sql/schema.sql
# As many @names as the page's look-up (mentioned_usernames() in sql/schema.sql) takes from one text.
MENTIONS_MAX = 20
# Zero-width (non-)joiners belong inside words of Persian and the Indic scripts.
_TAG_CHARACTERS = r"[\p{L}\p{M}\p{Nd}_\u200c\u200d]+"
_TOKEN = regex.compile(r"(?<![\w@])@(?P<mention>[A-Za-z0-9_.]+)"
                       rf"|(?<![\w&#])#(?P<tag>{_TAG_CHARACTERS})")
_TAG = regex.compile(_TAG_CHARACTERS)


class Token(NamedTuple):
    kind: str  # "text", "mention" or "tag"
    text: str  # as written: "@Alice", "#Sunset", or plain text
    key: str  # a mention's username as the account spells it, a tag's tag_key(), "" for text


def tag_key(tag: str) -> str:
    """The form a tag is compared and linked in: NFC, lower case ("#Café" and "#CAFÉ" are one tag)."""
    return unicodedata.normalize("NFC", tag).lower()


def is_tag(name: str) -> bool:
    """Whether `name` (without "#") is what the tokenizer calls a tag."""
    return len(tag_key(name)) <= TAG_MAX and _TAG.fullmatch(name) is not None


def hashtags(text: str) -> list[str]:
    """The distinct tags of a caption as tag_key()s, in the order they first appear."""
    if "#" not in text:
        return []
    return list(dict.fromkeys(token.key for token in tokenize(text, {}) if token.kind == "tag"))
def mention_names(text: str) -> list[str]:
    """The lower-cased names the text's mentions would link to if accounts have them (the first
    MENTIONS_MAX, each once): whom a caption or comment notifies, with the tokenizer's own rules."""
    names: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        name = match["mention"]
        if name is None:
            continue
        name = name.rstrip(".").lower()
        if name and len(name) <= USERNAME_MAX:
            names[name] = None
            if len(names) == MENTIONS_MAX:
                break
    return list(names)


def tokenize(text: str, accounts: Mapping[str, str]) -> Iterator[Token]:
    """The text's tokens in order; `accounts` maps lower-cased usernames of existing accounts to their
    spelling (the names a mention may link to). Joined, the tokens' texts give back `text`."""
    position = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        name = match["mention"]
        if name is not None:
            name = name.rstrip(".")
            username = accounts.get(name.lower()) if len(name) <= USERNAME_MAX else None
            if username is None:
                continue  # stays part of the text around it
            end = start + 1 + len(name)
            token = Token("mention", text[start:end], username)
        else:
            key = tag_key(match["tag"])
            if len(key) > TAG_MAX:
                continue  # stays text: no tag page could have it
            token = Token("tag", text[start:end], key)
        if start > position:
            yield Token("text", text[position:start], "")
        yield token
        position = end
    if position < len(text):
        yield Token("text", text[position:], "")
