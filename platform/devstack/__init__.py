"""Local development stack: embedded PostgreSQL and Redis when no servers are configured, and a
supervisor for the web server, the Celery worker and beat. Used by `make start` and `make test`."""
