"""Password attempts, for throttling shared by every app process: per client (login_attempt) and
per name tried (login_throttle)."""

import psycopg

from photoshare.data.queries import queries
from photoshare.repositories._unit import require_unit_of_work


class LoginAttemptRepository:
    """The login_attempt and login_throttle tables."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def reserve_for_client(self, login: str, client_addr: str, per_client: int, window_seconds: int) -> bool:
        """Record the client's attempt at `login` unless it tried `per_client` other names in the
        window; False (nothing recorded) when it did. The client's lock is held until commit."""
        require_unit_of_work(self.conn)
        queries.lock_login_client(self.conn, client_addr=client_addr)
        return queries.insert_login_attempt_within_limit(
            self.conn, login=login, client_addr=client_addr, per_client=per_client,
            window_seconds=window_seconds) is not None

    def client_wait_seconds(self, client_addr: str, window_seconds: int) -> float:
        """Seconds until a refused client may try another name."""
        return queries.get_login_client_wait(self.conn, client_addr=client_addr, window_seconds=window_seconds) or 0.0

    def reserve(self, subject: str, free: int, base_seconds: float, max_seconds: float,
                forget_seconds: int) -> int | None:
        """Count one attempt of `subject` unless it must wait: the attempt's number, or None."""
        require_unit_of_work(self.conn)
        return queries.reserve_login_throttle(self.conn, subject=subject, free=free, base_seconds=base_seconds,
                                              max_seconds=max_seconds, forget_seconds=forget_seconds)

    def wait_seconds(self, subject: str) -> float:
        """Seconds until a subject that must wait may try again."""
        return queries.get_login_throttle_wait(self.conn, subject=subject) or 0.0

    def clear(self, login: str, subject: str | None = None) -> None:
        """Forget the attempts at a name (and a subject's count) after a success."""
        require_unit_of_work(self.conn)
        queries.delete_login_attempts_for(self.conn, login=login)
        if subject is not None:
            queries.delete_login_throttle(self.conn, subject=subject)

    def prune(self, forget_seconds: int) -> None:
        """Drop attempts older than a day, and subjects not tried for `forget_seconds`."""
        require_unit_of_work(self.conn)
        queries.delete_old_login_attempts(self.conn)
        queries.delete_old_login_throttles(self.conn, forget_seconds=forget_seconds)
