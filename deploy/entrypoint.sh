#!/bin/sh
# The image's commands (deploy/Dockerfile):
#   web                 gunicorn with config/serving.py (WEB_WORKERS × WEB_THREADS), on $PORT
#   worker [args...]    a Celery worker on $CELERY_QUEUE (default xinyu)
#   beat                Celery beat (run exactly one)
#   migrate             manage.py migrate_platform: public schema, schools that are behind, the template, the pool
#   manage CMD [args]   any manage.py command (django-admin with the platform's settings)
#   anything else       run as given
set -eu

# Prometheus' per-process files start empty with each container (config/metrics.py).
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
    web)
        exec gunicorn -c python:config.serving --bind "0.0.0.0:${PORT:-8000}" "$@"
        ;;
    worker)
        exec celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" -Q "${CELERY_QUEUE:-xinyu}" "$@"
        ;;
    beat)
        exec celery -A config beat --loglevel "${LOG_LEVEL:-INFO}" --schedule /tmp/celerybeat-schedule "$@"
        ;;
    migrate)
        exec django-admin migrate_platform "$@"
        ;;
    manage)
        exec django-admin "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
