"""One settings module, driven by the environment (see .env.example)."""

import sys
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_key_bytes, env_secret, env_str
from config.logs import logging_config

# gunicorn's workers and threads, and the bound on the database connections they hold.
from config.serving import DB_MAX_WEB_CONNECTIONS, WEB_THREADS, WEB_WORKERS  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# The `shared` package's folder: BASE_DIR / "shared" in a checkout, site-packages/shared once installed
# with `pip install .` (the image), where BASE_DIR means nothing.
SHARED_DIR = Path(find_spec("shared").submodule_search_locations[0])

DEBUG = env_bool("DEBUG", False)
# Production is anything not in DEBUG: it refuses to start without its secrets.
PRODUCTION = not DEBUG

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"

# Wraps each school's data keys for clinical text at rest (shared/crypto.py): urlsafe base64 of 32
# random bytes. Without it in DEBUG, encrypting or decrypting refuses and names it.
MASTER_KEY = env_secret("MASTER_KEY")
if MASTER_KEY:
    env_key_bytes("MASTER_KEY", MASTER_KEY, size=32)
elif PRODUCTION:
    raise ImproperlyConfigured("MASTER_KEY (or MASTER_KEY_FILE) must be set when DEBUG is off")

_database_url = env_secret("DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL (or DATABASE_URL_FILE) must be set (make start and make test set it to an embedded server)"
    )
_redis_url = env_secret("REDIS_URL")
if not _redis_url:
    raise ImproperlyConfigured(
        "REDIS_URL (or REDIS_URL_FILE) must be set (make start and make test set it to an embedded server)"
    )
REDIS_URL = _redis_url

BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").strip().lower()
# The port schools and the district are reached on, for links printed and mailed (empty for 80/443).
PUBLIC_PORT = env_str("PUBLIC_PORT", "8000" if DEBUG else "")
PUBLIC_SCHEME = env_str("PUBLIC_SCHEME", "http" if DEBUG else "https")
DISTRICT_NAME = env_str("DISTRICT_NAME", "示范区教育局")

ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"]

SHARED_APPS = [
    "django_tenants",
    "district",
    "figures",
    "reporting",
    "library",
    "exchange",
    "notices",
    "directory",
    # Tasks recorded in the transaction of their work, sent again until done (outbox/services.py).
    "outbox",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "shared.accounts",
    "axes",
    # District admins and reviewers sign in with a second factor too: their devices live in public.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
# Accounts, sessions, tokens and sign-in throttling live in each school's own schema,
# so nothing of one school's people means anything at another.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.postgres",
    "shared.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework.authtoken",
    "tenants.workspace",
    "tenants.governance",
    "tenants.ledger",
    "tenants.resources",
    "tenants.team",
    "tenants.programs",
    "tenants.finance",
    "tenants.evaluation",
    "tenants.students",
    "tenants.care",
    "tenants.screening",
    "tenants.crisis",
    "tenants.counseling",
    "shared.keyring",
]
# Uploads: allowed kinds and the largest size accepted.
UPLOAD_ALLOWED_EXTENSIONS = [
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".txt",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
]
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "district.School"
TENANT_DOMAIN_MODEL = "district.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_school"
# migrate_schemas skips schools whose applied migrations already match the graph.
GET_EXECUTOR_FUNCTION = "district.provisioning.executor.get_executor"

MIDDLEWARE = [
    # /healthz, /readyz and /metrics, answered on any host before routing and sign-in (config/health.py).
    "config.health.OpsMiddleware",
    # The request id and school code in every log line (config/logs.py).
    "config.logs.RequestContextMiddleware",
    # Requests, latency and database queries per view (config/metrics.py).
    "config.metrics.MetricsMiddleware",
    "shared.tenancy.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shared.language.ChosenLanguageMiddleware",
    "shared.display_time.DisplayTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shared.accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SHARED_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shared.tenancy.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Connections are kept per thread for DB_CONN_MAX_AGE seconds, and checked before reuse. The web server
# has a fixed number of threads (config.serving), so at most WEB_WORKERS × WEB_THREADS connections,
# never more than DB_MAX_WEB_CONNECTIONS.
_db = dj_database_url.parse(
    _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
)
# django-tenants sets search_path per request; a pooled connection would keep the last one.
_db["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES = {"default": _db}
# Issue `SET search_path` once per schema switch, not before every query (it was half the queries of
# the figures aggregation). Safe here: nothing in the project sets search_path behind django-tenants'
# back (the replayed template DDL has its SET lines stripped), and the backend forgets the path it
# set on close, rollback and savepoint rollback, which undo a SET.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Per-school keys: django-tenants prefixes each key with the current schema.
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "xinyu"),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    },
    # Host -> school routing, read before any schema is chosen.
    "routing": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "xinyu") + "-routing",
        "TIMEOUT": 3600,
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
# The issuer shown in authenticator apps next to the account name.
OTP_TOTP_ISSUER = "心育"
LOGOUT_REDIRECT_URL = "accounts:login"
# The one-time link that sets a new account's first password is valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Sign-in throttling. Attempts are stored in the schema of the site signed in to: per school.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

