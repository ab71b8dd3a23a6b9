"""How the web server runs: gunicorn's settings (`gunicorn -c python:config.serving`), read from the
same environment as Django's, and the bound on the database connections it holds.

gunicorn runs WEB_WORKERS processes of WEB_THREADS threads each (the gthread worker). Threads live as
long as their process, and each keeps one database connection open for DB_CONN_MAX_AGE seconds, so
the web server holds at most WEB_WORKERS × WEB_THREADS connections to PostgreSQL, however many
requests arrive (the rest wait in the listen queue). That product may not exceed
DB_MAX_WEB_CONNECTIONS, which should leave room under PostgreSQL's max_connections (100 by default)
for the Celery worker (one connection per worker process) and for migrations and shells.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int

WEB_WORKERS = env_int("WEB_WORKERS", 2)
WEB_THREADS = env_int("WEB_THREADS", 4)
DB_MAX_WEB_CONNECTIONS = env_int("DB_MAX_WEB_CONNECTIONS", 24)

if WEB_WORKERS < 1 or WEB_THREADS < 1:
    raise ImproperlyConfigured("WEB_WORKERS and WEB_THREADS must be at least 1")
if WEB_WORKERS * WEB_THREADS > DB_MAX_WEB_CONNECTIONS:
    raise ImproperlyConfigured(
        f"WEB_WORKERS × WEB_THREADS ({WEB_WORKERS} × {WEB_THREADS}) would hold more database connections "
        f"than DB_MAX_WEB_CONNECTIONS ({DB_MAX_WEB_CONNECTIONS})"
    )

# What gunicorn reads from this module.
wsgi_app = "config.wsgi:application"
worker_class = "gthread"
workers = WEB_WORKERS
threads = WEB_THREADS
# Ctrl-C in `make start`: finish the requests in flight for at most this long, then stop.
graceful_timeout = 10
timeout = 120
# No access log: paths carry one-time link tokens.
accesslog = None
# No control socket (gunicorn ≥ 23 puts one in the home folder, shared by every server on the machine).
control_socket_disable = True
