"""Settings read from the environment, with embedded defaults that need no server.

SQLite under var/, kombu's filesystem transport as the Celery broker and a local-memory cache
by default; DATABASE_URL, CELERY_BROKER_URL and CACHE_URL point the same code at PostgreSQL and
Redis. A bad value fails at start-up with a message naming the variable.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("CQPM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


T = TypeVar("T")


def _env(reader: Callable[..., T], name: str, **kwargs: Any) -> T:
    try:
        return reader(name, **kwargs)
    except (ValueError, ImproperlyConfigured, KeyError) as exc:
        raise ImproperlyConfigured(f"Variable d'environnement {name} invalide : {exc}") from exc


def _strict_bool(name: str, *, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on", "oui", "vrai"}:
        return True
    if raw in {"0", "false", "no", "off", "non", "faux"}:
        return False
    raise ValueError(f"{raw!r} n'est pas un booléen (true/false)")


DEBUG = _env(_strict_bool, "DEBUG", default=True)
SECRET_KEY = _env(env.str, "SECRET_KEY", default="dev-only-insecure-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = _env(env.list, "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = _env(env.list, "CSRF_TRUSTED_ORIGINS", default=[])


def trusted_proxies(raw: list[str]) -> list[str]:
    """The reverse proxies whose X-Forwarded-For and X-Request-ID are believed (addresses or
    CIDR networks); empty: no header is believed and the client is REMOTE_ADDR."""
    import ipaddress

    for item in raw:
        try:
            ipaddress.ip_network(item.strip(), strict=False)
        except ValueError as exc:
            raise ValueError(f"{item!r} n'est ni une adresse IP ni un réseau CIDR") from exc
    return [item.strip() for item in raw]


TRUSTED_PROXIES = _env(
    lambda name, **kw: trusted_proxies(env.list(name, **kw)), "TRUSTED_PROXIES", default=[]
)


def site_url(raw: str, *, allowed_hosts: list[str] | None, https: bool) -> str:
    """The one base of every absolute link (e-mails, QR codes): scheme and host, no path.

    Refused at start-up when it is not an absolute http(s) URL, when its host is not served
    (ALLOWED_HOSTS), or, in production, when it is not https."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"SITE_URL doit être une adresse absolue (https://hôte[:port]) : {raw!r}"
        )
    if https and parts.scheme != "https":
        raise ImproperlyConfigured(f"SITE_URL doit commencer par https:// en production : {raw!r}")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"SITE_URL ne doit contenir ni chemin ni paramètre : {raw!r}")
    if allowed_hosts is not None and not validate_host(parts.hostname, allowed_hosts):
        raise ImproperlyConfigured(
            f"L'hôte de SITE_URL ({parts.hostname}) n'est pas dans ALLOWED_HOSTS."
        )
    return f"{parts.scheme}://{parts.netloc}"


# Development checks the shape only; production (cqpm.settings.production) checks the host too.
SITE_URL = site_url(
    _env(env.str, "SITE_URL", default="http://127.0.0.1:8000"), allowed_hosts=None, https=False
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "pgtrigger",
    "cqpm.core",
    "accounts",
    "referentials",
    "candidates",
    "evaluations",
    "deliberations",
    "documents",
    "credentials",
    "privacy",
    "transmissions",
    "webhooks",
    # The branch's view (issue 21): statistics over every centre and the packs it receives.
    "stats",
    # The candidate's own space (issue 24): reads the later apps' work for the person.
    "portal",
    # Holders deposited with the Caisse des Dépôts (issue 23): the XML flux and what it answered.
    "cdc",
    # Who may do what (issue 25): the actions and one function per role.
    "access",
    # The REST API (issue 13): last, it reads every domain app and nothing imports it.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "cqpm.core.health.LivenessMiddleware",  # /healthz before the host check and https redirect
    "cqpm.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cqpm.core.queueing.DeferredWorkMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "cqpm.core.outage.OutageMiddleware",  # Redis down inside a view: a French 503, not a 500
]