# Sessions and cookies: host-only (no Domain attribute), so a cookie from one school is never
# sent to another. Over HTTPS the __Host- prefix makes browsers enforce that.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
HTTPS = env_bool("HTTPS", PRODUCTION)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # TLS ends at the reverse proxy, which also redirects http to https.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# A checkout's locale/, or the copy `pip install .` puts under the environment's share/ (pyproject's
# data-files).
LOCALE_PATHS = [
    path for path in (BASE_DIR / "locale", Path(sys.prefix) / "share" / "xinyu" / "locale") if path.is_dir()
]
USE_I18N = True
# Store and compute in UTC; pages show Asia/Shanghai.
TIME_ZONE = "UTC"
DISPLAY_TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target: the image collects at build time into /app/staticfiles.
STATIC_ROOT = Path(env_str("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [SHARED_DIR / "static"]
# Serve straight from the app and shared folders too, so a fresh clone needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))

EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"noreply@{BASE_DOMAIN}")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable HTML view draws forms whose dropdowns list every object a related
    # field could point at, whatever the caller may see. /api/docs/ (Swagger UI) has its own renderer.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "心育 API",
    "DESCRIPTION": "学校心理健康教育工作平台 API。令牌放在 Authorization: Token <key> 头中。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openapi.add_error_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Celery: one app (config.celery). Tasks carry IDs only and are sent after commit.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "xinyu")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took but never acknowledged (the worker was killed) goes back to the queue once it
# is older than the visibility timeout; each worker looks for such messages every restore interval.
# The timeout must be longer than the longest task (or the task would run twice at once), and every
# task must be idempotent anyway: acks_late means at least once. Redis must keep its data across a
# restart (appendonly, see deploy/compose.yaml), or the queue is lost with it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
    # Scan at every interval (kombu's default scans every 10th).
    "unacked_restore_throttle": 1,
}

# The producer rides through a short broker outage (a Redis restart) before giving up; a task sent
# through the outbox is sent again anyway, OUTBOX_RESEND_AFTER seconds after its last send if it is
# not done by then (longer than a task usually waits in the queue, or it is merely sent twice).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 10,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
OUTBOX_RESEND_AFTER = env_int("OUTBOX_RESEND_AFTER", 900)

# Schools are built from a template schema's DDL, or taken ready from a pool.
SCHOOL_TEMPLATE_SCHEMA = "xinyu_template"
SCHOOL_POOL_SIZE = env_int("SCHOOL_POOL_SIZE", 0)
# Scale-out on Citus (deploy/scale-out.md): DATABASE_URL points at the coordinator; public tables that
# school tables reference become reference tables, and each new school's schema is distributed when it
# is created (district/provisioning/citus.py). The pool is not used in this mode.
CITUS = env_bool("CITUS", False)

# District figures (privacy.md): a non-zero count of students below k is withheld. k is never
# below 5, whatever the environment says; rounding to base 5 is applied after suppression.
DISCLOSURE_K = max(5, env_int("DISCLOSURE_K", 10))
DISCLOSURE_ROUND_TO_5 = env_bool("DISCLOSURE_ROUND_TO_5", False)
# District figures need at least this many contributing schools.
DISCLOSURE_MIN_SCHOOLS = 3
# A school sees the district's median and quartiles beside its own figure only from this many
# schools: with three, the school's own figure, the median and the quartiles give the other two.
SCHOOL_COMPARISON_MIN_SCHOOLS = 5
# The grades the annual screening targets (upper primary, junior and senior secondary).
SCREENING_TARGET_GRADES = tuple(range(4, 13))

SENTRY_DSN = env_str("SENTRY_DSN", "")

# Logs: "json" (one object per line, with request id and school code, exceptions without their
# messages) or "plain". JSON by default in production (config/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
# The worker logs through LOGGING too, rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# /readyz: how long each check (database, Redis, a Celery worker's ping) may take, in seconds.
READYZ_TIMEOUT = env_int("READYZ_TIMEOUT_MS", 2000) / 1000
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; empty turns it off (404).
METRICS_TOKEN = env_secret("METRICS_TOKEN") or ""

if SENTRY_DSN:
    from config.sentry import init_sentry

    init_sentry(SENTRY_DSN)
