"""gunicorn settings for `make serve` (and the tests' live server).

PINGYI_BIND (127.0.0.1:8000) and PINGYI_WORKERS (2 × cores + 1) override the defaults.
Static files are served by WhiteNoise from PINGYI_HOME/static (compressed, cached forever),
or by nginx in front (deploy/nginx/pingyi.conf), which also buffers slow clients' requests:
sync workers must never wait on a client's network.
Logs are JSON lines on standard output/error (pingyi.logs), each with the request's id.
"""

import gc
import multiprocessing
import os

from pingyi.logs import logging_config

bind = os.environ.get("PINGYI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PINGYI_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
# Django is loaded once, in the master, before any worker starts: every worker (and every
# worker started again after max_requests) is a fork of a warm process, so it takes its first
# request at once and the workers share the loaded code's memory. No database connection or
# cache client is opened by loading and warming (on_starting closes any, to be sure): each
# worker opens its own.
preload_app = True
timeout = 60
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
# Access log: method, path and status only. No ballot token is ever in a URL (R11), and the
# address and user agent are not logged beside the time of a ballot request.
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
errorlog = "-"
loglevel = "warning"
logconfig_dict = logging_config()
forwarded_allow_ips = os.environ.get("PINGYI_TRUSTED_PROXIES", "")


def on_starting(server):  # type: ignore[no-untyped-def]
    """In the master, the application loaded (preload_app), before any worker starts: one
    secret key for all the workers, written to PINGYI_HOME/secret.key now if it is not there
    (pingyi.settings), else no start; then Django's lazy start-up (the URLconf, the public
    pages' templates, the catalogs), so that no reader waits for it — neither after the start
    nor after a worker is recycled (max_requests): each worker is forked warm."""
    from django.core.exceptions import ImproperlyConfigured

    from pingyi import settings

    try:
        settings.require_shared_key(server.cfg.workers)
    except ImproperlyConfigured as exc:
        raise SystemExit(f"pingyi: {exc}") from exc
    from django.core.cache import caches
    from django.db import connections

    from pingyi.web.warm import warm_up

    server.log.debug("warmed up in %.2f s", warm_up())
    # A connection or socket opened here would be shared by every forked worker.
    connections.close_all()
    caches.close_all()
    # What is loaded now lives as long as the server: the workers' garbage collections need
    # not walk it (shorter pauses under load) nor write to its pages (shared, not copied).
    gc.freeze()