ROOT_URLCONF = "cqpm.urls"
WSGI_APPLICATION = "cqpm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cqpm.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": _env(env.db, "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured(
        "Variable d'environnement DATABASE_URL invalide : attendu postgres://… ou sqlite:///…"
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the Celery worker read while the other writes (synchronous
    # NORMAL is WAL's safe setting: no fsync per commit); IMMEDIATE transactions take the write
    # lock up front instead of failing half-way; a writer waits up to 20 s for another.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _env(env.int, "CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": _env(env.cache_url, "CACHE_URL", default="locmemcache://cqpm")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # An unreachable Redis must fail fast (rate limits fail open, pages answer 503), not hang.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Candidates sign in by a code e-mailed to them (portal app): no password to remember. Only an
# existing account gets a code (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS below), sign-up stays closed
# (AccountAdapter), three tries per code, valid 15 minutes, rate limited below.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 900
# Per client address (cqpm.core.clientip, through AccountAdapter.get_client_ip) and per account
# (the e-mail address); the counters live in the cache, Redis in production.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/15m/key",
}
# A reset asked for an unknown address sends nothing (the default mail invites to sign up,
# and sign-up is closed).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CQPM] "
# A signature of the minutes needs a two-factor confirmation this recent (seconds), the same
# window allauth gives its reauthentication.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CQPM campagnes"
# Kept apart from SECRET_KEY: rotating one must not expose the other (see NOTES.md).
MFA_ENCRYPTION_KEY = _env(env.str, "MFA_ENCRYPTION_KEY", default="")
# Idle sessions of staff and jury members end after this many seconds.
CQPM_SENSITIVE_IDLE_TIMEOUT = _env(env.int, "CQPM_SENSITIVE_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = _env(env.int, "SESSION_COOKIE_AGE", default=12 * 3600)

# --- I18N ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(_env(env.str, "STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploaded reports and generated documents: outside static files, served only through views.
MEDIA_ROOT = Path(_env(env.str, "MEDIA_ROOT", default=str(VAR_DIR / "media")))


def file_storages(*, bucket: str, endpoint_url: str = "", **options: Any) -> dict[str, Any]:
    """STORAGES["default"]: MEDIA_ROOT on this host, or the S3-compatible bucket when one is
    named (several hosts then share it)."""
    if not bucket:
        return {"BACKEND": "cqpm.core.storage.FileSystemStorage"}
    s3 = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        # MinIO and most non-AWS servers answer on one host name: path-style URLs.
        "addressing_style": "path" if endpoint_url else None,
        "default_acl": None,  # the bucket's own policy: private
        "file_overwrite": False,  # two uploads of "rapport.pdf" get two names, as on disk
        "max_memory_size": 5 * 1024 * 1024,  # larger downloads spool to a temporary file
    }
    return {"BACKEND": "cqpm.core.storage_s3.S3Storage", "OPTIONS": {**s3, **options}}


STORAGES = {
    "default": file_storages(
        bucket=_env(env.str, "AWS_STORAGE_BUCKET_NAME", default=""),
        endpoint_url=_env(env.str, "AWS_S3_ENDPOINT_URL", default=""),
        region_name=_env(env.str, "AWS_S3_REGION_NAME", default="") or None,
        location=_env(env.str, "AWS_LOCATION", default=""),
        # Empty: boto3 looks further (its config files, the host's role).
        access_key=_env(env.str, "AWS_ACCESS_KEY_ID", default="") or None,
        secret_key=_env(env.str, "AWS_SECRET_ACCESS_KEY", default="") or None,
    ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
REPORT_MAX_BYTES = _env(env.int, "REPORT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- REST API (api app, /api/v1/) ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # CSRF enforced
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.CqpmAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
}
# Requests per token (or per signed-in person) and per minute, e.g. "600/min".
CQPM_API_THROTTLE_RATE = _env(env.str, "CQPM_API_THROTTLE_RATE", default="600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "API Campagnes CQPM",
    "DESCRIPTION": (
        "API REST des campagnes de certification CQPM : référentiels, campagnes, candidats et "
        "inscriptions, dossiers et preuves, résultats, décisions du jury, documents et "
        "historique. Authentification par jeton : `Authorization: Bearer <jeton>` (page "
        "« Jetons d'API » de votre compte). Pagination par curseur (`next`), synchronisation "
        "incrémentale par `updated_since` (ISO 8601). Erreurs en JSON, messages en français."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReferentialStatusEnum": "referentials.models.ReferentialStatus",
        "CampaignStatusEnum": "candidates.models.CampaignStatus",
        "RegistrationStageEnum": "candidates.models.RegistrationStage",
        "DossierStatusEnum": "evaluations.models.EvaluationDossierStatus",
        "OpinionStatusEnum": "evaluations.models.CompanyOpinionStatus",
        "ResultSheetStatusEnum": "deliberations.models.ResultSheetStatus",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = _env(env.email_url, "EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = _env(
    env.str, "DEFAULT_FROM_EMAIL", default="CQPM <ne-pas-repondre@cqpm.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = _env(env.str, "CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in {"filesystem", "redis", "rediss", "memory"}:
    raise ImproperlyConfigured(
        "Variable d'environnement CELERY_BROKER_URL invalide : attendu redis://… ou filesystem://"
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    # Far above the hard time limit so a late-acked task is never delivered twice while it runs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB: a safety net, not the cure for leaks
CELERY_TASK_ALWAYS_EAGER = _env(_strict_bool, "CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Daily reminders to respondents whose company opinion is due within 7 days or late.
    "opinion-reminders": {
        "task": "evaluations.tasks.send_opinion_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Documents the queue lost (broker down at commit, worker killed) are queued again, and
    # archives left behind are rebuilt: nothing stays "queued" or "running" for ever.
    # Daily: purge what a retention report listed CQPM_RETENTION_NOTICE_DAYS ago (if still due),
    # then write today's report for staff to read.
    "privacy-retention": {
        "task": "privacy.tasks.run_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    # The outbox (cqpm.core.mail): mail its after-commit delivery could not send, sent again.
    "mail-flush": {
        "task": "cqpm.core.tasks.send_pending_mail",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "documents-requeue": {
        "task": "documents.tasks.requeue_documents",
        "schedule": 60.0,
        "options": {"expires": 55},  # a missed run is not worth delivering late
    },
    # Staff reminded a month and a week before a jury's GTP transmission is due (each once).
    "transmission-reminders": {
        "task": "transmissions.tasks.send_pack_reminders",
        "schedule": crontab(hour=7, minute=45),
    },
    # Arrivals at the GTP whose check the queue lost (broker down at the sending) checked again.
    "stats-arrivals": {
        "task": "stats.tasks.check_pending_arrivals",
        "schedule": crontab(minute=20),
    },
    # Holders and staff told two months before acquired capacities lapse (once per capacity).
    "capacity-expiry-notices": {
        "task": "transmissions.tasks.send_expiry_notices",
        "schedule": crontab(hour=8, minute=0),
    },
    # Webhook deliveries the queue lost (broker down at commit, worker killed) are sent again.
    "webhooks-requeue": {
        "task": "webhooks.tasks.requeue_deliveries",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}
# Personal data (privacy app, docs/PRIVACY.md): retention in years, the days a retention report
# is readable before what it lists is purged, and whom people write to about their data.
CQPM_RETENTION_UNCERTIFIED_YEARS = _env(env.int, "CQPM_RETENTION_UNCERTIFIED_YEARS", default=6)
CQPM_RETENTION_EVIDENCE_YEARS = _env(env.int, "CQPM_RETENTION_EVIDENCE_YEARS", default=2)
CQPM_RETENTION_NOTICE_DAYS = _env(env.int, "CQPM_RETENTION_NOTICE_DAYS", default=30)
CQPM_DPO_CONTACT = _env(
    env.str, "CQPM_DPO_CONTACT", default="Délégué à la protection des données — dpo@uimm.local"
)
for _name in ("CQPM_RETENTION_UNCERTIFIED_YEARS", "CQPM_RETENTION_EVIDENCE_YEARS"):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"Variable d'environnement {_name} invalide : au moins 1 an")
# A document still queued this long after being sent was lost by the broker: it is sent again.
DOCUMENTS_REQUEUE_AFTER = CELERY_TASK_TIME_LIMIT  # seconds
# A render interrupted this many times (its worker killed) is marked failed instead of looping.
DOCUMENTS_MAX_ATTEMPTS = 3

# The paritaire jury: how many members must sit (convened) and be present (deliberating),
# both colleges represented (deliberations/services/composition.py). At least 2, one per college:
# the smallest jury that is paritaire; a centre whose rules ask more sets it higher.
JURY_QUORUM = _env(env.int, "JURY_QUORUM", default=2)
if JURY_QUORUM < 2:
    raise ImproperlyConfigured("Variable d'environnement JURY_QUORUM invalide : au moins 2")

# --- Verifiable credentials (Open Badges 3.0, see docs/CREDENTIALS.md) --------------------------
# The issuer's signing keys: a JSON key file made by `manage.py credentials_keygen`, or the same
# JSON in CREDENTIALS_KEYS (which then wins). Never in the database, never logged.
CREDENTIALS_KEY_FILE = Path(
    _env(env.str, "CREDENTIALS_KEY_FILE", default=str(VAR_DIR / "credentials" / "issuer-keys.json"))
)
CREDENTIALS_KEYS = _env(env.str, "CREDENTIALS_KEYS", default="")
CREDENTIALS_ISSUER_NAME = _env(
    env.str, "CREDENTIALS_ISSUER_NAME", default="UIMM — Certification des CQPM"
)

# --- Deposit of holders with the Caisse des Dépôts (docs/CDC.md) --------------------------------
# The certifier's ids at the CDC (8 characters; 20 at most); a centre's own ids, set on its page,
# win over these.
CDC_CLIENT_ID = _env(env.str, "CDC_CLIENT_ID", default="")
CDC_CONTRACT_ID = _env(env.str, "CDC_CONTRACT_ID", default="")
if CDC_CLIENT_ID and len(CDC_CLIENT_ID) != 8:
    raise ImproperlyConfigured("Variable d'environnement CDC_CLIENT_ID invalide : 8 caractères")
if len(CDC_CONTRACT_ID) > 20:
    raise ImproperlyConfigured(
        "Variable d'environnement CDC_CONTRACT_ID invalide : 20 caractères au plus"
    )

# --- The PDF seal (cqpm/core/seal.py) ----------------------------------------------------------
# Every generated PDF is sealed (PAdES) with the organisation's key and certificate: a PKCS#12
# file and its passphrase, or a PEM pair (PDF_SEAL_KEY_FILE + PDF_SEAL_CERT_FILE, which then win).
# `manage.py seal_keygen --if-missing` (run by `make setup`) writes a demonstration certificate.
PDF_SEAL_PKCS12_FILE = Path(
    _env(env.str, "PDF_SEAL_PKCS12_FILE", default=str(VAR_DIR / "seal" / "demo-seal.p12"))
)
PDF_SEAL_PASSPHRASE = _env(env.str, "PDF_SEAL_PASSPHRASE", default="")
PDF_SEAL_KEY_FILE = _env(env.str, "PDF_SEAL_KEY_FILE", default="")
PDF_SEAL_CERT_FILE = _env(env.str, "PDF_SEAL_CERT_FILE", default="")
# An RFC 3161 timestamp authority; empty: the seal is dated by the document, no token.
PDF_SEAL_TSA_URL = _env(env.str, "PDF_SEAL_TSA_URL", default="")
PDF_SEAL_LOCATION = _env(env.str, "PDF_SEAL_LOCATION", default="France")
# Uploaded PDFs checked on /verifier/ (bytes).
PDF_VERIFY_MAX_BYTES = _env(env.int, "PDF_VERIFY_MAX_BYTES", default=10 * 1024 * 1024)

# --- Webhooks (webhooks/) ------------------------------------------------------------------
# http:// endpoints and private or loopback addresses (SSRF) are for development and tests only:
# cqpm.settings.production turns both off.
WEBHOOKS_ALLOW_HTTP = _env(_strict_bool, "WEBHOOKS_ALLOW_HTTP", default=DEBUG)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = _env(
    _strict_bool, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG
)
WEBHOOKS_TIMEOUT = 10  # seconds to connect, and between bytes of the answer
WEBHOOKS_MAX_ATTEMPTS = 8  # per round (a replay starts a new round)
WEBHOOKS_RETRY_BASE = 60  # seconds before the 2nd attempt, doubled after each failure...
WEBHOOKS_RETRY_MAX = 1800  # ...up to this, below the broker's visibility timeout (1 h)
WEBHOOKS_BATCH_SIZE = 500  # registrations listed per "registration.created" delivery
WEBHOOKS_REQUEUE_AFTER = CELERY_TASK_TIME_LIMIT  # seconds overdue before a send counts as lost

# --- Security defaults (hardened further in cqpm.settings.production) --------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): same-origin scripts and styles only, no inline code;
# data: images for Bootstrap's inline SVG icons. htmx is configured by its <meta> tag.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Deposits with the Caisse des Dépôts (cdc app) -----------------------------------------------
# The CDC's XSD the flux is validated against: replace the file (the kit's newer version) here.
_CDC_XSD = BASE_DIR / "cdc" / "schema" / "cdc-cpf-pc5-1.1.2.xsd"
CDC_XSD_PATH = Path(_env(env.str, "CDC_XSD_PATH", default=str(_CDC_XSD)))
if not CDC_XSD_PATH.is_file():
    raise ImproperlyConfigured(f"CDC_XSD_PATH : fichier introuvable ({CDC_XSD_PATH})")
# Who sends the flux (emetteur/idClient): the certifier itself unless a trusted third party does.
CDC_EMITTER_CLIENT_ID = _env(env.str, "CDC_EMITTER_CLIENT_ID", default="")
CDC_DEPOSITOR = _env(env.str, "CDC_DEPOSITOR", default="CERTIFICATEUR")
if CDC_DEPOSITOR not in ("CERTIFICATEUR", "TIERS_CONFIANCE"):
    raise ImproperlyConfigured("CDC_DEPOSITOR : attendu CERTIFICATEUR ou TIERS_CONFIANCE")
# The legal deadline of a deposit, in months after the jury.
CDC_DEPOSIT_MONTHS = _env(env.int, "CDC_DEPOSIT_MONTHS", default=3)

# --- Health and operations -----------------------------------------------------------------------
# /sante/ shows which component is down to staff, and to a monitoring system sending
# "Authorization: Bearer <HEALTH_CHECK_TOKEN>"; the public sees only ok / dégradé.
HEALTH_CHECK_TOKEN = _env(env.str, "HEALTH_CHECK_TOKEN", default="")
HEALTH_CELERY_TIMEOUT = _env(env.float, "HEALTH_CELERY_TIMEOUT", default=1.0)  # seconds


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """Console logs with each record's request id, path and user; `json`: one object a line."""
    if fmt not in ("text", "json"):
        raise ValueError(f"{fmt!r} : attendu text ou json")
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "cqpm.core.observability.JsonFormatter"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "cqpm.core.observability.RequestContextFilter"}},
        "formatters": {fmt: formatters[fmt]},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": fmt}
        },
        "root": {"handlers": ["console"], "level": level},
    }


LOG_LEVEL = _env(env.str, "LOG_LEVEL", default="INFO")
LOGGING = logging_config(fmt=_env(env.str, "LOG_FORMAT", default="text"), level=LOG_LEVEL)
