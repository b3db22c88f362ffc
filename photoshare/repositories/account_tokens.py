"""Mailed links (password reset, email verification): only their hashes, used once, before they expire."""

from enum import StrEnum

import psycopg

from photoshare.data.queries import fetch_record, queries
from photoshare.models import ResetRecipient, TokenOwner
from photoshare.repositories._unit import require_unit_of_work


class TokenPurpose(StrEnum):
    """What a link does; the account_token_purpose constraint lists the same values."""

    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose name, not a password
    EMAIL_VERIFICATION = "email_verification"


class AccountTokenRepository:
    """The account_token table. Tokens come in as their SHA-256 (services/account_tokens.py)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def add(self, user_id: int, purpose: TokenPurpose, token_hash: bytes, email: str, lifetime_seconds: int,
            max_per_hour: int) -> TokenOwner | None:
        """Store a token for a user; None (nothing stored) when the hourly cap is reached."""
        require_unit_of_work(self.conn)
        return fetch_record(self.conn, queries.insert_account_token, TokenOwner, user_id=user_id,
                            purpose=str(purpose), token_hash=token_hash, email=email,
                            lifetime_seconds=lifetime_seconds, max_per_hour=max_per_hour)

    def add_password_reset(self, email: str, token_hash: bytes, lifetime_seconds: int,
                           max_per_hour: int) -> ResetRecipient | None:
        """Store a reset token for the account with this verified address; None when there is none (or
        the cap is reached). The same one statement either way."""
        require_unit_of_work(self.conn)
        return fetch_record(self.conn, queries.insert_password_reset_token, ResetRecipient, email=email,
                            token_hash=token_hash, lifetime_seconds=lifetime_seconds, max_per_hour=max_per_hour)

    def peek(self, purpose: TokenPurpose, token_hash: bytes) -> TokenOwner | None:
        """The owner of a usable token, without using it."""
        return fetch_record(self.conn, queries.get_usable_account_token, TokenOwner, purpose=str(purpose),
                            token_hash=token_hash)

    def use(self, purpose: TokenPurpose, token_hash: bytes) -> TokenOwner | None:
        """Use a token (once): its owner, or None when it is unknown, used or expired."""
        require_unit_of_work(self.conn)
        return fetch_record(self.conn, queries.use_account_token, TokenOwner, purpose=str(purpose),
                            token_hash=token_hash)

    def void(self, user_id: int, purpose: TokenPurpose) -> None:
        """Make the user's unused tokens of this kind worthless."""
        require_unit_of_work(self.conn)
        queries.void_account_tokens(self.conn, user_id=user_id, purpose=str(purpose))

    def prune(self) -> None:
        """Drop tokens a day past their expiry."""
        require_unit_of_work(self.conn)
        queries.delete_expired_account_tokens(self.conn)
