"""Server-side sessions (migration 0027)."""

import psycopg

from photoshare.data.queries import fetch_record, fetch_records, queries
from photoshare.models import ActiveSession, SessionUserRow
from photoshare.repositories._unit import require_unit_of_work


class SessionRepository:
    """The user_session table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def add(self, user_id: int, token_hash: bytes, remember: bool, device: str, network: str | None,
            idle_seconds: int, lifetime_seconds: int) -> int:
        """Record a new session; returns its id."""
        require_unit_of_work(self.conn)
        return queries.insert_user_session(self.conn, user_id=user_id, token_hash=token_hash, remember=remember,
                                           device=device, network=network, idle_seconds=idle_seconds,
                                           lifetime_seconds=lifetime_seconds)

    def user_of(self, token_hash: bytes, next_token_hash: bytes, touch_seconds: int,
                rotate_seconds: int) -> SessionUserRow | None:
        """The user of a live session, noting it as seen (one statement that commits by itself:
        it runs on every logged-in request, before any unit of work)."""
        return fetch_record(self.conn, queries.get_session_user, SessionUserRow, token_hash=token_hash,
                            next_token_hash=next_token_hash, touch_seconds=touch_seconds,
                            rotate_seconds=rotate_seconds)

    def active(self, user_id: int, limit: int) -> list[ActiveSession]:
        """An account's live sessions, most recently seen first, at most `limit`."""
        return fetch_records(self.conn, queries.get_active_user_sessions, ActiveSession, user_id=user_id,
                             limit=limit)

    def revoke(self, user_id: int, session_id: int) -> bool:
        """End one of the account's sessions; False when it was not a live one of theirs."""
        require_unit_of_work(self.conn)
        return queries.revoke_user_session(self.conn, id=session_id, user_id=user_id) is not None

    def revoke_others(self, user_id: int, keep_id: int | None) -> None:
        """End every session of the account but `keep_id` (None: all)."""
        require_unit_of_work(self.conn)
        queries.revoke_other_user_sessions(self.conn, user_id=user_id, keep_id=keep_id)

    def prune(self) -> None:
        """Drop sessions a day past their absolute expiry."""
        require_unit_of_work(self.conn)
        queries.delete_ended_user_sessions(self.conn)
