"""`flask seed`: bulk demo data that leaves the database consistent and the images stored."""

from photoshare.media.factory import create_store
from photoshare.media.keys import rendition_key
from photoshare.services.seed import DEMO_PASSWORD
from photoshare.tokens import hashtags

CATALOG = """
SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
WHERE conrelid IN ('posts'::regclass, 'like_post'::regclass, 'users'::regclass, 'profile'::regclass,
                   'comment'::regclass, 'notification'::regclass)
UNION ALL
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT tgname || ':' || tgenabled::text, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
ORDER BY 1, 2
"""


def _seed(app, *args):
    return app.test_cli_runner().invoke(args=["seed", "--quiet", *args])


def test_seed_loads_consistent_data(app, db, auth, app_config):
    catalog_before = db.execute(CATALOG).fetchall()
    result = _seed(app, "--users", "60", "--posts", "400", "--likes", "3000", "--images", "3")
    assert result.exit_code == 0, result.output
    assert "Seeded 60 users, 400 posts, 3000 likes, " in result.output and " 300 comments, " in result.output

    counts = db.execute("SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM profile) AS profiles,"
                        " (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM like_post) AS likes,"
                        " (SELECT count(*) FROM comment) AS comments").fetchone()
    assert counts == {"users": 60, "profiles": 60, "posts": 400, "likes": 3000, "comments": 300}
    # The derived counters are exact, and the constraints and indexes are the schema's own again.
    wrong = db.execute("SELECT count(*) AS n FROM posts p WHERE like_count <> "
                       "(SELECT count(*) FROM like_post l WHERE l.post_id = p.id) OR comment_count <> "
                       "(SELECT count(*) FROM comment c WHERE c.post_id = p.id)").fetchone()
    assert wrong["n"] == 0
    # Comments come after their post, gather on the most-liked posts, and some mention a real account.
    assert db.execute("SELECT count(*) AS n FROM comment c JOIN posts p ON p.id = c.post_id "
                      "WHERE c.created_at < p.created_at").fetchone()["n"] == 0
    assert db.execute("SELECT max(comment_count) AS m FROM posts").fetchone()["m"] >= 5  # the mean is 0.75
    assert db.execute("SELECT count(*) AS n FROM comment WHERE mentioned_usernames(body) <> '{}'").fetchone()["n"] > 0
    assert db.execute(CATALOG).fetchall() == catalog_before
    # Every like of someone else's post, follow and comment has its notification; the badges agree.
    missing = db.execute(
        "SELECT (SELECT count(*) FROM like_post l JOIN posts p ON p.id = l.post_id WHERE p.user_id <> l.user_id "
        "        AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.kind = 'like' AND n.post_id = l.post_id "
        "                        AND n.actor_id = l.user_id)) "
        "     + (SELECT count(*) FROM follow f WHERE NOT EXISTS (SELECT 1 FROM notification n WHERE n.kind = 'follow' "
        "        AND n.recipient_id = f.followee_id AND n.actor_id = f.follower_id)) AS n").fetchone()["n"]
    assert missing == 0
    assert db.execute("SELECT count(*) AS n FROM notification WHERE kind = 'mention'").fetchone()["n"] > 0
    assert db.execute("SELECT count(*) AS n FROM notification WHERE recipient_id = actor_id").fetchone()["n"] == 0
    assert db.execute("SELECT count(*) AS n FROM profile pr WHERE unread_notification_count <> (SELECT count(*) "
                      "FROM notification n WHERE n.recipient_id = pr.user_id AND read_at IS NULL)").fetchone()["n"] == 0
    # Skew: the most-liked post has far more likes than the average (7.5).
    assert db.execute("SELECT max(like_count) AS m FROM posts").fetchone()["m"] >= 10
    spread = db.execute("SELECT max(created_at) - min(created_at) AS span FROM posts").fetchone()["span"]
    assert spread.days >= 300

    # Identity sequences moved past the loaded ids: the app can add rows.
    db.execute("INSERT INTO users (username, email, password) VALUES ('newcomer', 'n@example.com', 'x:y$z')")
    # Every post's image and rendition are in the store.
    store = create_store(app_config)
    for row in db.execute("SELECT image FROM posts ORDER BY random() LIMIT 20"):
        assert store.exists(row["image"]) and store.exists(rendition_key(row["image"], 640))

    # A demo account logs in with the documented password and sees the feed.
    user = db.execute("SELECT username FROM users ORDER BY id LIMIT 1").fetchone()["username"]
    assert auth.login(user, DEMO_PASSWORD).status_code == 302
    page = auth.client.get("/").get_data(as_text=True)
    assert page.count('class="post"') == 20


