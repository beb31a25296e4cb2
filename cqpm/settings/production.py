"""Production settings: the base settings with every protection of `check --deploy` on.

SECRET_KEY, MFA_ENCRYPTION_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL and CACHE_URL (a shared
cache: Redis) must come from the environment, and the credentials' signing keys from
CREDENTIALS_KEYS or CREDENTIALS_KEY_FILE. Logs are JSON lines unless LOG_FORMAT says text.
"""

import sys

from django.core.exceptions import ImproperlyConfigured

from . import *  # noqa: F403
from . import CACHES, LOG_LEVEL, _env, _strict_bool, env, logging_config, site_url

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY doit être une valeur secrète d'au moins 50 caractères.")
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="").strip()
if not MFA_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "MFA_ENCRYPTION_KEY doit être défini en production (clé de chiffrement des secrets TOTP, "
        "distincte de SECRET_KEY). / MFA_ENCRYPTION_KEY must be set in production."
    )
# Rate-limit counters, allauth's codes and locks must be shared by every web process and host.
_LOCAL_CACHES = ("locmem.LocMemCache", "dummy.DummyCache", "filebased.FileBasedCache")
if CACHES["default"]["BACKEND"].endswith(_LOCAL_CACHES):
    raise ImproperlyConfigured(
        "CACHE_URL doit désigner un cache partagé en production (redis://…) : un cache local "
        "ou factice ne partage pas les compteurs entre processus. / CACHE_URL must name a shared "
        "cache (redis://…) in production."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Links in e-mails and QR codes outlive the request: their base must be set, https and served.
SITE_URL = site_url(env.str("SITE_URL"), allowed_hosts=ALLOWED_HOSTS, https=True)

# Webhooks go to public https addresses only (webhooks/addresses.py).
WEBHOOKS_ALLOW_HTTP = False
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

STORAGES = {
    "default": STORAGES["default"],  # noqa: F405 - MEDIA_ROOT, or the bucket AWS_STORAGE_BUCKET_NAME
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env(_strict_bool, "SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = _env(env.int, "SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

LOGGING = logging_config(fmt=_env(env.str, "LOG_FORMAT", default="json"), level=LOG_LEVEL)

# Credentials are signed as certificates are generated: no key source, no start (but the command
# that makes the first key may run).
if (
    not CREDENTIALS_KEYS  # noqa: F405
    and not CREDENTIALS_KEY_FILE.is_file()  # noqa: F405
    and sys.argv[1:2] != ["credentials_keygen"]
):
    raise ImproperlyConfigured(
        "Aucune clé de signature des badges numériques : définissez CREDENTIALS_KEYS ou créez "
        "le fichier CREDENTIALS_KEY_FILE avec « manage.py credentials_keygen »."
    )

# Every generated PDF is sealed: no seal certificate, no start (but the demo's command may run).
if (
    not (PDF_SEAL_KEY_FILE and PDF_SEAL_CERT_FILE)  # noqa: F405
    and not PDF_SEAL_PKCS12_FILE.is_file()  # noqa: F405
    and sys.argv[1:2] != ["seal_keygen"]
):
    raise ImproperlyConfigured(
        "Aucun certificat pour le sceau des PDF : définissez PDF_SEAL_PKCS12_FILE (et "
        "PDF_SEAL_PASSPHRASE) ou PDF_SEAL_KEY_FILE et PDF_SEAL_CERT_FILE."
    )
