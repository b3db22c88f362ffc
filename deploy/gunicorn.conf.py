"""gunicorn for production, behind deploy/nginx.conf:  gunicorn -c deploy/gunicorn.conf.py wsgi:app

Sync workers, each serving one request at a time: nginx reads every request whole and takes every
response whole before a worker sees it, so a slow client never holds a worker (README, "Running in
production"). Memory per worker is bounded too: one decode at a time of at most MAX_DECODE_MB.
"""

import multiprocessing
import os

import gunicorn.http.wsgi

# Only nginx, on this host, talks to gunicorn.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer than this is killed (nginx waits 60 s: proxy_read_timeout).
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests: what an image library's allocator holds on to
# is given back to the system now and then.
max_requests = 2000
max_requests_jitter = 200

# gunicorn sends "Server: gunicorn" with every response and drops a Server header set by the app;
# it has no setting for it, but reads this module attribute for each response. Behind nginx the
# header is nginx's own (server_tokens off: no version); this covers a request that reaches
# gunicorn directly (a health check, say).
gunicorn.http.wsgi.SERVER = "photoshare"
