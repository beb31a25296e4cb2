"""Webhooks: the endpoints a centre's staff register, and each signed delivery with its attempts.

A delivery is one JSON body for one endpoint; it is sent by a Celery task, retried with back-off
while the endpoint fails (up to WEBHOOKS_MAX_ATTEMPTS per round), and may be replayed by staff,
which starts a new round with the same body and the same delivery id.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import ExamCentre
from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from cqpm.core.registry import webhook_events


def new_secret() -> str:
    # 256 random bits: the HMAC-SHA256 key the receiver verifies signatures with.
    return "whsec_" + secrets.token_hex(32)


class _WebhookEvents:
    """The events an endpoint may subscribe to, read from the registry: an event declared with
    a `webhook` code (cqpm.core.registry.declare_event) is one, and nothing else is. Their codes
    are a public contract. Reads like a TextChoices: `Event.DOCUMENT_READY == "document.ready"`,
    `Event.values`, `Event.choices`, `Event.label(code)`."""

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(str(e.webhook), str(e.webhook_label)) for e in webhook_events()]

    @property
    def values(self) -> list[str]:
        return [str(e.webhook) for e in webhook_events()]

    def label(self, code: str) -> str:
        return dict(self.choices).get(code, code)

    def __getattr__(self, name: str) -> str:
        for event in webhook_events():
            if str(event.webhook).replace(".", "_").upper() == name:
                return str(event.webhook)
        raise AttributeError(name)


Event = _WebhookEvents()
# What a delivery carries besides an event: the connection test staff send by hand.
PING = "ping"


def delivery_event_choices() -> list[tuple[str, str]]:
    """What a delivery carries: an event, or the connection test."""
    return [*Event.choices, (PING, str(_("Test de connexion")))]


class Endpoint(TimeStampedModel):
    """An address of a centre's own system that receives the events it subscribed to."""

    centre = models.ForeignKey(
        ExamCentre, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(_("adresse"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Event codes (Event values); a list, read in Python (few endpoints per centre).
    events = models.JSONField(_("événements"), default=list)
    is_active = models.BooleanField(_("actif"), default=True)
    secret = models.CharField(_("secret de signature"), max_length=80, default=new_secret)
    secret_rotated_at = models.DateTimeField(_("secret renouvelé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("point de réception webhook")
        verbose_name_plural = _("points de réception webhook")
        ordering = ["pk"]
        indexes = [models.Index(fields=["centre", "is_active"], name="webhooks_endpoint_centre")]

    def __str__(self) -> str:
        return self.description or self.url

    def subscribes_to(self, event: str) -> bool:
        return event in self.events

    @property
    def event_labels(self) -> list[str]:
        known = dict(Event.choices)
        return [known[code] for code in self.events if code in known]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("En attente d'envoi")
    SENDING = "sending", _("Envoi en cours")
    DELIVERED = "delivered", _("Remis")
    FAILED = "failed", _("Échec")


class Delivery(TimeStampedModel):
    Status = DeliveryStatus

    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="deliveries")
    # The delivery id the receiver sees (body "id", header X-CQPM-Delivery): the same on every
    # attempt and replay, so that a receiver can ignore what it already processed.
    uid = models.UUIDField(_("identifiant d'envoi"), unique=True, default=uuid.uuid4)
    event = models.CharField(_("événement"), max_length=32, choices=delivery_event_choices)
    occurred_at = models.DateTimeField(_("survenu le"))
    # The whole JSON body, sent canonically serialised (sorted keys, compact).
    payload = models.JSONField(_("contenu"))
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    # Attempts since the delivery was created or last replayed: capped by WEBHOOKS_MAX_ATTEMPTS.
    round_attempts = models.PositiveIntegerField(default=0)
    replays = models.PositiveIntegerField(_("relances manuelles"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    # When the send was last handed to the broker; None when the broker refused it (the
    # periodic requeue sends those first).
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("dernier code HTTP"), null=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("envoi webhook")
        verbose_name_plural = _("envois webhook")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhooks_delivery_recent"),
        ]
        constraints = [
            choices_constraint(
                app="webhooks", model="delivery", field="status", choices=DeliveryStatus
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({str(self.uid)[:8]})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DELIVERED, self.Status.FAILED)

    @property
    def will_retry(self) -> bool:
        return self.status == self.Status.PENDING and self.round_attempts > 0


class Attempt(models.Model):
    """One HTTP request of a delivery and what came back (or why nothing did)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("tentative"))
    started_at = models.DateTimeField(_("envoyée le"))
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True)
    succeeded = models.BooleanField(_("réussie"), default=False)
    error = models.TextField(_("erreur"), blank=True)
    response_excerpt = models.TextField(_("début de la réponse"), blank=True)

    class Meta:
        verbose_name = _("tentative d'envoi")
        verbose_name_plural = _("tentatives d'envoi")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhooks_attempt_number_unique"
            )
        ]
