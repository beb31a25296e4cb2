"""A convocation as an iCalendar event (RFC 5545): attached to the convocation's e-mail and
downloadable from the candidate's space, so the appointment lands in any calendar.

Times are written in UTC (no VTIMEZONE to ship); an appointment without a time is an all-day
event. The UID is stable per registration, kind and session: a new convocation to the same
session (a changed time) updates the event instead of adding a second one.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DURATION = datetime.timedelta(hours=2)
MEDIA_TYPE = "text/calendar; charset=utf-8"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued by CRLF and a space (RFC 5545 §3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_event(
    *,
    uid: str,
    summary: str,
    day: datetime.date,
    start: datetime.time | None,
    place: str,
    description: str,
    sequence: int = 0,
) -> bytes:
    """One VEVENT in a VCALENDAR, as bytes (UTF-8, CRLF line ends)."""
    if start is not None:
        begins = datetime.datetime.combine(day, start, tzinfo=ZoneInfo(settings.TIME_ZONE))
        when = [f"DTSTART:{_utc(begins)}", f"DTEND:{_utc(begins + DURATION)}"]
    else:
        when = [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
        ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Campagnes CQPM//Convocations//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_utc(timezone.now())}",
        *when,
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(place)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def convocation_ics(*, registration: Any, appointment: Any, sequence: int = 0) -> bytes:
    """The event of a convocation (an Appointment or a stored Convocation: kind, session_id,
    date, start_time, place)."""
    from .kinds import convocation_kind

    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    what = convocation_kind(appointment.kind).calendar
    campaign = registration.campaign
    return ics_event(
        uid=f"convocation-{appointment.kind}-{appointment.session_id}-{registration.pk}@{host}",
        summary=f"{what} — CQPM {campaign.referential.title}",
        day=appointment.date,
        start=appointment.start_time,
        place=appointment.place,
        description=f"{campaign.centre.name} — {campaign.name}. Convocation de "
        f"{registration.candidate.first_name} {registration.candidate.last_name.upper()}.",
        sequence=sequence,
    )


def ics_filename(appointment: Any) -> str:
    return f"convocation-{appointment.kind}-{appointment.date:%Y-%m-%d}.ics"
