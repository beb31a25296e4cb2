"""People who log in: identified by e-mail, never by a username."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Membership roles (candidates.CentreMembership.role) whose holders must use TOTP.
MFA_ROLES = ("staff", "jury")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError(_("L'adresse e-mail est obligatoire."))
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """An account. Roles come from memberships (staff, evaluator, jury), `is_reviewer` and
    `is_branch`."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    is_reviewer = models.BooleanField(
        _("relecteur du centre de ressource"),
        default=False,
        help_text=_("Reçoit et approuve les dossiers d'évaluation de tous les centres."),
    )
    # The branch (CPNEFP and its GTP « Certifications »): national, read-only statistics and
    # the transmission packs the centres send it; never a candidate's file (DESIGN.md §7).
    is_branch = models.BooleanField(
        _("membre de la branche (GTP « Certifications »)"),
        default=False,
        help_text=_(
            "Lit les statistiques de tous les centres et reçoit leurs transmissions, sans accès "
            "aux dossiers des candidats."
        ),
    )

    # Where known, the documents a person signs agree with it (« présidente », « présente »).
    civility = models.CharField(
        _("civilité"),
        max_length=4,
        choices=[("Mme", _("Madame")), ("M.", _("Monsieur"))],
        blank=True,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def agreed(self, masculine: str, feminine: str, either: str) -> str:
        """The word agreed with the person's civility, `either` (« présent(e) ») when unknown."""
        return {"Mme": feminine, "M.": masculine}.get(self.civility, either)

    @cached_property
    def requires_mfa(self) -> bool:
        """Staff, jury members, the branch (national reach, it acknowledges what centres send)
        and administrators must log in with TOTP."""
        if self.is_superuser or self.is_branch:
            return True
        return any(role in MFA_ROLES for role, _centre in self.membership_roles)

    @cached_property
    def membership_roles(self) -> list[tuple[str, int]]:
        """(role, centre id) of each of this person's centre memberships, read in one query once
        per user object (once per request): the TOTP check, the menu and the staff scopes share
        it instead of asking the same table three times."""
        return list(self.centre_memberships.values_list("role", "centre_id"))
