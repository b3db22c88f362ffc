-- name: ping$
-- Liveness check of the database (/healthz).
SELECT 1;
