"""gunicorn's settings for the `web` process (Procfile): `gunicorn -c gunicorn.conf.py tntproject.wsgi:application`.

On SIGTERM the master stops accepting, and each worker finishes the requests it holds for up to
`graceful_timeout` seconds before it is killed; a request never runs longer than `timeout` anyway,
so a stop that waits `graceful_timeout` drops nothing. Give the platform's own stop timeout (the
wait between SIGTERM and SIGKILL) a few seconds more than `graceful_timeout`. docs/operations.md
says how to deploy without dropping a request. The process's settings come from the environment
like the app's: PORT, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request slower than this is cut (the worker restarted): the longest view is a 20 MB print upload.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# How long a stopping worker may finish what it holds: at least `timeout`, so no request is cut short.
graceful_timeout = max(timeout, int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30")))
# Idle keep-alive connections of the proxy in front are closed quickly on a stop.
keepalive = 5
# Workers are replaced now and then (and never all at once), which bounds a slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The app logs its own structured access line (core.middleware.AccessLogMiddleware).
accesslog = None
errorlog = "-"
# Workers load the app after the fork: each opens its own database and Redis connections.
preload_app = False
