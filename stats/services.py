"""Writes of the statistics app: the counts of a closed jury session (derived, rewritten whole
from the decisions and results in SQL), and the check of a transmission on its arrival."""

from __future__ import annotations

import datetime
import hashlib
import zipfile
from typing import IO

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from deliberations.models import CapacityResult, Decision, JurySession
from transmissions.models import PackSending

from .models import ArrivalStatus, CapacityCount, DelayBucket, OutcomeCount, PackArrival

PRESENTED = (Decision.Outcome.ADMISSIBLE, Decision.Outcome.NOT_ADMISSIBLE)
CHUNK = 256 * 1024
MANIFEST_NAME = "manifeste-sha256.txt"


def _months(later: str, earlier: str) -> CombinedExpression:
    """Calendar months from `earlier` to `later` (two date columns), in SQL on every backend."""
    return (ExtractYear(later) * 12 + ExtractMonth(later)) - (
        ExtractYear(earlier) * 12 + ExtractMonth(earlier)
    )


def _delay_bucket() -> tuple[Case, CombinedExpression]:
    months = _months("session__date", "registration__registered_on")
    return Case(
        When(Q(months__lt=6), then=Value(DelayBucket.UNDER_6)),
        When(Q(months__lt=12), then=Value(DelayBucket.FROM_6)),
        When(Q(months__lt=18), then=Value(DelayBucket.FROM_12)),
        default=Value(DelayBucket.FROM_18),
        output_field=IntegerField(),
    ), months


def session_counts_refresh(*, session: JurySession) -> int:
    """Rewrite the counts of one jury session from its active decisions (none unless it is
    closed); returns how many outcome rows it holds now. Safe to run twice."""
    with transaction.atomic():
        OutcomeCount.objects.filter(session=session).delete()
        CapacityCount.objects.filter(session=session).delete()
        if session.status != JurySession.Status.CLOSED:
            return 0
        campaign = session.campaign
        shared = {
            "session": session,
            "centre_id": campaign.centre_id,
            "referential_id": campaign.referential_id,
            "referential_code": campaign.referential.code,
            "jury_date": session.date,
        }
        bucket, months = _delay_bucket()
        grouped = (
            Decision.objects.filter(session=session, is_active=True)
            .alias(months=months)
            .values("registration__pathway", "outcome", delay=bucket)
            .annotate(people=Count("pk"))
            .order_by()
        )
        outcomes = [
            OutcomeCount(
                pathway=row["registration__pathway"],
                outcome=row["outcome"],
                delay=row["delay"],
                people=row["people"],
                **shared,
            )
            for row in grouped
        ]
        OutcomeCount.objects.bulk_create(outcomes)
        capacities = (
            CapacityResult.objects.filter(
                source=CapacityResult.Source.COMMISSION,
                sheet__registration__decisions__session=session,
                sheet__registration__decisions__is_active=True,
                sheet__registration__decisions__outcome__in=PRESENTED,
            )
            .values("capacity_id", pathway=F("sheet__registration__pathway"))
            .annotate(
                evaluated=Count("pk"),
                acquired=Count("pk", filter=Q(outcome=CapacityResult.Outcome.ACQUIRED)),
                disagreements=Count("pk", filter=Q(disagrees_with_opinion=True)),
            )
            .order_by()
        )
        CapacityCount.objects.bulk_create([CapacityCount(**row, **shared) for row in capacities])
    return len(outcomes)


def counts_refresh_all() -> int:
    """Rewrite the counts of every closed jury session (bulk-loaded data, an upgrade); returns
    how many sessions were counted."""
    sessions = JurySession.objects.filter(status=JurySession.Status.CLOSED).select_related(
        "campaign__referential"
    )
    done = 0
    for session in sessions.iterator(chunk_size=200):
        session_counts_refresh(session=session)
        done += 1
    return done


# --- The transmission as the branch receives it ----------------------------------------------


def arrival_open(*, sending: PackSending) -> PackArrival:
    """The arrival of a sending, pending until its check ran (created once)."""
    arrival, _created = PackArrival.objects.get_or_create(sending=sending)
    return arrival


def arrival_check(*, sending_id: int) -> str:
    """Compute again the SHA-256 of the archive sent and of every file its manifest lists, and
    record what differs; returns the status. Safe to run twice (the last check is kept)."""
    sending = PackSending.objects.select_related("pack").filter(pk=sending_id).first()
    if sending is None:
        return "skipped"
    status, checked, problems = _check_archive(sending)
    PackArrival.objects.update_or_create(
        sending=sending,
        defaults={
            "status": status,
            "checked_at": timezone.now(),
            "files_checked": checked,
            "problems": problems,
        },
    )
    return status


def arrivals_check_pending(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> int:
    """Check the arrivals still pending (their task lost with the broker); returns how many."""
    since = timezone.now() - older_than
    ids = list(
        PackArrival.objects.filter(
            status=ArrivalStatus.PENDING, sending__created_at__lt=since
        ).values_list("sending_id", flat=True)
    )
    for sending_id in ids:
        arrival_check(sending_id=sending_id)
    return len(ids)


def _check_archive(sending: PackSending) -> tuple[str, int, list[str]]:
    pack = sending.pack
    if not pack.archive:
        return ArrivalStatus.MISSING, 0, ["archive"]
    try:
        handle = pack.archive.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        return ArrivalStatus.MISSING, 0, ["archive"]
    with handle:
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
        problems = [] if digest.hexdigest() == sending.archive_sha256 else ["archive"]
        handle.seek(0)
        checked, bad = _check_manifest(handle)
    problems += bad
    return (ArrivalStatus.MISMATCH if problems else ArrivalStatus.OK), checked, problems


def _check_manifest(handle: IO[bytes]) -> tuple[int, list[str]]:
    """Each file listed in the archive's manifest hashed again; the names that differ."""
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        return 0, ["archive"]
    with archive:
        try:
            manifest = archive.read(MANIFEST_NAME).decode("utf-8")
        except KeyError:
            return 0, [MANIFEST_NAME]
        checked, bad = 0, []
        for line in manifest.splitlines():
            expected, _sep, name = line.partition("  ")
            if not name:
                continue
            checked += 1
            try:
                with archive.open(name) as member:
                    digest = hashlib.sha256()
                    for chunk in iter(lambda: member.read(CHUNK), b""):  # noqa: B023
                        digest.update(chunk)
            except KeyError:
                bad.append(name)
                continue
            if digest.hexdigest() != expected:
                bad.append(name)
    return checked, bad
