"""Running the worker: procrastinate's, on a connector made for this run, with the Flask app at hand."""

import asyncio

import procrastinate
from flask import Flask

from photoshare.jobs.queue import queue


def run_worker(flask_app: Flask, *, wait: bool = True, concurrency: int | None = None, name: str = "worker") -> None:
    """Run jobs until stopped (SIGINT or SIGTERM: the running jobs finish first), or with wait=False
    until the queue is empty. Tasks use the app's connection pool; procrastinate keeps its own few
    connections (fetching, heartbeats, LISTEN for new jobs, so a job starts as soon as it commits)."""
    config = flask_app.config
    concurrency = concurrency or config["WORKER_CONCURRENCY"]
    connector = procrastinate.PsycopgConnector(conninfo=config["DATABASE_URL"], min_size=1, max_size=2 + concurrency)

    async def run() -> None:
        with queue.replace_connector(connector):
            async with queue.open_async():
                await queue.run_worker_async(
                    name=name, wait=wait, concurrency=concurrency,
                    # Done jobs go; failed ones stay in procrastinate_jobs for a look in psql.
                    delete_jobs="successful",
                    additional_context={"flask_app": flask_app},
                    update_heartbeat_interval=config["WORKER_HEARTBEAT_SECONDS"],
                    stalled_worker_timeout=config["WORKER_STALLED_SECONDS"],
                    # A worker run inside another program (a test) leaves its signals alone.
                    install_signal_handlers=wait,
                )

    asyncio.run(run())
