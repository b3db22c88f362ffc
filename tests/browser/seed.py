"""Fast set-up for browser tests: users and posts made through the app's own repositories and store."""

from photoshare.data.db import get_conn, transaction
from photoshare.media.factory import get_store
from photoshare.media.images import process_image
from photoshare.media.keys import new_post_key, new_profile_key
from photoshare.media.stored_images import put_image
from photoshare.repositories import HashtagRepository, LikeRepository, PostRepository, ProfileRepository, UserRepository
from photoshare.services.passwords import hash_password
from photoshare.tokens import hashtags
from tests.support.actions import PASSWORD
from tests.support.images import landscape


def add_user(app, username: str, with_picture: bool = False) -> int:
    """Create a user (password PASSWORD) and their profile; returns the user id."""
    with app.app_context(), transaction() as conn:
        user = UserRepository(conn).add(username, f"{username}@example.com", hash_password(PASSWORD))
        ProfileRepository(conn).add(user.id)
    if with_picture:
        image = process_image(landscape(len(username), (400, 400)), "profile")
        key = new_profile_key(username, image.ext)
        with app.app_context():
            put_image(get_store(), key, image)
            with transaction() as conn:
                ProfileRepository(conn).set_image(user.id, key)
    return user.id


def add_posts(app, user_id: int, captions: list[str], per_transaction: int = 1,
              alt_texts: list[str] | None = None, sizes: list[tuple[int, int]] | None = None,
              images: list[bytes] | None = None) -> list[int]:
    """Create posts with real stored images (generated, or `images`); posts in one transaction share a created_at."""
    ids = []
    with app.app_context():
        store = get_store()
        posts = PostRepository(get_conn())
        for start in range(0, len(captions), per_transaction):
            with transaction():
                for i in range(start, min(start + per_transaction, len(captions))):
                    size = sizes[i % len(sizes)] if sizes else (640, 480)
                    image = process_image(images[i] if images else landscape(i, size), "post")
                    post_id = posts.reserve_id()
                    key = new_post_key(post_id, image.ext)
                    put_image(store, key, image)
                    posts.add(post_id, user_id, key, caption=captions[i],
                              alt_text=alt_texts[i] if alt_texts else "",
                              image_width=image.main.width, image_height=image.main.height)
                    if hashtags(captions[i]):  # as publish_post does
                        HashtagRepository(get_conn()).set_post_tags(post_id, hashtags(captions[i]))
                    ids.append(post_id)
    return ids


def add_likes(app, post_id: int, user_ids: list[int]) -> None:
    """The given users like a post."""
    with app.app_context(), transaction() as conn:
        for user_id in user_ids:
            LikeRepository(conn).like(user_id, post_id)


def populate(app) -> dict:
    """A small, varied community for screenshots: pictures, sizes, captions, alt text and likes."""
    carol = add_user(app, "carol", with_picture=True)
    bob = add_user(app, "bob")
    alice = add_user(app, "alice", with_picture=True)
    bob_posts = add_posts(app, bob, ["", "Film day at the harbour. Everything smelled of salt and diesel."],
                          sizes=[(1080, 1080), (1200, 800)])
    carol_posts = add_posts(app, carol, [
        "Sunset at the lake", "Early train", "The hills behind the house after the rain",
        "Dusk", "Long weekend on the Côte d'Azur",
    ], alt_texts=["An orange sun setting behind a dark hill", "", "Green hills under a pale sky", "", ""],
        sizes=[(1200, 900), (900, 1200), (1080, 1080), (1600, 900), (1080, 1350)])
    add_likes(app, carol_posts[-1], [alice, bob])
    add_likes(app, bob_posts[-1], [carol])
    return {"users": {"alice": alice, "bob": bob, "carol": carol}, "posts": {"bob": bob_posts, "carol": carol_posts}}
