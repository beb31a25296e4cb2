"""Production settings: the base settings with every protection of `check --deploy` on.

SECRET_KEY, MFA_ENCRYPTION_KEY, ALLOWED_HOSTS, SITE_URL and DATABASE_URL must come from the
environment.
"""

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

# Webhooks go to public https addresses only (webhooks/addresses.py).
WEBHOOKS_ALLOW_HTTP = False
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

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
