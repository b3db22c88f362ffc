"""Search: accounts by username and tags by name, prefix matches first, then similar names."""

import psycopg

from photoshare.data.queries import fetch_records, queries
from photoshare.models import AccountMatch, TagMatch


class SearchRepository:
    """Reads users and hashtag through search_usernames() and search_hashtags() (sql/schema.sql)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def accounts(self, q: str, q_end: str, limit: int) -> list[AccountMatch]:
        """Accounts whose lower-cased username starts with q ([q, q_end) is the range), then similar ones."""
        return fetch_records(self.conn, queries.search_accounts, AccountMatch, q=q, q_end=q_end, max_results=limit)

    def tags(self, q: str, q_end: str, limit: int) -> list[TagMatch]:
        """Tags whose name starts with q ([q, q_end) is the range), then similar ones."""
        return fetch_records(self.conn, queries.search_tags, TagMatch, q=q, q_end=q_end, max_results=limit)
