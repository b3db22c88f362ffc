"""Bulk demo data (`flask seed`): users, posts, likes, follows, home timelines, comments, hashtags and
images, loaded with COPY in one transaction, and the notifications they imply, derived in SQL."""

import io
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import psycopg
from PIL import Image, ImageDraw, ImageOps
from tqdm import tqdm
from werkzeug.security import generate_password_hash

from photoshare.data.queries import load
from photoshare.media.images import ProcessedImage, process_image
from photoshare.media.keys import rendition_key
from photoshare.media.store import MediaStore
from photoshare.media.stored_images import put_image

# Every demo account shares this password (hashed once: scrypt is slow by design).
DEMO_PASSWORD = "photoshare-demo"  # noqa: S105 - documented demo password, not a secret

_DAY_US = 86_400 * 1_000_000
# Binary COPY timestamps count microseconds from 2000-01-01 UTC.
_PG_EPOCH_US = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_BINARY_TRAILER = (-1).to_bytes(2, "big", signed=True)
# like_post rows as binary COPY tuples: field count, then (length, value) per column.
_LIKE_ROW = np.dtype([
    ("fields", ">i2"),
    ("id_len", ">i4"), ("id", ">i8"),
    ("user_len", ">i4"), ("user_id", ">i8"),
    ("post_len", ">i4"), ("post_id", ">i8"),
    ("created_len", ">i4"), ("created_at", ">i8"),
    ("updated_len", ">i4"), ("updated_at", ">i8"),
])
# follow rows, and timeline rows (user_id, post_created_at, post_id), likewise.
_FOLLOW_ROW = _LIKE_ROW
_TIMELINE_ROW = np.dtype([
    ("fields", ">i2"),
    ("user_len", ">i4"), ("user_id", ">i8"),
    ("created_len", ">i4"), ("created_at", ">i8"),
    ("post_len", ">i4"), ("post_id", ">i8"),
])
# Timeline rows generated per chunk: a large seed has tens of millions, a chunk stays in memory.
_TIMELINE_CHUNK = 4_000_000
# The bulk load's own statements (TRUNCATE, dropping constraints): never the app's namespace.
seed_queries = load("seed")

_FIRST = ("ava", "noah", "mia", "liam", "zoe", "omar", "lena", "ivan", "sara", "yuki", "ines", "tom",
          "nina", "raj", "eva", "leo", "amara", "felix", "hana", "diego", "maya", "jonas", "aisha", "kai")
_LAST = ("smith", "garcia", "chen", "okafor", "muller", "rossi", "silva", "novak", "kim", "dubois",
         "haddad", "larsen", "tanaka", "kowalski", "nguyen", "costa", "walsh", "ali", "berg", "moreau")
_OPENERS = ("Golden hour", "Sunday walk", "Coffee first", "City lights", "Back at the lake", "Morning run",
            "Street corner", "Rainy afternoon", "Weekend market", "Old harbour", "First snow", "Road trip",
            "Garden update", "Late night", "Mountain air", "Picnic", "Studio day", "Train window")
_TAILS = ("", " ☀️", " with friends", ", finally", " (no filter)", " — again", " on film", " 📷",
          ", no words needed", " this weekend", ". Worth the wait.", " on the road", " and a long chat")
# Hashtags, written after the caption: a few tags on a large share of all posts (each on its own with
# this probability), then a long tail of `tags` names, 0-2 per post, tail rank r drawn as
# tags * u**3: rank r is on about posts / (3 * tags) * (r / tags) ** (-2/3) posts, a power law, and
# nearly every name is on at least one post.
_HEAD_TAGS = (("photography", 0.30), ("travel", 0.22), ("nofilter", 0.18), ("weekend", 0.12), ("sunset", 0.08),
              ("food", 0.05), ("café", 0.02), ("東京", 0.01), ("straße", 0.005))
_TAIL_WORDS = ("lake", "city", "street", "coffee", "mountain", "beach", "garden", "market", "harbour", "train",
               "snow", "studio", "night", "forest", "river", "bridge", "sky", "rain", "friends", "roadtrip")
_TAIL_TAGS_PER_POST = (0.3, 0.45, 0.25)  # probability of 0, 1 and 2 tail tags
# post_hashtag rows as binary COPY tuples (post_id, hashtag_id, post_created_at).
_POST_HASHTAG_ROW = np.dtype([
    ("fields", ">i2"),
    ("post_len", ">i4"), ("post_id", ">i8"),
    ("tag_len", ">i4"), ("hashtag_id", ">i8"),
    ("created_len", ">i4"), ("created_at", ">i8"),
])
# Comments: a phrase, sometimes a mention of another demo account or a hashtag after it.
_REMARKS = ("Love this!", "Beautiful light", "Where is this?", "So good", "Wow", "This made my day",
            "Great shot", "Take me there", "The colours!", "Miss this place", "Stunning", "Haha, classic",
            "Need to go back", "Perfect timing", "Looks cold", "Who took it?")
