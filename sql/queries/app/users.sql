-- name: insert_user^
-- Create an account; the caller stores only a password hash.
INSERT INTO users (username, email, password)
VALUES (:username, :email, :password)
RETURNING id, username, email, password, created_at, email_verified_at;

-- name: get_user_by_id^
-- One account by id (the session loader).
SELECT id, username, email, password, created_at, email_verified_at
FROM users
WHERE id = :id;

-- name: get_user_by_username^
-- One account by username, any case.
SELECT id, username, email, password, created_at, email_verified_at
FROM users
WHERE lower(username) = lower(:username);

-- name: get_user_by_login^
-- One account by username or email, any case (the log-in form accepts either).
SELECT id, username, email, password, created_at, email_verified_at
FROM users
WHERE lower(username) = lower(:login) OR lower(email) = lower(:login)
LIMIT 1;

-- name: update_user_password!
-- Replace the password hash.
UPDATE users SET password = :password WHERE id = :id;

-- name: update_user_account^
-- Change the username and email address; a changed address (not just its case) is unverified again.
UPDATE users
SET username = :username, email = :email,
    email_verified_at = CASE WHEN lower(email) = lower(:email) THEN email_verified_at END
WHERE id = :id
RETURNING id, username, email, password, created_at, email_verified_at;

-- name: mark_email_verified$
-- Mark the address verified, if it is still the account's address; returns the user id, or NULL.
UPDATE users SET email_verified_at = coalesce(email_verified_at, now())
WHERE id = :id AND lower(email) = lower(:email)
RETURNING id;

-- name: delete_user!
-- Remove an account; profile, posts and likes go with it (ON DELETE CASCADE).
DELETE FROM users WHERE id = :id;

-- name: list_media_keys_of_user
-- Every media key that belongs to a user: their picture and their posts' images.
SELECT image AS key FROM profile WHERE user_id = :user_id AND image IS NOT NULL
UNION ALL
SELECT image FROM posts WHERE user_id = :user_id;
