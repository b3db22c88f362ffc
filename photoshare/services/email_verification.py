"""Email verification: a link to the address (at sign-up, on a change, on request) that marks it verified.

An unverified account can do everything in the app; verification gates one thing, password reset,
whose link is mailed only to a verified address (README, "Accounts and sessions").
"""

import psycopg

from photoshare.models import User
from photoshare.repositories import AccountTokenRepository, TokenPurpose, UserRepository
from photoshare.services.account_mail import AccountMail
from photoshare.services.account_tokens import MAX_MAILS_PER_HOUR, new_token, token_hash

VERIFICATION_LIFETIME_SECONDS = 3 * 86400


def send_verification(conn: psycopg.Connection, mail: AccountMail, user: User) -> bool:
    """Mail a verification link to the user's address; False when five went out this hour already."""
    token, digest = new_token()
    tokens = AccountTokenRepository(conn)
    with conn.transaction():
        owner = tokens.add(user.id, TokenPurpose.EMAIL_VERIFICATION, digest, user.email,
                           VERIFICATION_LIFETIME_SECONDS, MAX_MAILS_PER_HOUR)
        tokens.prune()
    if owner is None:
        return False
    mail.verification(user.email, user.username, token, VERIFICATION_LIFETIME_SECONDS // 86400)
    return True


def verify_email(conn: psycopg.Connection, token: str) -> str | None:
    """Use a verification link: the address it verified, or None (unknown, used or expired link, or
    an address the account no longer has)."""
    with conn.transaction():
        owner = AccountTokenRepository(conn).use(TokenPurpose.EMAIL_VERIFICATION, token_hash(token))
        if owner is None or not UserRepository(conn).mark_email_verified(owner.user_id, owner.email):
            return None
    return owner.email