_REMARK_TAGS = ("#wow", "#goals", "#travel", "#photography", "#sunset", "#weekend")
_PALETTE = {"orange": (240, 140, 40), "teal": (30, 150, 150), "navy": (25, 40, 90), "rose": (220, 110, 140),
            "olive": (120, 130, 50), "sand": (225, 200, 160), "plum": (110, 50, 100), "sky": (120, 180, 235)}
_SIZES = ((1280, 960), (960, 1280), (1080, 1080), (1280, 720), (1080, 1350))


class SeedError(Exception):
    """The seed cannot run as asked (bad sizes, or data already present)."""


@dataclass(frozen=True)
class SeedOptions:
    """How much demo data to make."""

    users: int = 1_000
    posts: int = 10_000
    likes: int = 100_000
    follows: int = 20_000
    comments: int | None = None  # None: a tenth of the likes
    tags: int | None = None  # names in the hashtags' long tail; None: a tenth of the posts
    images: int = 10
    pull_threshold: int = 10_000  # FEED_PULL_THRESHOLD: accounts with this many followers are pull accounts
    random_seed: int = 1
    reset: bool = False
    progress: bool = True


@dataclass(frozen=True)
class SeedSummary:
    """What a seed run created, and how long it took."""

    users: int
    posts: int
    likes: int
    follows: int
    timeline: int
    pull_accounts: int
    comments: int
    images: int
    objects: int
    seconds: float
    hashtags: int = 0


@dataclass(frozen=True)
class SampleImage:
    """A generated picture after the upload pipeline, with a description for its alt text."""

    processed: ProcessedImage
    alt_text: str


def _comment_total(opts: SeedOptions) -> int:
    return opts.likes // 10 if opts.comments is None else opts.comments


