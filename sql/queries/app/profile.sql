-- name: insert_profile^
-- The profile row that every account has (1:1).
INSERT INTO profile (user_id)
VALUES (:user_id)
RETURNING id, user_id, image, created_at, updated_at, display_name, bio;

-- name: get_profile_by_user_id^
-- A user's profile row.
SELECT id, user_id, image, created_at, updated_at, display_name, bio
FROM profile
WHERE user_id = :user_id;

-- name: get_profile_page^
-- Everything the profile header shows, in one statement. The counters are trigger-kept
-- columns plus the changes still waiting in profile_counter_delta (usually none); "followed"
-- is whether the viewer follows this account.
SELECT u.id AS user_id, u.username, u.created_at AS joined_at, pr.image,
       (pr.post_count + coalesce(d.post_count, 0))::bigint AS post_count,
       (pr.likes_received + coalesce(d.likes_received, 0))::bigint AS likes_received,
       (pr.follower_count + coalesce(d.follower_count, 0))::bigint AS follower_count,
       (pr.following_count + coalesce(d.following_count, 0))::bigint AS following_count,
       EXISTS (SELECT 1 FROM follow f WHERE f.follower_id = :viewer_id AND f.followee_id = u.id) AS followed,
       pr.display_name, pr.bio
FROM users u
JOIN profile pr ON pr.user_id = u.id
LEFT JOIN LATERAL (SELECT sum(post_count) AS post_count, sum(likes_received) AS likes_received,
                          sum(follower_count) AS follower_count, sum(following_count) AS following_count
                   FROM profile_counter_delta WHERE user_id = u.id) d ON true
WHERE lower(u.username) = lower(:username);

-- name: set_profile_image!
-- Point the profile at a new picture (or NULL) with its size in bytes; the caller holds the row
-- (lock_profile_storage) and so knows the key it replaces.
UPDATE profile SET image = :image, image_bytes = :image_bytes WHERE user_id = :user_id;

-- name: get_profile_storage^
-- The account's picture and the bytes it stores, waiting deltas included (a quota check before
-- storing anything; the binding check is lock_profile_storage's).
SELECT pr.image, pr.image_bytes,
       pr.stored_bytes + (SELECT coalesce(sum(d.stored_bytes), 0) FROM profile_counter_delta d
                          WHERE d.user_id = pr.user_id) AS stored_bytes
FROM profile pr
WHERE pr.user_id = :user_id;

-- name: lock_profile_storage^
-- The same, with the profile row locked until commit: an account's uploads queue here, one quota
-- check at a time, and an account deletion (which takes this row first) waits for them. Deltas
-- cannot grow the bytes meanwhile: only the account's own uploads add bytes, and they wait here.
SELECT pr.image, pr.image_bytes,
       pr.stored_bytes + (SELECT coalesce(sum(d.stored_bytes), 0) FROM profile_counter_delta d
                          WHERE d.user_id = pr.user_id) AS stored_bytes
FROM profile pr
WHERE pr.user_id = :user_id
FOR UPDATE OF pr;

-- name: update_profile_details!
-- Set the display name and bio.
UPDATE profile SET display_name = :display_name, bio = :bio WHERE user_id = :user_id;
