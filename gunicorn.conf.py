"""Gunicorn settings for capintra (`make run` uses this file).

Environment:
    CAPINTRA_BIND     address to listen on, default 127.0.0.1:5000
    CAPINTRA_WORKERS  number of worker processes, default 2
"""

import gc
import os

bind = os.environ.get("CAPINTRA_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("CAPINTRA_WORKERS", "2"))
worker_class = "sync"
timeout = 60
graceful_timeout = 20

# Access log on stdout, error log on stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CAPINTRA_LOG_LEVEL", "info")
# Path only (%(U)s): never the request line (%(r)s) nor the query string (%(q)s), which
# may carry searched names; no referer nor user agent either.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# Don't let a proxy-forwarded address masquerade unless configured.
forwarded_allow_ips = os.environ.get("CAPINTRA_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Gunicorn >= 27 opens a control socket in ~/.gunicorn/ by default; two servers on one
# machine (make run beside make bench) would share it. Older versions ignore this name.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """The worker has loaded the application (its modules, mappers, configuration): those
    objects live as long as the worker, so the cyclic garbage collector stops walking
    them at each of its full passes (gc.freeze). A report that reads thousands of rows
    spent two fifths of its reading time in those passes (SQLite, 50,000 files: the
    final relocations' figures 250 → 165 ms)."""
    gc.freeze()
