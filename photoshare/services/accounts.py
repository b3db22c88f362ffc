"""Accounts: signing up, changing the username, email or password, and erasing everything an account holds."""

import psycopg

from photoshare.media.store import MediaStore
from photoshare.models import User
from photoshare.repositories import ProfileRepository, SessionRepository, UserRepository
from photoshare.services.account_mail import AccountMail
from photoshare.services.email_verification import send_verification
from photoshare.services.passwords import hash_password
from photoshare.services.write_order import delete_unreferenced


def register_account(conn: psycopg.Connection, username: str, email: str, password: str) -> User:
    """The user and their profile, in one transaction; raises UsernameTaken, EmailTaken or InvalidUsername."""
    with conn.transaction():
        user = UserRepository(conn).add(username, email, hash_password(password))
        ProfileRepository(conn).add(user.id)
    return user


def change_account(conn: psycopg.Connection, mail: AccountMail, user_id: int, username: str, email: str) -> User:
    """Change the username and email under the sign-up rules; raises UsernameTaken, EmailTaken or
    InvalidUsername.

    A new address is unverified until its link is opened (one is mailed to it), and the previous
    address is told of the change. The old username is free for anyone afterwards, and its
    profile URL is a 404 (no redirect that could later lead to someone else). Media keys are
    unaffected: they keep the name they were made with.
    """
    users = UserRepository(conn)
    before = users.get(user_id)
    with conn.transaction():
        user = users.update_account(user_id, username, email)
    if before.email.lower() != user.email.lower():
        send_verification(conn, mail, user)
        mail.address_changed(before.email, user.email, user.username)
    return user


def change_password(conn: psycopg.Connection, mail: AccountMail, user_id: int, password: str,
                    keep_session_id: int | None) -> User:
    """Store the new password's hash, end every other session of the account (all of them when
    keep_session_id is None) and tell the owner by mail; returns the updated user."""
    users = UserRepository(conn)
    password_hash = hash_password(password)  # slow on purpose: before the transaction, not inside it
    with conn.transaction():
        users.set_password(user_id, password_hash)
        SessionRepository(conn).revoke_others(user_id, keep_session_id)
    user = users.get(user_id)
    mail.password_changed(user.email, user.username)
    return user


def delete_account(conn: psycopg.Connection, store: MediaStore, user_id: int) -> None:
    """Delete the user (profile, posts and likes cascade), then every image they stored.

    The locks come first, in the order every other flow takes them (account_deletion.sql), so that
    likes, uploads and other deletions running meanwhile never deadlock with it; the keys are read
    once they are held, so an upload that committed meanwhile has its image deleted here too.
    """
    users = UserRepository(conn)
    with conn.transaction():
        users.lock_for_deletion(user_id)
        keys = users.media_keys(user_id)
        users.delete(user_id)
    delete_unreferenced(store, keys)
