"""Production settings: the base settings with every protection of `check --deploy` on.

SECRET_KEY, MFA_ENCRYPTION_KEY, ALLOWED_HOSTS, SITE_URL and DATABASE_URL must come from the
environment, and the credentials' signing keys from CREDENTIALS_KEYS or CREDENTIALS_KEY_FILE.
"""

import sys

from django.core.exceptions import ImproperlyConfigured

from . import *  # noqa: F403
from . import _env, _strict_bool, env, site_url

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY doit être une valeur secrète d'au moins 50 caractères.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Links in e-mails and QR codes outlive the request: their base must be set, https and served.
SITE_URL = site_url(env.str("SITE_URL"), allowed_hosts=ALLOWED_HOSTS, https=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env(_strict_bool, "SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = _env(env.int, "SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

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