def _tail_tags(opts: SeedOptions) -> int:
    return max(1, opts.posts // 10) if opts.tags is None else opts.tags


def _validate(opts: SeedOptions) -> None:
    if min(opts.users, opts.posts, opts.images, _tail_tags(opts)) < 1 \
            or min(opts.likes, opts.follows, _comment_total(opts)) < 0:
        raise SeedError("--users, --posts, --images and --tags must be at least 1; "
                        "--likes, --follows and --comments at least 0.")
    if opts.follows > max_follows(opts.users):
        raise SeedError(f"--follows can be at most a quarter of users x (users - 1) ({max_follows(opts.users)}).")
    # Likes are unique per (user, post); leave room so sampling without duplicates converges.
    if opts.likes > opts.users * opts.posts // 2:
        raise SeedError(f"--likes can be at most half of users x posts ({opts.users * opts.posts // 2}).")


def max_follows(users: int) -> int:
    """The most follows a seed of this many users draws (distinct pairs converge quickly below it)."""
    return users * (users - 1) // 4


def default_follows(users: int) -> int:
    """Twenty follows per account, as many as fit."""
    return min(20 * users, max_follows(users))


def make_sample_images(count: int, rng: np.random.Generator) -> list[SampleImage]:
    """Distinct pictures (gradient and shapes) passed through the real upload pipeline."""
    samples = []
    names = list(_PALETTE)
    for _ in range(count):
        width, height = _SIZES[int(rng.integers(len(_SIZES)))]
        low, high = (names[i] for i in rng.choice(len(names), 2, replace=False))
        ramp = Image.linear_gradient("L").rotate(float(rng.integers(360))).resize((width, height))
        img = ImageOps.colorize(ramp, _PALETTE[low], _PALETTE[high])
        draw = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(3, 9))):
            x, y = int(rng.integers(width)), int(rng.integers(height))
            r = int(rng.integers(min(width, height) // 20, min(width, height) // 4))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            if rng.random() < 0.5:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            else:
                draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
        buf = _jpeg_bytes(img)
        samples.append(SampleImage(process_image(buf, "post"), f"Abstract shapes on a {low} and {high} gradient"))
    return samples


def _jpeg_bytes(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class _Plan:
    """The generated rows, as arrays (ids are 1-based and dense)."""

    user_created_us: np.ndarray
    post_author: np.ndarray
    post_created_us: np.ndarray
    post_image: np.ndarray
    post_caption: np.ndarray
    post_like_count: np.ndarray
    like_user: np.ndarray
    like_post: np.ndarray
    like_created_us: np.ndarray
    follower: np.ndarray  # sorted by follower, then followee
    followee: np.ndarray
    follow_created_us: np.ndarray
    follower_count: np.ndarray  # per user id (index 0 unused)
    following_count: np.ndarray
    pulled: np.ndarray  # per user id: a pull account (its posts are read, not copied)
    post_comment_count: np.ndarray
    comment_post: np.ndarray  # 1-based post ids, the comments in order of their times
    comment_user: np.ndarray
    comment_created_us: np.ndarray
    comment_text: np.ndarray  # index into _REMARKS, then what follows it (see _comment_body)


def _plan(opts: SeedOptions, rng: np.random.Generator, now_us: int) -> _Plan:
    """Skewed, realistic rows: a few prolific authors, a few viral posts, a year of history."""
    users, posts, likes = opts.users, opts.posts, opts.likes
    start_us = now_us - 365 * _DAY_US
    # Accounts open over the month before the first post.
    user_created_us = start_us - 30 * _DAY_US + (np.arange(users, dtype=np.int64) * 30 * _DAY_US) // users
    # Post ids follow time, as they would in production.
    post_created_us = np.sort(rng.integers(start_us, now_us - 60_000_000, posts, dtype=np.int64))
    # Authors: a power law over a shuffled order, so a few users own thousands of posts.
    order = rng.permutation(users).astype(np.int64) + 1
    post_author = order[np.minimum((users * rng.random(posts) ** 2.5).astype(np.int64), users - 1)]
    post_image = rng.integers(0, opts.images, posts)
    post_caption = rng.integers(0, len(_OPENERS) * len(_TAILS) + len(_OPENERS), posts)

    like_keys = _like_pairs(users, posts, likes, rng)
    like_post = like_keys // users
    like_user = like_keys % users + 1
    post_time = post_created_us[like_post]
    # Most likes come soon after the post appears.
    like_created_us = post_time + ((now_us - post_time) * rng.random(likes) ** 3).astype(np.int64)
    post_like_count = np.bincount(like_post, minlength=posts)

    # Comments go where the likes are (a viral post has thousands), by anyone, soon after the post.
    comments = _comment_total(opts)
    weights = (post_like_count + 1) / (post_like_count + 1).sum()
    comment_post = rng.choice(posts, comments, p=weights).astype(np.int64)
    comment_user = rng.integers(1, users + 1, comments, dtype=np.int64)
    post_time = post_created_us[comment_post]
    comment_created_us = post_time + ((now_us - post_time) * rng.random(comments) ** 3).astype(np.int64)
    comment_text = rng.integers(0, len(_REMARKS) * 10, comments)
    by_time = np.argsort(comment_created_us, kind="stable")
    post_comment_count = np.bincount(comment_post, minlength=posts)

    follower, followee = _follow_pairs(users, opts.follows, rng)
    follow_created_us = rng.integers(start_us, now_us - 60_000_000, len(follower), dtype=np.int64)
    follower_count = np.bincount(followee, minlength=users + 1)
    following_count = np.bincount(follower, minlength=users + 1)
    pulled = follower_count >= opts.pull_threshold
    return _Plan(user_created_us, post_author, post_created_us, post_image, post_caption,
                 post_like_count, like_user, like_post + 1, like_created_us, follower, followee,
                 follow_created_us, follower_count, following_count, pulled, post_comment_count,
                 comment_post[by_time] + 1, comment_user[by_time], comment_created_us[by_time],
                 comment_text[by_time])


def _follow_pairs(users: int, follows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`follows` distinct (follower, followee) user ids, never oneself, sorted: a power law.

    A handful of accounts are followed by half to 90 % of everyone (pull accounts at any
    FEED_PULL_THRESHOLD below that); a few people follow thousands; the rest is log-normal on both
    sides, so most accounts have a few dozen followers and follow a few dozen, some a few thousand.
    """
    if follows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = rng.permutation(users).astype(np.int64)
    star_share = np.array([0.9, 0.75, 0.65, 0.55, 0.5])[: max(1, min(5, users // 20))]
    star_counts = (star_share * (users - 1)).astype(np.int64)
    heavy_counts = np.minimum(np.array([5000, 4000, 3000, 2500, 2000]), (users - 1) // 2)[: max(1, min(5, users // 20))]
    budget = follows // 4
    for counts in (star_counts, heavy_counts):
        if counts.sum() > budget:
            counts[:] = (counts * budget / max(1, counts.sum())).astype(np.int64)
    parts = []
    for star, count in zip(order[:len(star_counts)], star_counts, strict=True):
        fans = rng.choice(users - 1, int(count), replace=False)
        parts.append(star * users + fans + (fans >= star))  # anyone but the star
    heavy = order[-len(heavy_counts):]
    for person, count in zip(heavy, heavy_counts, strict=True):
        idols = rng.choice(users - 1, int(count), replace=False)
        parts.append((idols + (idols >= person)) * users + person)
    keys = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    rest = follows - len(keys)
    # Popularity and activity, capped so that no ordinary account has more than 5 % of everyone.
    popularity = rng.lognormal(0.0, 1.3, users)
    popularity[order[:len(star_counts)]] = 0.0
    popularity = np.minimum(popularity, popularity.sum() * max(0.05 * users, 1) / max(rest, 1))
    popularity /= popularity.sum()
    activity = rng.lognormal(0.0, 1.0, users)
    activity[heavy] = 0.0
    activity /= activity.sum()
    for _ in range(100):
        missing = follows - len(keys)
        if missing <= 0:
            break
        draw = int(missing * 1.1) + 64
        new = rng.choice(users, draw, p=popularity).astype(np.int64) * users + rng.choice(users, draw, p=activity)
        new = new[new // users != new % users]
        keys = np.union1d(keys, new)
    else:
        raise SeedError("could not draw enough distinct follows; ask for fewer follows or more users")
    if len(keys) > follows:
        keys = np.delete(keys, rng.choice(len(keys), len(keys) - follows, replace=False))
    followee, follower = keys // users + 1, keys % users + 1
    by_follower = np.lexsort((followee, follower))
    return follower[by_follower], followee[by_follower]


def _like_pairs(users: int, posts: int, likes: int, rng: np.random.Generator) -> np.ndarray:
    """`likes` distinct (post index, user index) pairs encoded as post * users + user, sorted."""
    if likes == 0:
        return np.zeros(0, dtype=np.int64)
    # Viral posts: up to 90 % of all users like each of them, a quarter of all likes at most.
    viral_share = np.array([0.9, 0.6, 0.4, 0.25, 0.15])[: max(0, min(5, posts - 1))]
    viral_counts = (viral_share * users).astype(np.int64)
    if viral_counts.sum() > likes // 4:
        viral_counts = (viral_counts * (likes // 4) / max(1, viral_counts.sum())).astype(np.int64)
    viral_posts = rng.choice(posts, len(viral_counts), replace=False)
    parts = [np.int64(p) * users + rng.choice(users, int(c), replace=False)
             for p, c in zip(viral_posts, viral_counts, strict=True)]
    rest = likes - int(viral_counts.sum())
    # The long tail: log-normal popularity, capped so no post needs more likers than exist.
    weights = rng.lognormal(0.0, 1.4, posts)
    weights[viral_posts] = 0.0
    weights = np.minimum(weights, weights.sum() * 0.3 * users / max(rest, 1))
    weights /= weights.sum()
    keys = np.zeros(0, dtype=np.int64)
    for _ in range(100):
        missing = rest - len(keys)
        if missing <= 0:
            break
        draw = int(missing * 1.05) + 64
        new = rng.choice(posts, draw, p=weights).astype(np.int64) * users + rng.integers(0, users, draw)
        keys = np.unique(np.concatenate([keys, new]))
    else:
        raise SeedError("could not draw enough distinct likes; ask for fewer likes or more users")
    if len(keys) > rest:
        keys = np.delete(keys, rng.choice(len(keys), len(keys) - rest, replace=False))
    return np.sort(np.concatenate([keys, *parts]))


@dataclass
class _TagPlan:
    """The posts' hashtags: post_hashtag rows in key order, and the tags they use (ids 1-based, dense)."""

    post: np.ndarray  # 0-based post index of each row, ascending
    tag: np.ndarray  # 1-based hashtag id of each row, ascending within a post
    names: list[str]  # per hashtag id - 1, in tokens.tag_key() form
    post_count: np.ndarray  # per hashtag id - 1
    first_post: np.ndarray  # per hashtag id - 1: its oldest post's index (the tag's created_at)


def _tag_name(index: int) -> str:
    """Tag `index` of the vocabulary: the head tags, then the tail (lake1, city1, ..., lake2, ...)."""
    if index < len(_HEAD_TAGS):
        return _HEAD_TAGS[index][0]
    rank = index - len(_HEAD_TAGS)
    return f"{_TAIL_WORDS[rank % len(_TAIL_WORDS)]}{rank // len(_TAIL_WORDS) + 1}"


def _tag_plan(opts: SeedOptions) -> _TagPlan:
    """Which posts carry which tags. A generator of its own, so the rest of the data is what it was."""
    rng = np.random.default_rng([opts.random_seed, 18])
    posts, tail = opts.posts, _tail_tags(opts)
    vocabulary = len(_HEAD_TAGS) + tail
    parts = [np.flatnonzero(rng.random(posts) < share).astype(np.int64) * vocabulary + index
             for index, (_, share) in enumerate(_HEAD_TAGS)]
    per_post = rng.choice(len(_TAIL_TAGS_PER_POST), posts, p=_TAIL_TAGS_PER_POST)
    carrier = np.repeat(np.arange(posts, dtype=np.int64), per_post)
    rank = np.minimum((tail * rng.random(len(carrier)) ** 3).astype(np.int64), tail - 1)
    parts.append(carrier * vocabulary + len(_HEAD_TAGS) + rank)
    keys = np.sort(np.concatenate(parts))  # by post, then tag
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]  # a tag twice on a post is once
    post, index = keys // vocabulary, keys % vocabulary
    # Only tags some post carries become rows, numbered in vocabulary order.
    counts = np.bincount(index, minlength=vocabulary)
    used = np.flatnonzero(counts)
    tag = (np.cumsum(counts > 0) - 1)[index]
    _, first_row = np.unique(tag, return_index=True)  # rows are in post order: a tag's first is its oldest
    return _TagPlan(post, tag + 1, [_tag_name(int(i)) for i in used], counts[used], post[first_row])


def _captions_with_tags(base: list[str], tags: _TagPlan) -> list[str]:
    """Each post's caption with its tags written after it, one in seven capitalized (#Travel): a tag
    is the same whatever its case."""
    captions = list(base)
    plain = ["#" + name for name in tags.names]
    capital = ["#" + name.capitalize() for name in tags.names]
    rows = np.arange(len(tags.post))
    written = [capital[t] if c else plain[t]
               for t, c in zip((tags.tag - 1).tolist(), ((tags.post + rows) % 7 == 0).tolist(), strict=True)]
    bounds = (np.flatnonzero(np.diff(tags.post)) + 1).tolist()
    for start, end in zip([0, *bounds], [*bounds, len(written)], strict=True):
        post = int(tags.post[start])
        text = " ".join(written[start:end])
        captions[post] = f"{captions[post]} {text}" if captions[post] else text
    return captions


def _iso(us: np.ndarray) -> np.ndarray:
    """Timestamps as ISO text ('2025-03-04T05:06:07.123456')."""
    return np.datetime_as_string(us.astype("datetime64[us]"), unit="us")


def _post_key(post_id: int, iso: str, ext: str) -> str:
    # The key's stamp is the post's own time, in the format of media.keys.
    return f"post/{post_id}-{iso.replace('-', '').replace(':', '').replace('.', '')}Z.{ext}"


def _username(index: int) -> str:
    """The demo account with 0-based index `index`."""
    return f"{_FIRST[index % len(_FIRST)]}.{_LAST[(index // len(_FIRST)) % len(_LAST)]}{index + 1}"


def _comment_body(text: int, mentioned: int) -> str:
    """A remark; one in ten mentions an account (`mentioned`, 0-based), one in ten ends in a hashtag."""
    remark, extra = _REMARKS[text % len(_REMARKS)], text // len(_REMARKS)
    if extra == 0:
        return f"@{_username(mentioned)} {remark}"
    if extra == 1:
        return f"{remark} {_REMARK_TAGS[text % len(_REMARK_TAGS)]}"
    return remark


def _caption(index: int) -> str:
    if index >= len(_OPENERS) * len(_TAILS):
        return ""
    return _OPENERS[index // len(_TAILS)] + _TAILS[index % len(_TAILS)]


class _ObjectWriter:
    """Stores each post's image: the first post of a picture through the pipeline's output, every
    other one as a copy of the one before (a hard link on the local backend, a server-side copy
    on S3). Copying from the latest key, not the first, lets a local copy that had to be a real
    file (the first's links ran out) become the source of the next links."""

    def __init__(self, store: MediaStore, samples: list[SampleImage]):
        self.store = store
        self.samples = samples
        self.last_key: dict[int, str] = {}
        self.written = 0

    def write(self, key: str, sample: int) -> None:
        """Store the image and its renditions under key."""
        image = self.samples[sample].processed
        source = self.last_key.get(sample)
        if source is None:
            put_image(self.store, key, image)
        else:
            # Renditions first, as put_image does: once the main key exists, so do they.
            for width in image.renditions:
                self.store.copy(rendition_key(source, width), rendition_key(key, width))
            self.store.copy(source, key)
        self.last_key[sample] = key
        self.written += 1 + len(image.renditions)


def seed(conn: psycopg.Connection, store: MediaStore, opts: SeedOptions, log=print) -> SeedSummary:
    """Fill the database and the media store with demo data, in one transaction."""
    _validate(opts)
    started = time.monotonic()
    rng = np.random.default_rng(opts.random_seed)
    now_us = int(time.time() * 1_000_000)
    quiet = not opts.progress

    if seed_queries.count_seed_rows(conn) and not opts.reset:
        raise SeedError("the database already has users, posts or likes; pass --reset to replace them")

    with tqdm(total=opts.images, desc="images", unit="img", disable=quiet) as bar:
        samples = []
        for _ in range(opts.images):
            samples.extend(make_sample_images(1, rng))
            bar.update()
    log("planning rows")
    plan = _plan(opts, rng, now_us)
    tags = _tag_plan(opts)
    password = generate_password_hash(DEMO_PASSWORD)
    post_iso = _iso(plan.post_created_us)
    keys = [_post_key(i + 1, post_iso[i], samples[plan.post_image[i]].processed.ext) for i in range(opts.posts)]

    writer = _ObjectWriter(store, samples)
    failure: list[BaseException] = []

    def write_objects() -> None:
        try:
            with tqdm(total=opts.posts, desc="media", unit="post", disable=quiet, position=1) as bar:
                for i, key in enumerate(keys):
                    writer.write(key, int(plan.post_image[i]))
                    if i % 1000 == 999:
                        bar.update(1000)
                bar.update(opts.posts % 1000)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the loading thread
            failure.append(exc)

    # Objects are written while PostgreSQL loads rows: one is disk-bound, the other CPU-bound.
    media_thread = threading.Thread(target=write_objects, name="seed-media")
    with conn.transaction():
        seed_queries.prepare_seed_load(conn)
        media_thread.start()
        try:
            _copy_users(conn, opts, plan, password, quiet)
            _copy_posts(conn, opts, plan, tags, samples, keys, post_iso, quiet)
            _copy_hashtags(conn, plan, tags, quiet)
            _copy_likes(conn, plan, quiet)
            _copy_follows(conn, plan, quiet)
            timeline_rows = _copy_timeline(conn, plan, quiet)
            _copy_comments(conn, opts, plan, quiet)
            log("deriving notifications")
            seed_queries.derive_seed_notifications(conn)
            log("building indexes and checking foreign keys")
            seed_queries.finish_seed_load(conn)
            wrong = seed_queries.count_wrong_like_counts(conn)
            if wrong:
                raise SeedError(f"{wrong} posts have a like_count that disagrees with like_post")
            wrong = seed_queries.count_wrong_comment_counts(conn)
            if wrong:
                raise SeedError(f"{wrong} posts have a comment_count that disagrees with comment")
            wrong = seed_queries.count_wrong_hashtag_counts(conn)
            if wrong:
                raise SeedError(f"{wrong} hashtags have a post_count that disagrees with post_hashtag")
            wrong = seed_queries.count_wrong_profile_counters(conn)
            if wrong:
                raise SeedError(f"{wrong} profiles have counters that disagree with their posts or follows")
            wrong = seed_queries.count_wrong_unread_counts(conn)
            if wrong:
                raise SeedError(f"{wrong} profiles have an unread count that disagrees with their notifications")
            loaded = seed_queries.count_timeline_rows(conn)
            if loaded != timeline_rows:
                raise SeedError(f"timeline has {loaded} rows where the follows imply {timeline_rows}")
            wrong = seed_queries.count_wrong_timeline_rows(conn)
            if wrong:
                raise SeedError(f"{wrong} timeline rows are not a followed push account's post")
        finally:
            media_thread.join()
        if failure:
            raise SeedError(f"storing images failed: {failure[0]}") from failure[0]
        seed_queries.analyze_seeded_tables(conn)
    return SeedSummary(opts.users, opts.posts, opts.likes, len(plan.follower), timeline_rows,
                       int(plan.pulled.sum()), len(plan.comment_post), opts.images, writer.written,
                       time.monotonic() - started, len(tags.names))


def _copy_users(conn, opts: SeedOptions, plan: _Plan, password: str, quiet: bool) -> None:
    created = _iso(plan.user_created_us)
    with conn.cursor().copy(seed_queries.copy_users.sql) as copy, \
            tqdm(total=opts.users, desc="users", unit="row", disable=quiet) as bar:
        for lo in range(0, opts.users, 50_000):
            lines = []
            for i in range(lo, min(lo + 50_000, opts.users)):
                name = _username(i)
                lines.append(f"{i + 1}\t{name}\t{name}@example.com\t{password}\t{created[i]}Z\t{created[i]}Z\n")
            copy.write("".join(lines))
            bar.update(len(lines))
    # The profile counters, from the same plan the posts and their like counts come from.
    post_count = np.bincount(plan.post_author, minlength=opts.users + 1)[1:].tolist()
    likes_received = np.bincount(plan.post_author, weights=plan.post_like_count,
                                 minlength=opts.users + 1)[1:].astype(np.int64).tolist()
    followers, following = plan.follower_count[1:].tolist(), plan.following_count[1:].tolist()
    mode = np.where(plan.pulled[1:], "pull", "push").tolist()
    with conn.cursor().copy(seed_queries.copy_profiles.sql) as copy:
        for lo in range(0, opts.users, 50_000):
            copy.write("".join(f"{i + 1}\t{i + 1}\t{created[i]}Z\t{created[i]}Z\t{post_count[i]}\t{likes_received[i]}\t"
                               f"{followers[i]}\t{following[i]}\t{mode[i]}\n"
                               for i in range(lo, min(lo + 50_000, opts.users))))


def _copy_posts(conn, opts: SeedOptions, plan: _Plan, tags: _TagPlan, samples: list[SampleImage],
                keys: list[str], post_iso: np.ndarray, quiet: bool) -> None:
    texts = [_caption(i) for i in range(len(_OPENERS) * len(_TAILS) + len(_OPENERS))]
    captions = _captions_with_tags([texts[i] for i in plan.post_caption.tolist()], tags)
    images = [(s.alt_text, s.processed.main.width, s.processed.main.height) for s in samples]
    author, image, likes, comments = (plan.post_author.tolist(), plan.post_image.tolist(),
                                      plan.post_like_count.tolist(), plan.post_comment_count.tolist())
    with conn.cursor().copy(seed_queries.copy_posts.sql) as copy, \
            tqdm(total=opts.posts, desc="posts", unit="row", disable=quiet) as bar:
        for lo in range(0, opts.posts, 50_000):
            lines = []
            for i in range(lo, min(lo + 50_000, opts.posts)):
                alt, width, height = images[image[i]]
                stamp = post_iso[i]
                lines.append(f"{i + 1}\t{author[i]}\t{captions[i]}\t{keys[i]}\t{likes[i]}\t"
                             f"{stamp}Z\t{stamp}Z\t{alt}\t{width}\t{height}\t{comments[i]}\n")
            copy.write("".join(lines))
            bar.update(len(lines))


def _copy_hashtags(conn, plan: _Plan, tags: _TagPlan, quiet: bool) -> None:
    """The tags (their counts already exact) and post_hashtag in key order, binary."""
    first = _iso(plan.post_created_us[tags.first_post])
    counts = tags.post_count.tolist()
    with conn.cursor().copy(seed_queries.copy_hashtags.sql) as copy:
        for lo in range(0, len(tags.names), 50_000):
            copy.write("".join(f"{i + 1}\t{tags.names[i]}\t{counts[i]}\t{first[i]}Z\t{first[i]}Z\n"
                               for i in range(lo, min(lo + 50_000, len(tags.names)))))
    total = len(tags.post)
    chunk = 1_000_000
    with conn.cursor().copy(seed_queries.copy_post_hashtags.sql) as copy, \
            tqdm(total=total, desc="post tags", unit="row", disable=quiet) as bar:
        copy.write(_BINARY_HEADER)
        for lo in range(0, total, chunk):
            hi = min(lo + chunk, total)
            rows = np.empty(hi - lo, dtype=_POST_HASHTAG_ROW)
            rows["fields"] = 3
            for name in ("post_len", "tag_len", "created_len"):
                rows[name] = 8
            rows["post_id"] = tags.post[lo:hi] + 1
            rows["hashtag_id"] = tags.tag[lo:hi]
            rows["created_at"] = plan.post_created_us[tags.post[lo:hi]] - _PG_EPOCH_US
            copy.write(rows.tobytes())
            bar.update(hi - lo)
        copy.write(_BINARY_TRAILER)


def _copy_likes(conn, plan: _Plan, quiet: bool) -> None:
    _copy_pairs(conn, seed_queries.copy_likes.sql, "likes", _LIKE_ROW, plan.like_user, plan.like_post,
                plan.like_created_us, quiet)


def _copy_follows(conn, plan: _Plan, quiet: bool) -> None:
    _copy_pairs(conn, seed_queries.copy_follows.sql, "follows", _FOLLOW_ROW, plan.follower, plan.followee,
                plan.follow_created_us, quiet)


def _copy_pairs(conn, sql: str, desc: str, row_type, first, second, created_us, quiet: bool) -> None:
    """Binary COPY of (id, first, second, created_at, updated_at) rows, a million at a time: the
    likes' (user, post) and the follows' (follower, followee) have the same layout."""
    total = len(first)
    chunk = 1_000_000
    with conn.cursor().copy(sql) as copy, tqdm(total=total, desc=desc, unit="row", disable=quiet) as bar:
        copy.write(_BINARY_HEADER)
        for lo in range(0, total, chunk):
            hi = min(lo + chunk, total)
            rows = np.empty(hi - lo, dtype=row_type)
            rows["fields"] = 5
            for name in ("id_len", "user_len", "post_len", "created_len", "updated_len"):
                rows[name] = 8
            rows["id"] = np.arange(lo + 1, hi + 1, dtype=np.int64)
            rows["user_id"] = first[lo:hi]
            rows["post_id"] = second[lo:hi]
            rows["created_at"] = created_us[lo:hi] - _PG_EPOCH_US
            rows["updated_at"] = rows["created_at"]
            copy.write(rows.tobytes())
            bar.update(hi - lo)
        copy.write(_BINARY_TRAILER)


def _copy_timeline(conn, plan: _Plan, quiet: bool) -> int:
    """Every post of every push account each user follows, in the table's key order; returns the row count.

    Built from the same plan as the follows and posts, as the app's jobs would have left it: the
    follow copies the account's history, each later post is copied when published.
    """
    posts = len(plan.post_author)
    # Each author's posts, oldest first (post ids follow time), as ranges of one array.
    by_author = np.argsort(plan.post_author, kind="stable")
    per_author = np.bincount(plan.post_author, minlength=len(plan.pulled))
    first_of = np.concatenate([[0], np.cumsum(per_author)[:-1]])
    pushed = ~plan.pulled[plan.followee]
    follower, followee = plan.follower[pushed], plan.followee[pushed]
    copies = per_author[followee]
    total = int(copies.sum())
    ends = np.cumsum(copies)
    with conn.cursor().copy(seed_queries.copy_timeline.sql) as copy, \
            tqdm(total=total, desc="timeline", unit="row", disable=quiet) as bar:
        copy.write(_BINARY_HEADER)
        lo = 0
        while lo < len(follower):
            # Whole followers per chunk (follows are sorted by follower), about _TIMELINE_CHUNK rows.
            hi = int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + _TIMELINE_CHUNK, side="right"))
            hi = max(hi, lo + 1)
            while hi < len(follower) and follower[hi] == follower[hi - 1]:
                hi += 1
            n = copies[lo:hi]
            count = int(n.sum())
            users = np.repeat(follower[lo:hi], n)
            starts = np.repeat(first_of[followee[lo:hi]] - (np.cumsum(n) - n), n)
            post_index = by_author[starts + np.arange(count)]
            # Key order within the chunk: user, then time (post index order is time order).
            key = np.sort(users * posts + post_index)
            users, post_index = key // posts, key % posts
            rows = np.empty(count, dtype=_TIMELINE_ROW)
            rows["fields"] = 3
            for name in ("user_len", "created_len", "post_len"):
                rows[name] = 8
            rows["user_id"] = users
            rows["created_at"] = plan.post_created_us[post_index] - _PG_EPOCH_US
            rows["post_id"] = post_index + 1
            copy.write(rows.tobytes())
            bar.update(count)
            lo = hi
        copy.write(_BINARY_TRAILER)
    return total


def _copy_comments(conn, opts: SeedOptions, plan: _Plan, quiet: bool) -> None:
    total = len(plan.comment_post)
    created = _iso(plan.comment_created_us)
    post, user, text = plan.comment_post.tolist(), plan.comment_user.tolist(), plan.comment_text.tolist()
    # Whom a mention names: the account after the commenter's (the remarks have no tab or backslash).
    with conn.cursor().copy(seed_queries.copy_comments.sql) as copy, \
            tqdm(total=total, desc="comments", unit="row", disable=quiet) as bar:
        for lo in range(0, total, 50_000):
            copy.write("".join(
                f"{i + 1}\t{post[i]}\t{user[i]}\t{_comment_body(text[i], user[i] % opts.users)}\t{created[i]}Z\t"
                f"{created[i]}Z\n" for i in range(lo, min(lo + 50_000, total))))
            bar.update(min(50_000, total - lo))
