"""The one way an account comes to exist: found by its e-mail, or created without a password and
invited to choose one through a one-time link (accounts.invitations). Pages, imports, commands
and the API all go through here, so every new account is audited and gets the same welcome."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.audit import audit_log
from cqpm.core.mail import mail_queue

from .invitations import invitation_url

ACTION = "cqpm.account.created"


def clean_email(email: str) -> str:
    """The e-mail as accounts store it (trimmed, lower case), or a French DomainError."""
    from cqpm.core.errors import DomainError

    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise DomainError(_("L'adresse e-mail est obligatoire."))
    try:
        validate_email(email)
    except ValidationError as exc:
        message = _("L'adresse e-mail « %(email)s » est invalide.") % {"email": email}
        raise DomainError(message) from exc
    return email


def account_find_or_invite(
    *,
    email: str,
    by: User,
    first_name: str = "",
    last_name: str = "",
    welcome: bool = True,
    registration_id: int | None = None,
    centre_id: int | None = None,
) -> tuple[User, bool]:
    """The account of this e-mail, or a new one without password, audited and (unless `welcome`
    is False, when the caller sends its own invitation) sent its one-time link on commit."""
    email = clean_email(email)
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = user_model.objects.create_user(
                    email=email,
                    password=None,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                )
        except IntegrityError:  # created meanwhile by a concurrent request
            return user_model.objects.get(email__iexact=email), False
        audit_log(
            action=ACTION,
            obj=user,
            by=by,
            data={"after": {"email": email}},
            registration_id=registration_id,
            centre_id=centre_id,
        )
    if welcome:
        send_welcome(user)  # queued in the outbox, sent after the commit
    return user, True


def accounts_bulk_invite(
    *, emails: Iterable[str], by: User, data: dict[str, Any] | None = None
) -> dict[str, User]:
    """Accounts for many (already clean) e-mails at once, as an import needs them: the known
    ones, and new ones created in one INSERT, each audited; returns e-mail -> account."""
    from cqpm.core.models import AuditEntry
    from cqpm.core.registry import event_type

    user_model = get_user_model()
    wanted = sorted({email.strip().lower() for email in emails if email and email.strip()})
    known = {
        user.email_lower: user
        for user in user_model.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=wanted
        )
    }
    new = []
    for email in wanted:
        if email not in known:
            user = user_model(email=email)
            user.set_unusable_password()
            new.append(user)
    user_model.objects.bulk_create(new, batch_size=1000)
    event_type(ACTION)
    actor = by if getattr(by, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                action=ACTION,
                actor=actor,
                object_type=user._meta.label_lower,
                object_id=str(user.pk),
                object_repr=str(user)[:255],
                data={"after": {"email": user.email}, **(data or {})},
            )
            for user in new
        ],
        batch_size=1000,
    )
    return {**known, **{user.email: user for user in new}}


def send_welcome(user: User) -> None:
    # No password in the mail: a one-time link lets the person choose it.
    mail_queue(
        to=[user.email],
        subject=_("Votre compte sur Campagnes CQPM"),
        body=_(
            "Bonjour,\n\nUn compte a été ouvert pour vous sur Campagnes CQPM "
            "avec l'adresse %(email)s.\n"
            "Pour choisir votre mot de passe, suivez ce lien (valable une seule fois) : "
            "%(link)s\n"
        )
        % {"email": user.email, "link": invitation_url(user)},
        kind="accounts/welcome",
    )
