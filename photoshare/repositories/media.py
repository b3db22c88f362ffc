"""Which media keys the rows refer to."""

import psycopg

from photoshare.data.queries import fetch_values, queries


class MediaRepository:
    """The image columns of posts and profile, as seen by media gc."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def referenced(self, keys: list[str]) -> set[str]:
        """The keys among `keys` that a post or a profile refers to (one query, index probes)."""
        return set(fetch_values(self.conn, queries.list_referenced_media_keys, keys=keys))
