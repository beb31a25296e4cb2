"""Writes of the api app: a person's tokens, created (the secret returned once) and revoked."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError

from .models import ApiToken

TOKEN_PREFIX = "cqpm"  # noqa: S105 - the public start of every token: cqpm_<prefix>_<secret>
NAME_MAX = ApiToken._meta.get_field("name").max_length or 100


def hash_secret(token: str) -> str:
    """The SHA-256 (hex) of a whole token: the only form in which it is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """(prefix, token) for a well-formed token, None otherwise (nothing to look up)."""
    parts = token.split("_", 2)  # the secret itself may hold « _ » (URL-safe base64)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or len(parts[2]) < 20:
        return None
    if not parts[1].isalnum() or len(parts[1]) > 16:
        return None
    return parts[1], token


def secret_matches(token: ApiToken, presented: str) -> bool:
    return hmac.compare_digest(token.secret_hash, hash_secret(presented))


def api_token_create(
    *, owner: User, name: str, read_only: bool, by: User | None
) -> tuple[ApiToken, str]:
    """A new token of `owner` (only the owner, or the system, may make one); returns the row and
    the secret, which is never stored nor shown again; audited; raises DomainError."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Donnez un nom au jeton."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(
            _("Le nom du jeton tient en %(max)d caractères.") % {"max": NAME_MAX}, field="name"
        )
    if by is not None and by.pk != owner.pk:
        raise DomainError(_("Chacun crée ses propres jetons."), code="forbidden")
    if not owner.is_active:
        raise DomainError(_("Ce compte est désactivé : il ne peut pas recevoir de jeton."))
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(
            owner=owner,
            name=name,
            read_only=read_only,
            prefix=prefix,
            secret_hash=hash_secret(token),
        )
        audit_log(
            action="cqpm.api.token.created",
            obj=row,
            by=by,
            data={"name": name, "prefix": prefix, "scope": _scope(read_only)},
        )
    return row, token


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke one of `by`'s tokens at once (later requests with it fail); revoking twice is
    refused; audited; raises DomainError."""
    if by is not None and by.pk != token.owner_id:
        raise DomainError(_("Chacun révoque ses propres jetons."), code="forbidden")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise DomainError(_("Ce jeton est déjà révoqué."), code="conflict")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_log(
            action="cqpm.api.token.revoked",
            obj=locked,
            by=by,
            data={"name": locked.name, "prefix": locked.prefix},
        )
    return locked


def api_token_touch(*, token: ApiToken) -> None:
    """Note the token's use, at most once a minute (one conditional UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _scope(read_only: bool) -> str:
    return "read_only" if read_only else "read_write"
