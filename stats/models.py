"""Counts kept per closed jury session, so that national statistics read a few thousand rows
instead of every decision ever taken (issue 21: the pages answer as fast at 100,000
registrations as at 1,000).

The rows are derived data: `stats.services.session_counts_refresh` rewrites a session's rows
from its decisions and results (in SQL) when it closes and when a decision is amended; `manage.py
stats_refresh` rewrites them all (bulk-loaded data, an upgrade). They hold no person: only
counts by centre, CQPM, pathway and outcome.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from candidates.models import ExamCentre, Pathway
from cqpm.core.constraints import choices_constraint
from deliberations.models import DecisionOutcome, JurySession
from referentials.models import Capacity, Referential


class DelayBucket(models.IntegerChoices):
    """Time from registration to the jury, in months (calendar months between the two dates)."""

    UNDER_6 = 0, _("Moins de 6 mois")
    FROM_6 = 1, _("De 6 à 11 mois")
    FROM_12 = 2, _("De 12 à 17 mois")
    FROM_18 = 3, _("18 mois et plus")


class SessionCounts(models.Model):
    """Shared columns: where and when the counted people were before the jury."""

    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="+")
    centre = models.ForeignKey(ExamCentre, on_delete=models.CASCADE, related_name="+")
    referential = models.ForeignKey(Referential, on_delete=models.PROTECT, related_name="+")
    referential_code = models.CharField(max_length=32)
    jury_date = models.DateField()
    pathway = models.CharField(max_length=24, choices=Pathway.choices)

    class Meta:
        abstract = True


class OutcomeCount(SessionCounts):
    """How many people of one pathway got one outcome at one session, by delay bucket."""

    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    delay = models.PositiveSmallIntegerField(choices=DelayBucket.choices)
    people = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("décompte des décisions")
        verbose_name_plural = _("décomptes des décisions")
        indexes = [
            models.Index(fields=["jury_date"], name="stats_outcome_date"),
            models.Index(fields=["centre", "jury_date"], name="stats_outcome_centre"),
            models.Index(fields=["referential_code", "jury_date"], name="stats_outcome_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "pathway", "outcome", "delay"], name="stats_outcome_unique"
            ),
            choices_constraint(
                app="stats", model="outcomecount", field="outcome", choices=DecisionOutcome
            ),
        ]


class CapacityCount(SessionCounts):
    """Per capacity, of the people of one pathway presented at one session: how many the
    commission evaluated, found acquired, and decided against the company's opinion."""

    capacity = models.ForeignKey(Capacity, on_delete=models.PROTECT, related_name="+")
    evaluated = models.PositiveIntegerField()
    acquired = models.PositiveIntegerField()
    disagreements = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("décompte par capacité")
        verbose_name_plural = _("décomptes par capacité")
        indexes = [
            models.Index(fields=["referential_code", "jury_date"], name="stats_capacity_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "pathway", "capacity"], name="stats_capacity_unique"
            )
        ]


class ArrivalStatus(models.TextChoices):
    PENDING = "pending", _("Vérification en cours")
    OK = "ok", _("Empreintes vérifiées")
    MISMATCH = "mismatch", _("Empreintes différentes")
    MISSING = "missing", _("Archive introuvable")


class PackArrival(models.Model):
    """A sending as the branch received it: the archive's SHA-256 and every file's hash in its
    manifest computed again from the stored archive, once it was recorded as sent."""

    Status = ArrivalStatus

    sending = models.OneToOneField(
        "transmissions.PackSending", on_delete=models.CASCADE, related_name="arrival"
    )
    status = models.CharField(
        _("vérification"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    checked_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    files_checked = models.PositiveIntegerField(_("fichiers vérifiés"), default=0)
    problems = models.JSONField(_("écarts"), default=list, blank=True)

    class Meta:
        verbose_name = _("arrivée d'une transmission")
        verbose_name_plural = _("arrivées des transmissions")
        constraints = [
            choices_constraint(
                app="stats", model="packarrival", field="status", choices=ArrivalStatus
            )
        ]
