"""Do concurrent likes queue on one row? Likes/s of 50 likers in three cases: each likes its own
post, the 50 posts by 50 authors (nothing shared: the baseline); the 50 posts all by one author
(they share the author's profile row); all 50 like the same post (they share the post's row too).

    python -m bench.contention                       # a throwaway PostgreSQL with fsync on
    python -m bench.contention --database-url URL    # an existing, migrated database (adds rows)

Each liker is a thread with its own connection that likes and unlikes its post in a loop, one
transaction each, the statements the app runs. The ratios to "fifty authors" are the numbers to
read: 1.0 means the shared row is no queue.
"""

import argparse
import threading
import time

import psycopg

from photoshare.data.migrate import upgrade
from photoshare.data.queries import load
from photoshare.repositories import LikeRepository
from tests.support.postgres_server import start_postgresql, stop_postgresql

bench_queries = load("bench")
LIKERS = 50
# Commits that wait for the disk, as in production: with fsync off a lock is held for so short a
# time that queueing hides.
DURABLE = "-c fsync=on -c synchronous_commit=on"


def make_posts(conn: psycopg.Connection, tag: str, authors: int, posts: int = LIKERS) -> tuple[list[int], list[int]]:
    """`posts` posts by `authors` accounts, and LIKERS likers; returns (the post each liker likes, liker ids)."""
    with conn.transaction():
        author_ids = [bench_queries.bench_insert_user(conn, username=f"{tag}a{i}") for i in range(authors)]
        liker_ids = [bench_queries.bench_insert_user(conn, username=f"{tag}l{i}") for i in range(LIKERS)]
        for user_id in author_ids + liker_ids:
            bench_queries.bench_insert_profile(conn, user_id=user_id)
        post_ids = [bench_queries.bench_insert_post(conn, user_id=author_ids[i % authors], tag=f"{tag}{i}")
                    for i in range(posts)]
    return [post_ids[i % posts] for i in range(LIKERS)], liker_ids


def likes_per_second(url: str, posts: list[int], likers: list[int], seconds: float) -> float:
    """Likes and unlikes per second, all likers at once."""
    done = [0] * LIKERS
    ready = threading.Barrier(LIKERS + 1)
    stop = threading.Event()

    def liker(index: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            likes = LikeRepository(conn)
            ready.wait()
            while not stop.is_set():
                with conn.transaction():
                    likes.like(likers[index], posts[index])
                with conn.transaction():
                    likes.unlike(likers[index], posts[index])
                done[index] += 2

    threads = [threading.Thread(target=liker, args=(i,)) for i in range(LIKERS)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.monotonic()
    time.sleep(seconds)
    stop.set()
    elapsed = time.monotonic() - started
    for t in threads:
        t.join()
    return sum(done) / elapsed


def main(argv=None) -> int:
    """Measure both cases in alternation and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    server = None
    if args.database_url:
        url = args.database_url
    else:
        server = start_postgresql(extra_args=DURABLE)
        url = server.url()
    try:
        upgrade(url, log=lambda _msg: None)
        stamp = str(int(time.time()))
        with psycopg.connect(url, autocommit=True) as conn:
            cases = {"fifty authors": make_posts(conn, f"c{stamp}m", LIKERS),
                     "one author": make_posts(conn, f"c{stamp}o", 1),
                     "one post": make_posts(conn, f"c{stamp}p", 1, posts=1)}
        rates = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, (posts, likers) in cases.items():
                rates[name].append(likes_per_second(url, posts, likers, args.seconds))
    finally:
        if server is not None:
            stop_postgresql(server)
    medians = {name: sorted(values)[len(values) // 2] for name, values in rates.items()}
    for name, values in rates.items():
        print(f"{name:14} {medians[name]:8.0f} likes/s  (rounds: {', '.join(f'{v:.0f}' for v in values)})")
    for name in ("one author", "one post"):
        print(f"{name} / fifty authors: {medians[name] / medians['fifty authors']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
