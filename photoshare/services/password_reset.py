"""Forgotten passwords: a link by mail to the account's verified address, used once within an hour.

Asking is answered the same whether or not an account has the address: one statement, one commit
and no mail server on the request's path either way (the outbox sends later), so neither the page
nor its timing says which addresses have accounts.
"""

import psycopg

from photoshare.models import User
from photoshare.repositories import (
    AccountTokenRepository,
    LoginAttemptRepository,
    SessionRepository,
    TokenPurpose,
    UserRepository,
)
from photoshare.services.account_mail import AccountMail
from photoshare.services.account_tokens import MAX_MAILS_PER_HOUR, new_token, token_hash
from photoshare.services.login_throttle import name_subject
from photoshare.services.passwords import hash_password

RESET_LIFETIME_SECONDS = 3600


def request_password_reset(conn: psycopg.Connection, mail: AccountMail, email: str) -> None:
    """Mail a reset link if a verified account has this address (and got fewer than five this hour)."""
    token, digest = new_token()
    tokens = AccountTokenRepository(conn)
    with conn.transaction():
        recipient = tokens.add_password_reset(email, digest, RESET_LIFETIME_SECONDS, MAX_MAILS_PER_HOUR)
        tokens.prune()
    if recipient is not None:
        mail.password_reset(recipient.email, recipient.username, token, RESET_LIFETIME_SECONDS // 60)


def reset_link_owner(conn: psycopg.Connection, token: str) -> User | None:
    """The account a usable reset link belongs to (the link is not used up by looking)."""
    owner = AccountTokenRepository(conn).peek(TokenPurpose.PASSWORD_RESET, token_hash(token))
    return UserRepository(conn).get(owner.user_id) if owner else None


def reset_password(conn: psycopg.Connection, token: str, password: str) -> User | None:
    """Use the link and set the new password; None when the link is unknown, used or expired.

    Every session of the account ends (the caller starts a new one for this browser); the account's
    other reset links stop working, and its failed log-ins are forgotten.
    """
    password_hash = hash_password(password)  # slow on purpose: before the transaction, not inside it
    tokens, users = AccountTokenRepository(conn), UserRepository(conn)
    with conn.transaction():
        owner = tokens.use(TokenPurpose.PASSWORD_RESET, token_hash(token))
        if owner is None:
            return None
        users.set_password(owner.user_id, password_hash)
        tokens.void(owner.user_id, TokenPurpose.PASSWORD_RESET)
        SessionRepository(conn).revoke_others(owner.user_id, keep_id=None)
        user = users.get(owner.user_id)
        attempts = LoginAttemptRepository(conn)
        for name in (user.username, user.email):
            attempts.clear(name, name_subject(name))
    return user
