"""Gunicorn's configuration for `adminduk serve` (read with --config python:adminduk.ops.gunicorn_conf).

`adminduk serve` sets the ADMINDUK_SERVE_* variables below from its options, then execs gunicorn
with this module; nothing else should need to change it. Signals (gunicorn's own):
TERM stops gracefully (each worker finishes its request, at most ADMINDUK_SERVE_GRACEFUL_TIMEOUT
seconds), HUP reloads the code with new workers while the old ones finish theirs, INT/QUIT stop
at once. A sync push is acknowledged only after its commit, so a worker stopped mid-request
leaves the node to send the batch again and the central to recognise what it stored."""

import ctypes
import os
import signal

from adminduk.core.files import UMASK

bind = os.environ.get("ADMINDUK_SERVE_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("ADMINDUK_SERVE_WORKERS", "3"))
threads = int(os.environ.get("ADMINDUK_SERVE_THREADS", "4"))
# Threads per worker: a request that waits (a browser's idle pre-opened connection, an SMS
# gateway answering a sign-in code slowly, SQLite's lock on a node) holds a thread, not a whole
# process. A PostgreSQL central behind nginx (which buffers clients) may set 1, gunicorn's sync
# worker: adminduk's pages are Python CPU work, and threads of one worker take turns at the
# interpreter lock; with 200 operators at 4 times a busy operator's pace on 2 cores, sync workers
# answered with p95 178 ms for reads and 269 ms for writes, against 196 and 337 ms with 4 threads
# (bench/load.py --threads 1 --think 1-4; the same 100 requests a second). Then a request
# waiting on the SMS gateway holds one of 2 x cores + 1 workers.
worker_class = "gthread" if threads > 1 else "sync"
# A node's push on a slow link may take two minutes (sync.client.TIMEOUT).
timeout = int(os.environ.get("ADMINDUK_SERVE_TIMEOUT", "150"))
graceful_timeout = int(os.environ.get("ADMINDUK_SERVE_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker after this many requests (with jitter), bounding any slow leak.
max_requests = int(os.environ.get("ADMINDUK_SERVE_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
umask = UMASK
accesslog = os.environ.get("ADMINDUK_SERVE_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("ADMINDUK_LOG_LEVEL", "info").lower()
proc_name = os.environ.get("ADMINDUK_SERVE_NAME", "adminduk")
# nginx in front sets X-Forwarded-*; Django decides what to trust (ADMINDUK_BEHIND_PROXY).
forwarded_allow_ips = "127.0.0.1,::1"
control_socket_disable = True

PR_SET_PDEATHSIG = 1


def post_fork(server, worker):
    """A worker ends with its master even when the master is killed outright (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def child_exit(server, worker):
    """Prometheus counters of a worker that ended stay in the totals; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
