-- name: create_migrations_table#
-- Bookkeeping of applied migrations (created by the runner itself).
CREATE TABLE IF NOT EXISTS schema_migrations (
    name        text PRIMARY KEY,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- name: lock_migrations$
-- Session-level advisory lock so two processes never migrate at once.
SELECT pg_advisory_lock(hashtext('photoshare.migrations'));

-- name: unlock_migrations$
-- Release the migration lock.
SELECT pg_advisory_unlock(hashtext('photoshare.migrations'));

-- name: list_applied_migrations
-- Applied migrations in order.
SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name;

-- name: insert_applied_migration!
-- Record one applied migration.
INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum);