def test_seed_refuses_existing_data_without_reset(app, db):
    assert _seed(app, "--users", "5", "--posts", "10", "--likes", "10", "--images", "1").exit_code == 0
    again = _seed(app, "--users", "5", "--posts", "10", "--likes", "10", "--images", "1")
    assert again.exit_code != 0
    assert "--reset" in again.output
    replaced = _seed(app, "--users", "7", "--posts", "12", "--likes", "20", "--images", "1", "--reset")
    assert replaced.exit_code == 0, replaced.output
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 7


def test_seed_rejects_impossible_sizes(app, db):
    result = _seed(app, "--users", "2", "--posts", "2", "--likes", "100")
    assert result.exit_code != 0
    assert "at most half" in result.output
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


def test_seed_follows_are_a_power_law_with_timelines_to_match(app, app_config, db):
    from tests.support.actions import running_app

    with running_app({**app_config, "FEED_PULL_THRESHOLD": 60}) as seeding:
        result = _seed(seeding, "--users", "200", "--posts", "1500", "--likes", "2000", "--follows", "4000",
                       "--images", "2")
    assert result.exit_code == 0, result.output
    assert "4000 follows" in result.output
    followers = [r["n"] for r in db.execute(
        "SELECT pr.follower_count AS n FROM profile pr ORDER BY pr.follower_count DESC")]
    # A handful of accounts most people follow; most have a few dozen at most.
    assert len(followers) == 200 and followers[0] >= 150 and sorted(followers)[100] < 30
    assert db.execute("SELECT max(following_count) AS m FROM profile").fetchone()["m"] >= 90
    assert db.execute("SELECT count(*) AS n FROM follow WHERE follower_id = followee_id").fetchone()["n"] == 0
    # The accounts at the threshold are pull accounts; the others' posts are in their followers' timelines.
    pulled = {r["user_id"] for r in db.execute("SELECT user_id FROM profile WHERE feed_mode = 'pull'")}
    assert pulled == {r["user_id"] for r in db.execute("SELECT user_id FROM profile WHERE follower_count >= 60")}
    assert pulled
    expected = db.execute(
        "SELECT f.follower_id, p.created_at, p.id FROM follow f JOIN posts p ON p.user_id = f.followee_id "
        "JOIN profile pr ON pr.user_id = f.followee_id WHERE pr.feed_mode = 'push' ORDER BY 1, 2, 3").fetchall()
    loaded = db.execute("SELECT user_id, post_created_at, post_id FROM timeline ORDER BY 1, 2, 3").fetchall()
    assert [tuple(r.values()) for r in loaded] == [tuple(r.values()) for r in expected]
    assert len(loaded) > 1000


def test_seed_tags_captions_with_a_skew_and_post_hashtag_matches_them(app, db):
    result = _seed(app, "--users", "50", "--posts", "3000", "--likes", "500", "--tags", "400", "--images", "2")
    assert result.exit_code == 0, result.output
    # Every post's tags are exactly what the tokenizer finds in its caption.
    stored: dict[int, set[str]] = {}
    for row in db.execute("SELECT ph.post_id, h.name FROM post_hashtag ph JOIN hashtag h ON h.id = ph.hashtag_id"):
        stored.setdefault(row["post_id"], set()).add(row["name"])
    for row in db.execute("SELECT id, caption FROM posts"):
        assert set(hashtags(row["caption"])) == stored.get(row["id"], set()), row
    # Counts are exact; a few tags are on a large share of posts, most on a handful.
    tags = db.execute("SELECT h.name, h.post_count, (SELECT count(*) FROM post_hashtag ph WHERE ph.hashtag_id = h.id)"
                      " AS real FROM hashtag h ORDER BY h.post_count DESC").fetchall()
    assert all(tag["post_count"] == tag["real"] for tag in tags)
    assert tags[0]["name"] == "photography" and tags[0]["post_count"] > 0.25 * 3000
    assert len(tags) > 300 and sorted(t["post_count"] for t in tags)[len(tags) // 2] <= 5
    assert {"café", "東京"} <= {tag["name"] for tag in tags}
    assert f"{len(tags)} hashtags" in result.output
    # Tag pages and search work on seeded rows (ids moved past the loaded ones).
    db.execute("INSERT INTO hashtag (name) VALUES ('brandnew')")
