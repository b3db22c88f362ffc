"""Flask CLI: serve, db upgrade/status, dbshell, media gc, seed, worker."""

import logging
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from photoshare.config import PROJECT_ROOT
from photoshare.data.migrate import status, upgrade
from photoshare.errors import MigrationChanged


@click.group("db", cls=AppGroup)
def db_group():
    """Database migrations."""


@db_group.command("upgrade")
def db_upgrade():
    """Apply pending migrations, each in its own transaction."""
    try:
        applied = upgrade(current_app.config["DATABASE_URL"], log=click.echo)
    except MigrationChanged as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{len(applied)} migration(s) applied; the database is up to date.")


@db_group.command("status")
def db_status():
    """List migrations and whether each is applied."""
    import psycopg

    with psycopg.connect(current_app.config["DATABASE_URL"], autocommit=True) as conn:
        states = status(conn)
    for st in states:
        when = f"  {st.applied_at:%Y-%m-%d %H:%M:%S %Z}" if st.applied_at else ""
        click.echo(f"{st.state:8} {st.name}{when}")
    if any(st.state == "changed" for st in states):
        raise click.ClickException("an applied migration file was edited afterwards")


@click.command("dbshell")
def dbshell():
    """Open psql on the configured database (the embedded one too)."""
    from photoshare.data.embedded import psql_executable

    exe = psql_executable(current_app.config["DATABASE_EMBEDDED"])
    # exec: psql takes over the terminal, as manage.py dbshell does.
    os.execvp(exe, [exe, current_app.config["DATABASE_URL"]])  # noqa: S606 - no shell, fixed argv


@click.group("media", cls=AppGroup)
def media_group():
    """Stored images."""


@media_group.command("gc")
@click.option("--apply", is_flag=True, help="Delete the objects (default: only list them).")
@click.option("--grace-seconds", type=click.IntRange(min=0), default=None,
              help="Leave objects younger than this alone (default: MEDIA_GC_GRACE_SECONDS).")
def media_gc(apply: bool, grace_seconds: int | None):
    """Delete stored objects that no post or profile refers to (dry run unless --apply)."""
    from photoshare.errors import StorageUnavailable
    from photoshare.media.factory import get_store
    from photoshare.services.media_gc import collect_garbage

    if grace_seconds is None:
        grace_seconds = current_app.config["MEDIA_GC_GRACE_SECONDS"]
    try:
        with current_app.extensions["db_pool"].connection() as conn:
            count = collect_garbage(get_store(), conn, grace_seconds, apply, echo=click.echo)
    except StorageUnavailable as exc:
        raise click.ClickException(f"the media store is unavailable: {exc}") from exc
    if apply:
        click.echo(f"{count} unreferenced object(s) older than {grace_seconds} s deleted.")
    else:
        click.echo(f"{count} unreferenced object(s) older than {grace_seconds} s; run with --apply to delete them.")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST or 127.0.0.1",
              help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=lambda: int(os.environ.get("PORT", "5000")),
              show_default="PORT or 5000", help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=lambda: int(os.environ.get("WEB_CONCURRENCY", "2")),
              show_default="WEB_CONCURRENCY or 2", help="gunicorn worker processes.")
def serve(host: str, port: int, workers: int):
    """Apply pending migrations, then serve with gunicorn and a job worker until SIGTERM or Ctrl-C (`make run`).

    This process stays in front: it runs the server processes and stops them together, and then
    the embedded PostgreSQL it started (with no DATABASE_URL) stops with it.
    """
    from photoshare.supervisor import supervise

    db_upgrade.callback()
    # The server processes use this database (the embedded one included) rather than start their own.
    env = {**os.environ, "DATABASE_URL": current_app.config["DATABASE_URL"]}
    current_app.extensions["db_pool"].close()  # this process serves nothing itself
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
                "--access-logfile", "-", "wsgi:app"],
        "worker": [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
    }
    click.echo(f"serving on http://{host}:{port}/ (gunicorn, {workers} workers) with a job worker; "
               "SIGTERM or Ctrl-C stops them")
    sys.exit(supervise(commands, env=env, cwd=PROJECT_ROOT, log=click.echo))


def register_cli(app: Flask) -> None:
    """Add the commands to `flask --app wsgi`."""
    app.cli.add_command(serve)
    app.cli.add_command(db_group)
    app.cli.add_command(dbshell)
    app.cli.add_command(media_group)
    app.cli.add_command(seed_command)
    app.cli.add_command(worker_command)


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Jobs run at once (default: WORKER_CONCURRENCY).")
def worker_command(concurrency: int | None):
    """Run background jobs (post delivery to followers' home feeds) until Ctrl-C or SIGTERM."""
    from photoshare.jobs.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(current_app._get_current_object(), concurrency=concurrency)


@click.command("seed")
@with_appcontext
@click.option("--users", default=1_000, show_default=True, help="Demo accounts to create.")
@click.option("--posts", default=10_000, show_default=True, help="Posts, spread over the last year.")
@click.option("--likes", default=100_000, show_default=True, help="Likes, unique per user and post.")
@click.option("--follows", type=click.IntRange(min=0), default=None,
              help="Follows, a power law (a few accounts most people follow), with home timelines to match "
                   "[default: 20 per user].")
@click.option("--comments", type=click.IntRange(min=0), default=None,
              help="Comments, mostly on the most-liked posts [default: a tenth of the likes].")
@click.option("--tags", type=click.IntRange(min=1), default=None,
              help="Hashtag names in the long tail, besides a few on a large share of posts "
                   "[default: a tenth of the posts].")
@click.option("--images", default=10, show_default=True, help="Distinct generated pictures the posts share.")
@click.option("--random-seed", default=1, show_default=True, help="Same seed, same data.")
@click.option("--reset", is_flag=True, help="Replace all existing users, posts, likes and comments.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def seed_command(users, posts, likes, follows, comments, tags, images, random_seed, reset, quiet):
    """Bulk-load demo users, posts, likes, follows, comments, hashtags and images.

    Every demo user's password is photoshare-demo.
    """
    import psycopg

    from photoshare.media.factory import get_store
    from photoshare.services.seed import SeedError, SeedOptions, default_follows, seed

    follows = default_follows(users) if follows is None else follows
    opts = SeedOptions(users=users, posts=posts, likes=likes, follows=follows, comments=comments, tags=tags,
                       images=images,
                       random_seed=random_seed, reset=reset, progress=not quiet,
                       pull_threshold=current_app.config["FEED_PULL_THRESHOLD"])
    try:
        with psycopg.connect(current_app.config["DATABASE_URL"], autocommit=True) as conn:
            summary = seed(conn, get_store(), opts, log=click.echo)
    except SeedError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Seeded {summary.users} users, {summary.posts} posts, {summary.likes} likes, "
               f"{summary.follows} follows ({summary.pull_accounts} pull accounts, {summary.timeline} timeline rows), "
               f"{summary.comments} comments, {summary.hashtags} hashtags and {summary.objects} media objects "
               f"in {summary.seconds:.1f} s.")
