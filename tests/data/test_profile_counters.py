"""profile.post_count and profile.likes_received stay exact: posts, likes, deletes, cascades, concurrency."""

from concurrent.futures import ThreadPoolExecutor

import psycopg

from tests.support.actions import seed_posts, seed_user

# The counters as readers see them (row plus waiting deltas), next to what they should be (counted
# from the rows), for every profile that disagrees; and every post whose like count disagrees.
WRONG_COUNTERS = """
SELECT pr.user_id, pr.post_count + coalesce(d.posts, 0) AS post_count,
       pr.likes_received + coalesce(d.likes, 0) AS likes_received,
       coalesce(s.n, 0) AS real_posts, coalesce(s.likes, 0) AS real_likes
FROM profile pr
LEFT JOIN (SELECT user_id, sum(post_count) AS posts, sum(likes_received) AS likes
           FROM profile_counter_delta GROUP BY user_id) d ON d.user_id = pr.user_id
LEFT JOIN (SELECT p.user_id, count(DISTINCT p.id) AS n, count(l.id) AS likes
           FROM posts p LEFT JOIN like_post l ON l.post_id = p.id GROUP BY p.user_id) s ON s.user_id = pr.user_id
WHERE pr.post_count + coalesce(d.posts, 0) <> coalesce(s.n, 0)
   OR pr.likes_received + coalesce(d.likes, 0) <> coalesce(s.likes, 0)
UNION ALL
SELECT pv.id, NULL, pv.like_count, NULL, (SELECT count(*) FROM like_post l WHERE l.post_id = pv.id)
FROM post_view pv
WHERE pv.like_count <> (SELECT count(*) FROM like_post l WHERE l.post_id = pv.id)
"""


def counters(db, user_id):
    """A profile's counters as readers see them: the row plus its waiting deltas."""
    row = db.execute("""SELECT pr.post_count + coalesce(sum(d.post_count), 0) AS post_count,
                               pr.likes_received + coalesce(sum(d.likes_received), 0) AS likes_received
                        FROM profile pr LEFT JOIN profile_counter_delta d ON d.user_id = pr.user_id
                        WHERE pr.user_id = %s GROUP BY pr.id""", (user_id,)).fetchone()
    return row["post_count"], row["likes_received"]


def like(db, user_id, post_id):
    db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (user_id, post_id))


def test_counters_follow_posts_likes_and_unlikes(db):
    alice, bob, carol = (seed_user(db, name) for name in ("alice", "bob", "carol"))
    first, second = seed_posts(db, alice, 2)
    assert counters(db, alice) == (2, 0)
    like(db, bob, first)
    like(db, carol, first)
    like(db, alice, second)  # liking one's own post counts too
    assert counters(db, alice) == (2, 3)
    assert counters(db, bob) == (0, 0)
    db.execute("DELETE FROM like_post WHERE user_id = %s AND post_id = %s", (carol, first))
    assert counters(db, alice) == (2, 2)
    db.execute("DELETE FROM posts WHERE id = %s", (first,))  # its like goes with it, counted once
    assert counters(db, alice) == (1, 1)
    assert db.execute(WRONG_COUNTERS).fetchall() == []


def test_a_counter_change_does_not_move_the_profiles_updated_at(db):
    alice, bob = seed_user(db, "alice"), seed_user(db, "bob")
    db.execute("UPDATE profile SET updated_at = '2020-01-01T00:00:00Z'")
    [post] = seed_posts(db, alice, 1)
    like(db, bob, post)
    stamp = db.execute("SELECT updated_at FROM profile WHERE user_id = %s", (alice,)).fetchone()["updated_at"]
    assert stamp.year == 2020


def test_deleting_a_user_keeps_everyone_elses_counters_exact(db):
    """The cascade removes the user's profile, posts and likes in one statement, in its own order."""
    alice, bob, carol = (seed_user(db, name) for name in ("alice", "bob", "carol"))
    alice_posts = seed_posts(db, alice, 3)
    bob_posts = seed_posts(db, bob, 2)
    for post in alice_posts + bob_posts:
        like(db, alice, post)  # including her own posts
        like(db, carol, post)
    like(db, bob, alice_posts[0])
    assert counters(db, bob) == (2, 4)
    db.execute("DELETE FROM users WHERE id = %s", (alice,))
    assert counters(db, bob) == (2, 2)  # alice's likes of bob's posts are gone
    assert counters(db, carol) == (0, 0)
    assert db.execute("SELECT count(*) AS n FROM profile WHERE user_id = %s", (alice,)).fetchone()["n"] == 0
    assert db.execute(WRONG_COUNTERS).fetchall() == []


def test_counters_stay_exact_under_concurrent_likes_of_one_authors_posts(database_url, db):
    """40 users like and unlike an author's posts from their own connections at the same time."""
    author = seed_user(db, "author")
    posts = seed_posts(db, author, 4)
    likers = [seed_user(db, f"user{i}") for i in range(40)]

    def work(user_id):
        with psycopg.connect(database_url, autocommit=True) as conn:
            for post in posts:
                conn.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (user_id, post))
            if user_id % 2:
                conn.execute("DELETE FROM like_post WHERE user_id = %s AND post_id = %s", (user_id, posts[0]))

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(work, likers))
    unliked = sum(1 for u in likers if u % 2)
    assert counters(db, author) == (4, 40 * 4 - unliked)
    assert db.execute(WRONG_COUNTERS).fetchall() == []


def test_the_profile_page_shows_the_counters(logged_in, db):
    alice = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    bob = seed_user(db, "bob")
    posts = seed_posts(db, alice, 3)
    like(db, bob, posts[1])
    page = logged_in.get("/u/alice").get_data(as_text=True)
    assert 'data-post-count="3"' in page
    assert "<strong>1</strong> like received" in page
