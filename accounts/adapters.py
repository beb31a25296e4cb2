"""allauth adapters: no public sign-up; TOTP secrets encrypted with a key apart from SECRET_KEY."""

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings

from cqpm.core.clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by staff or by invitation, never by the public.
        return False

    def get_client_ip(self, request) -> str:
        # allauth's rate limits count per client address: the trusted-proxy rule, not its own.
        return client_ip(request)


def _fernet() -> Fernet:
    key = settings.MFA_ENCRYPTION_KEY or ("mfa:" + settings.SECRET_KEY)
    digest = hashlib.sha256(key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()
