"""gunicorn settings for machikoe: `gunicorn -c gunicorn.conf.py 'workshop:create_app()'`.

Every value can be changed through the environment, so one file serves every server.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# the usual 2 × cores + 1, capped: each worker holds a database connection pool and the
# Janome dictionary, and PostgreSQL's connection limit is shared by every app server
workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
# loopback only by default: the reverse proxy (nginx, the load balancer) faces the network
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# threads: a live board page (workshop/live, Server-Sent Events) holds its connection for
# minutes; under "sync" each one would take a whole worker and starve the posts. With
# "gthread" a stream takes one thread, idle between its version reads (every 0.5 s, or a
# Redis message). Threads per worker: enough for a hall of open live pages spread over the
# workers plus the posts; SQLite and SQLAlchemy sessions are per request (scoped), as before.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = env_int("GUNICORN_THREADS", 256)
# of those threads, REQUEST_SLOTS (8) at a time run ordinary requests (workshop/slots.py);
# the others wait before they start, holding no connection: streams never take a slot
# on PostgreSQL the threads of a worker share its pool of DATABASE_POOL_SIZE (10) connections
# plus DATABASE_MAX_OVERFLOW (10) more at a time (workshop/config.py); a stream holds one only
# while it reads. workers × (size + overflow) over all servers < PostgreSQL's max_connections
# a gthread worker accepts up to this many connections and queues them for its threads: above
# `threads`, a post could wait behind streams holding every thread (seen in bench/board_load.py
# with 100 threads and 1000 connections); at `threads`, a full worker leaves it to the others
worker_connections = env_int("GUNICORN_WORKER_CONNECTIONS", threads)
# a worker silent longer than this is killed and restarted (under gthread a long stream does
# not count, the worker's main loop answers); exports of many comments are the slowest pages,
# theme analysis runs in the background worker
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# behind a proxy that keeps connections open to the app servers
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# restart each worker after this many requests (jitter: not all at once) to bound memory growth
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# the app is built once, in the master, and every worker starts as a fork of it: a worker
# restarted after max_requests (or killed) serves again at once, where building the app
# afresh took a core for over 2 s (mostly importing the NLP libraries), and the workers share
# the memory of what was loaded. Under a peak of comments, with restarts every 2000 requests,
# those rebuilds took a fifth to a quarter of the throughput (bench/load.py --recycle). Set
# GUNICORN_PRELOAD=0 to build the app in each worker (then HUP reloads new code; with preload,
# restart the master to deploy new code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip() != "0"
# gunicorn believes X-Forwarded-Proto only from these addresses; the app's own ProxyFix
# (PROXY_FIX_X_* settings) decides which X-Forwarded-* headers Flask trusts
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# "-" is standard output, which systemd and container runtimes collect
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# the path without the query string: staff searches (?q=) may hold residents' names
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def post_fork(server: Any, worker: Any) -> None:
    """A worker forked from the loaded app opens its own database connections: a connection
    crossing a fork would be shared by two processes. Building the app opens none; this keeps
    it so whatever the master did."""
    if not server.cfg.preload_app:
        return
    app = server.app.wsgi()
    database = app.extensions.get("sqlalchemy")  # Flask-SQLAlchemy's, if the app has it
    if database is not None:
        with app.app_context():
            for engine in database.engines.values():
                engine.dispose(close=False)
