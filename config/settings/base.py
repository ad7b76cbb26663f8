"""Settings shared by every environment; values that differ come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "estates",
    "committees",
    "disclosures",
    # Filings before votes: a vote opens on an accepted filing (and the demo seeds them so).
    "disclosures.filings",
    "disclosures.votes",
    "disclosures.notices",
    "cms",
    # Before django_tasks_db: its db_worker command adds the worker heartbeat.
    "common.ops",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",
    "django_tasks_db",
    "guardian",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Before the page cache: every response, a cached one too, carries its request id
    # and is counted in the metrics (common.ops.middleware).
    "common.ops.middleware.RequestIdMiddleware",
    # /healthz, /readyz, /metrics: answered before anything that needs the database.
    "common.ops.middleware.OpsEndpointsMiddleware",
    # Anonymous public reads may go to the read replica (common.db_router).
    "common.db_router.ReplicaRoutingMiddleware",
    # A cached public page is replayed before any other work (cms.caching).
    "cms.caching.PortalCacheMiddleware",
    # Wagtail's site for the host from a per-process table, not a query per request.
    "cms.sites.SiteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL character in the path, query or JSON body is refused (PostgreSQL cannot hold it).
    "common.security.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The default database is a SQLite file under var/; PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request reuses it, so a database restart
        # costs the requests that were running, not one failure per worker afterwards.
        conn_health_checks=True,
    )
}
# DATABASE_REPLICA_URL: a streaming replica of the default database; anonymous public
# reads go there, everything else to the primary (common.db_router).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES.update(
        replica={
            **dj_database_url.parse(
                os.environ["DATABASE_REPLICA_URL"],
                conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
                conn_health_checks=True,
            ),
            # Tests read the replica through the default test database.
            "TEST": {"MIRROR": "default"},
        }
    )
READ_REPLICA = "replica" in DATABASES
DATABASE_ROUTERS = ["common.db_router.ReplicaRouter"]
# Seconds a replica found unreachable is left alone before it is tried again.
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "5"))
# Seconds after a registry change during which public pages are read from the primary,
# so no page is built (and cached) from a replica that has not replayed it yet.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # wagtailsearch's index uses SearchVectorField/GinIndex (STACK.md §3).
    INSTALLED_APPS.append("django.contrib.postgres")
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Every transaction takes the write lock when it begins, so a second writer
            # waits for the first to commit and then reads its result (e.g. two answers
            # to one review: one wins, the other gets the workflow's refusal) instead of
            # failing mid-transaction with "database is locked".
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the lock before giving up.
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses an account or address locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_GET_CONTENT_TYPE = "common.guardian_ct.get_content_type"
GUARDIAN_RAISE_403 = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's catalogues first (makemessages writes there); then our translations of
# Our own catalogue first (makemessages writes there), then our Chinese for Wagtail's,
# Django's and django-axes' strings that ship without it (locale/upstream: no source file
# lives beside it, so makemessages never rewrites it).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "upstream"]
# The login form's password field carries a Chinese label (Wagtail's has none).
WAGTAILADMIN_USER_LOGIN_FORM = "common.login_form.LoginForm"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Both default under var/; on several app servers MEDIA_ROOT is storage they share and
# STATIC_ROOT the directory the web server serves (docs/deploy.md).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Private uploads (registry sheets, nomination papers, archives, evidence, ballots) live
# outside MEDIA_ROOT with no URL; they are read only through views that check their record
# (common.files). The default storage keeps Wagtail's documents there too.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "common.files.MediaStorage"},
    "private": {"BACKEND": "common.files.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# CACHE_BACKEND: "locmem" (one process), "file" (shared by all workers on one host,
# so a change drops the cached page everywhere), "redis" (shared by every host, at
# REDIS_URL) or "dummy" (no caching).
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "locmem")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# After a failed Redis operation, each process leaves Redis alone this long (common.cache).
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "1"))
_CACHE_BACKENDS = {
    # Redis down or slow: the cache answers as empty and pages are served uncached
    # (common.cache), never a 500.
    "redis": {
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "governance"),
        "OPTIONS": {
            "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
        },
    },
    "locmem": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "governance",
    },
    "file": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
    },
    "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
CACHES = {
    "default": _CACHE_BACKENDS[CACHE_BACKEND],
    # Wagtail keeps image renditions here, so a page with a photo costs no extra query.
    "renditions": _CACHE_BACKENDS[CACHE_BACKEND],
}
# Whole public pages are cached this long for anonymous visitors (0 turns it off); any
# registry change drops them at once (cms.caching).
PORTAL_CACHE_SECONDS = int(os.environ.get("PORTAL_CACHE_SECONDS", "600"))
# The data behind public pages (cms.fragments) is kept this long, also for signed-in
# visitors and whatever the page cache does; any registry change drops it at once.
PORTAL_DATA_CACHE_SECONDS = int(os.environ.get("PORTAL_DATA_CACHE_SECONDS", "600"))
# Its mtime is the cache generation shared by all worker processes of a host. With the
# shared Redis cache the generation lives in the cache, seen by every host at once.
PORTAL_GENERATION_FILE = os.environ.get(
    "PORTAL_GENERATION_FILE",
    None if CACHE_BACKEND == "redis" else str(VAR_DIR / "portal-generation"),
)
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Registry imports larger than this are refused before parsing.
REGISTRY_IMPORT_MAX_BYTES = int(os.environ.get("REGISTRY_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Days an uploaded registry sheet (ID numbers, phones) is kept after its import ends,
# successful or not; 0 deletes it at once.
REGISTRY_SHEET_RETENTION_DAYS = int(os.environ.get("REGISTRY_SHEET_RETENTION_DAYS", "0"))
# A started registry import with no progress for this long is failed (its worker died).
REGISTRY_IMPORT_STALL_MINUTES = int(os.environ.get("REGISTRY_IMPORT_STALL_MINUTES", "30"))

WAGTAIL_SITE_NAME = "物业治理"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Images above this many pixels (width × height × frames) are refused at every upload,
# the account avatar included (common.images): decoding one takes ~4 bytes a pixel.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 40_000_000))
# Documents are private papers: streamed by Wagtail's view after its before_serve_document
# hooks (common.files.document_serve_check), never a redirect to a file URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
}

LOGIN_URL = "wagtailadmin_login"

# Failed logins (admin form and the API's basic auth) are counted per account and per
# address (django-axes); either reaching the limit within the cool-off locks it for the
# cool-off. A success does not reset the count: axes would clear the whole address's
# failures, so anyone with an account could keep guessing others' passwords.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # no django.contrib.admin: the attempts are in the database
AXES_LOCKOUT_CALLABLE = "common.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.security.client_ip"
AXES_COOLOFF_MESSAGE = _("登录失败次数过多，已暂时锁定，请稍后再试。")
AXES_PERMALOCK_MESSAGE = _("登录失败次数过多，已锁定，请联系平台管理员解锁。")
# Behind a reverse proxy that appends the client's address to X-Forwarded-For: how many
# proxies to count from the right (0: the connecting address is the client's).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))


# Background tasks (django.tasks, and Wagtail's through the django_tasks backport: both
# read TASKS). TASKS_BACKEND "immediate" runs a task inside the request that queues it;
# "database" queues it in the database for `manage.py db_worker` (django-tasks-db).
def tasks_setting(backend: str) -> dict | None:
    if backend == "database":
        return {
            "default": {
                "BACKEND": "common.ops.tasks_backend.DatabaseBackend",
                "QUEUES": ["default"],
            }
        }
    if backend == "immediate":
        return None  # unset: each framework's own immediate backend
    raise ValueError(f"TASKS_BACKEND must be 'immediate' or 'database', not {backend!r}")


TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if (_tasks := tasks_setting(TASKS_BACKEND)) is not None:
    TASKS = _tasks
# The worker records a heartbeat this often; /readyz counts it gone after the stale limit.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_HEARTBEAT_STALE_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "30"))
# A registry import that failed for a fault (not its content) keeps its sheet this long,
# so staff can run it again without uploading it anew.
REGISTRY_IMPORT_RETRY_HOURS = float(os.environ.get("REGISTRY_IMPORT_RETRY_HOURS", "24"))

# Addresses that may read /metrics and the details of /readyz without signing in (after
# TRUSTED_PROXY_COUNT is applied); superusers may read them from anywhere.
OPS_LOCAL_ADDRESSES = [
    a.strip() for a in os.environ.get("OPS_LOCAL_ADDRESSES", "127.0.0.1,::1").split(",") if a
]

# Logs: one JSON object a line on stderr with the request id (LOG_FORMAT=json), or text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "common.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request (method, path, status, time, request id) at INFO.
        "ops.requests": {"level": os.environ.get("REQUEST_LOG_LEVEL", "WARNING")},
    },
}
