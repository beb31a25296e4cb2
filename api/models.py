"""API tokens: a person's named keys to the API, stored hashed, revocable at once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One token of one person. Only a SHA-256 of the secret is kept; `prefix` (visible, random)
    finds the row. A token acts with exactly its owner's rights; `read_only` refuses writes."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("titulaire"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nom"), max_length=100)
    read_only = models.BooleanField(_("lecture seule"), default=True)
    prefix = models.CharField(_("préfixe"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("empreinte SHA-256"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope_label(self) -> str:
        return str(_("lecture seule") if self.read_only else _("lecture-écriture"))
