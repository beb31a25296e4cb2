"""The deposit with the CDC: the one export every entry point goes through (the staff page, the
`cdc_export` command), the deposit recorded, the CDC's report applied, a withdrawal recorded.

A flux is offered only once it has validated against the XSD: it is written to a temporary
file, validated (both streamed), then stored with its hash; a refusal stores nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from cqpm.core.access import ensure
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from cqpm.core.registry import audited_event
from cqpm.core.workflow import transition

from . import events
from .models import CdcEntry, CdcFlux, CdcItem
from .report import ReportErrors, ReportLine, report_parse
from .selectors import HolderLine, Target, Todo, certifications, holder_lines
from .xml import FluxHeader, HolderRow, q, validate, write_flux

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
BATCH = 1000

# One holder's audit entry written in bulk: the object, its registration, the entry's data.
AuditRow = tuple[models.Model, int, dict[str, object]]


@dataclass
class ExportResult:
    flux: CdcFlux
    refused: list[HolderLine] = field(default_factory=list)


def new_id_flux(moment: datetime.datetime) -> str:
    """A unique idFlux (≤ 50 characters): the time in Paris and 48 random bits."""
    local = timezone.localtime(moment)
    return f"cqpm-{local:%Y%m%d-%H%M%S}-{secrets.token_hex(6)}"


def _certifier(target: Target, by: User | None) -> tuple[str, str, int | None]:
    found = certifications(target)
    if not found:
        raise DomainError(_("Aucun titulaire certifié dans ce périmètre : rien à déposer."))
    for certification in found:
        ensure(by, "cdc.export", certification.campaign)
    blocking = [f"{c.campaign.name} : {p}" for c in found for p in c.problems]
    if blocking:
        raise DomainError(" ".join(blocking))
    certifiers = {(c.client_id, c.contract_id) for c in found}
    if len(certifiers) > 1:
        raise DomainError(
            _(
                "Ces titulaires relèvent de plusieurs certificateurs (identifiants CDC %(ids)s) : "
                "déposez-les séparément, campagne par campagne."
            )
            % {"ids": ", ".join(sorted(f"{a}/{b}" for a, b in certifiers))}
        )
    client, contract = certifiers.pop()
    centres = {c.campaign.centre_id for c in found}
    return client, contract, centres.pop() if len(centres) == 1 else None


def cdc_export(*, target: Target, by: User | None) -> ExportResult:
    """Write, validate and store the flux of the target's holders to deposit (never deposited,
    or corrected since) whose data is complete; the others are answered as refused. DomainError
    when nothing can be deposited or the XSD refuses the document (then nothing is stored)."""
    client, contract, centre_id = _certifier(target, by)
    now = timezone.now()
    header = FluxHeader(
        id_flux=new_id_flux(now),
        timestamp=now,
        emitter_client_id=settings.CDC_EMITTER_CLIENT_ID or client,
        client_id=client,
        contract_id=contract,
        depositor=settings.CDC_DEPOSITOR,
    )
    refused: list[HolderLine] = []
    included: list[tuple[int, int | None, str]] = []
    with tempfile.TemporaryFile() as tmp:
        prints = write_flux(tmp, header, _exported(target, refused, included))
        if not included:
            raise DomainError(
                _("Aucun titulaire à déposer : %(n)s titulaire(s) aux données incomplètes.")
                % {"n": len(refused)}
                if refused
                else _("Aucun titulaire à déposer : tous sont déjà déposés.")
            )
        tmp.seek(0)
        errors = validate(tmp)
        if errors:
            raise DomainError(
                _("Le flux ne respecte pas le schéma de la CDC ; il n'est pas proposé : %(e)s")
                % {"e": " ; ".join(errors[:5])}
            )
        tmp.seek(0)
        digest, size = _digest(tmp)
        flux = _store(tmp, header, target, by, digest, size, len(included))
    _record(flux, included, prints, by=by, centre_id=centre_id)
    return ExportResult(flux=flux, refused=refused)


def _exported(
    target: Target, refused: list[HolderLine], included: list[tuple[int, int | None, str]]
) -> Iterator[HolderRow]:
    """The rows the flux carries, streamed; the refused ones are kept aside (with their
    reasons), the included ones noted by registration, block and idTechnique."""
    for line in holder_lines(target):
        if line.todo not in Todo.EXPORTED:
            continue
        if line.problems:
            refused.append(line)
            continue
        included.append((line.row.registration_id, line.row.block_id, line.row.id_technique))
        yield line.row


def _digest(tmp: IO[bytes]) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    for chunk in iter(lambda: tmp.read(1 << 20), b""):
        sha.update(chunk)
        size += len(chunk)
    tmp.seek(0)
    return sha.hexdigest(), size


def _store(
    tmp: IO[bytes],
    header: FluxHeader,
    target: Target,
    by: User | None,
    digest: str,
    size: int,
    n: int,
) -> CdcFlux:
    flux = CdcFlux(
        id_flux=header.id_flux,
        campaign=target.flux_campaign,
        session=target.session,
        scope_label=target.label[:255],
        client_id=header.client_id,
        contract_id=header.contract_id,
        sha256=digest,
        size=size,
        holder_count=n,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    flux.file.save(f"{header.id_flux}.xml", File(tmp), save=False)
    return flux


def _record(
    flux: CdcFlux,
    included: list[tuple[int, int | None, str]],
    prints: dict[str, str],
    *,
    by: User | None,
    centre_id: int | None,
) -> None:
    with transaction.atomic():
        flux.save()
        for start in range(0, len(included), BATCH):  # a slice of objects at a time
            CdcEntry.objects.bulk_create(
                CdcEntry(
                    flux=flux,
                    registration_id=reg,
                    block_id=block,
                    id_technique=tech,
                    fingerprint=prints[tech],
                )
                for reg, block, tech in included[start : start + BATCH]
            )
        audit_log(
            action=events.FLUX_GENERATED,
            obj=flux,
            by=by,
            data={"holders": flux.holder_count, "scope": flux.scope_label},
            centre_id=centre_id,
        )


def _audit_many(action: str, rows: list[AuditRow], *, by: User | None) -> None:
    """One audit entry per holder, written in bulk (a flux holds thousands of them)."""
    audited_event(action)
    actor = by if getattr(by, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                action=action,
                actor=actor,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:255],
                registration_id=registration_id,
                data=data,
            )
            for obj, registration_id, data in rows
        ),
        batch_size=BATCH,
    )


def cdc_flux_deposit(*, flux: CdcFlux, by: User | None) -> CdcFlux:
    """Record that the flux was deposited on the CDC's platform: each of its items (one per
    idTechnique) is then deposited (when, by whom, this flux), unless a later flux of that item
    was deposited already.
    InvalidTransition when it was recorded before."""
    _ensure_flux(by, flux)
    with transaction.atomic():
        flux = transition(
            flux,
            to=CdcFlux.Status.DEPOSITED,
            by=by,
            action=events.FLUX_DEPOSITED,
            allowed=CdcFlux.TRANSITIONS,
            changes={"deposited_at": timezone.now(), "deposited_by": by},
            clean=False,
        )
        _holders_deposited(flux, by=by)
    return flux


def _ensure_flux(by: User | None, flux: CdcFlux) -> None:
    """The flux's holders are all in campaigns `by` deposits for (or the system acts)."""
    from .selectors import fluxes_for

    if by is None or getattr(by, "is_superuser", False):
        return
    if not fluxes_for(user=by).filter(pk=flux.pk).exists():
        raise DomainError(_("Vous n'avez pas le droit de faire cela."), code="forbidden")


def _holders_deposited(flux: CdcFlux, *, by: User | None) -> None:
    entries = list(flux.entries.only("pk", "registration_id", "block_id", "id_technique"))
    current = {
        item.id_technique: item
        for item in CdcItem.objects.filter(id_technique__in=[e.id_technique for e in entries])
    }
    new: list[CdcItem] = []
    moved: list[CdcItem] = []
    audited: list[AuditRow] = []
    for entry in entries:
        item = current.get(entry.id_technique)
        if item is not None and item.entry_id > entry.pk:
            continue  # a later flux of this item was deposited first: it stands
        if item is None:
            item = CdcItem(
                registration_id=entry.registration_id,
                block_id=entry.block_id,
                id_technique=entry.id_technique,
            )
            new.append(item)
        else:
            moved.append(item)
        item.status, item.entry_id, item.reason = CdcItem.Status.DEPOSITED, entry.pk, ""
        item.withdrawn_at, item.withdrawn_by = None, None
        data: dict[str, object] = {"id_flux": flux.id_flux, "id_technique": entry.id_technique}
        audited.append((entry, entry.registration_id, data))
    CdcItem.objects.bulk_create(new, batch_size=BATCH)
    fields = ["status", "entry", "reason", "withdrawn_at", "withdrawn_by", "updated_at"]
    for item in moved:
        item.updated_at = timezone.now()
    CdcItem.objects.bulk_update(moved, fields, batch_size=BATCH)
    _audit_many(events.HOLDER_DEPOSITED, audited, by=by)


def cdc_report_import(*, data: bytes, fluxes: QuerySet[CdcFlux], by: User | None) -> dict[str, int]:
    """Apply the CDC's processing report to the fluxes it names among `fluxes` (the user's):
    each line matched by (idFlux, idTechnique) to one deposited item, accepted, or rejected with
    the CDC's reason. ReportErrors, with every line in
    error, when any line does not match; then nothing is written."""
    lines = report_parse(data)
    entries, errors = _match(lines, fluxes)
    if errors:
        raise ReportErrors(errors[:50])
    now = timezone.now()
    counts = {"accepted": 0, "rejected": 0}
    with transaction.atomic():
        for flux in {entry.flux for entry, _line in entries}:
            if flux.status == CdcFlux.Status.GENERATED:  # the CDC answered: it was deposited
                flux = cdc_flux_deposit(flux=flux, by=by)
            CdcFlux.objects.filter(pk=flux.pk).update(
                status=CdcFlux.Status.PROCESSED, processed_at=now
            )
        audited: list[AuditRow] = []
        for entry, line in entries:
            outcome = CdcEntry.Outcome.ACCEPTED if line.accepted else CdcEntry.Outcome.REJECTED
            entry.outcome, entry.reason, entry.answered_at = outcome, line.reason, now
            counts[outcome] += 1
            reason = "—" if line.accepted else line.reason
            payload: dict[str, object] = {
                "id_flux": entry.flux.id_flux,
                "after": outcome,
                "reason": reason,
            }
            audited.append((entry, entry.registration_id, payload))
        CdcEntry.objects.bulk_update(
            [e for e, _line in entries], ["outcome", "reason", "answered_at"], batch_size=BATCH
        )
        _holders_answered([e for e, _line in entries])
        _audit_many(events.HOLDER_ANSWERED, audited, by=None)
        audit_log(action=events.REPORT_IMPORTED, obj=entries[0][0].flux, by=by, data=counts)
    return counts


def _match(
    lines: list[ReportLine], fluxes: QuerySet[CdcFlux]
) -> tuple[list[tuple[CdcEntry, ReportLine]], list[str]]:
    wanted = {line.id_flux for line in lines}
    known = {f.id_flux: f for f in fluxes.filter(id_flux__in=wanted)}
    by_key = {
        (e.flux.id_flux, e.id_technique): e
        for e in CdcEntry.objects.filter(flux__in=list(known.values())).select_related("flux")
    }
    matched: list[tuple[CdcEntry, ReportLine]] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for line in lines:
        where = _("Ligne %(n)s : ") % {"n": line.number}
        key = (line.id_flux, line.id_technique)
        if line.id_flux not in known:
            errors.append(where + _("flux « %(f)s » inconnu.") % {"f": line.id_flux})
        elif key not in by_key:
            errors.append(
                where
                + _("« %(t)s » n'est pas dans le flux %(f)s.")
                % {"t": line.id_technique, "f": line.id_flux}
            )
        elif key in seen:
            errors.append(where + _("« %(t)s » est répété.") % {"t": line.id_technique})
        else:
            seen.add(key)
            matched.append((by_key[key], line))
    return matched, errors


def _holders_answered(entries: list[CdcEntry]) -> None:
    """An item takes the CDC's answer to its latest deposited entry only."""
    by_entry = {e.pk: e for e in entries}
    items = list(CdcItem.objects.filter(entry_id__in=list(by_entry)))
    for item in items:
        entry = by_entry[item.entry_id]
        accepted = entry.outcome == CdcEntry.Outcome.ACCEPTED
        item.status = CdcItem.Status.ACCEPTED if accepted else CdcItem.Status.REJECTED
        item.reason = "" if accepted else entry.reason
        item.updated_at = timezone.now()
    CdcItem.objects.bulk_update(items, ["status", "reason", "updated_at"], batch_size=BATCH)


def cdc_item_withdraw(*, item: CdcItem, by: User | None) -> CdcItem:
    """Record that an item that no longer stands (certificate amended, block no longer
    validated) was withdrawn on the CDC's platform (the flux has no withdrawal: docs/CDC.md).
    DomainError while it still stands."""
    from .selectors import item_stands

    ensure(by, "cdc.export", item.registration.campaign)
    if item_stands(item):
        raise DomainError(
            _("Ce titulaire est toujours certifié : il n'est pas à retirer de la CDC.")
            if item.block_id is None
            else _("Ce bloc est toujours validé : il n'est pas à retirer de la CDC.")
        )
    return transition(
        item,
        to=CdcItem.Status.WITHDRAWN,
        by=by,
        action=events.HOLDER_WITHDRAWN,
        allowed={s: {CdcItem.Status.WITHDRAWN} for s in CdcItem.HELD},
        changes={"withdrawn_at": timezone.now(), "withdrawn_by": by},
        registration_id=item.registration_id,
        clean=False,
    )


# --- Erasure (privacy.services.person_erase) ----------------------------------------------------


@dataclass
class CdcErased:
    """What taking a person out of the stored fluxes did to storage (cdc_person_erase)."""

    # The former files, to delete once the erasure is committed (storage, name).
    stale: list[tuple[Any, str]] = field(default_factory=list)
    # The rewritten files, to delete if the erasure rolls back (storage, name).
    written: list[tuple[Any, str]] = field(default_factory=list)
    # The files already missing from storage: their fluxes lose them (nothing to rewrite).
    missing: list[str] = field(default_factory=list)


def cdc_person_erase(*, registration_ids: list[int], replace: Callable[[str], str]) -> CdcErased:
    """Take an erased person out of the stored fluxes (docs/CDC.md, « Effacement »): each flux
    that carried them is rewritten without their passages (validated against the XSD again,
    its hash and size the new file's), or its file deleted when no passage is left; a flux not
    yet deposited forgets their entries too. Kept: every flux's idFlux, dates and status, and for
    deposited fluxes the entries (idTechnique, the CDC's answer, its reason redacted by
    `replace`) and items; their data fingerprints are emptied. A flux whose file is already
    missing from storage loses it as a flux left with no passage does (the file is gone anyway),
    and is answered among `missing`. Answers what it did to storage (CdcErased)."""
    entries = CdcEntry.objects.filter(registration_id__in=registration_ids)
    techniques: dict[int, set[str]] = {}
    for flux_id, technique in entries.values_list("flux_id", "id_technique"):
        techniques.setdefault(flux_id, set()).add(technique)
    erased = CdcErased()
    fluxes = CdcFlux.objects.select_for_update().filter(pk__in=list(techniques)).order_by("pk")
    for flux in fluxes:
        if flux.file:
            storage, name = flux.file.storage, flux.file.name
            try:
                _flux_redact(flux, techniques[flux.pk])
            except FileNotFoundError:
                logger.warning("CDC flux %s: its file %s was already missing.", flux.pk, name)
                erased.missing.append(name)
                flux.file = ""  # an emptied FieldFile, as a flux left with no passage
                flux.sha256, flux.size = "", 0
            else:
                erased.stale.append((storage, name))
                if flux.file:
                    erased.written.append((flux.file.storage, flux.file.name))
        if flux.status == CdcFlux.Status.GENERATED:
            gone = CdcEntry.objects.filter(flux=flux, registration_id__in=registration_ids)
            flux.holder_count = max(0, flux.holder_count - gone.count())
            gone.delete()
        flux.redacted_at = timezone.now()
        flux.save(update_fields=["file", "sha256", "size", "holder_count", "redacted_at"])
    kept = list(entries.only("pk", "reason"))
    for entry in kept:
        entry.reason, entry.fingerprint = replace(entry.reason), ""
    CdcEntry.objects.bulk_update(kept, ["reason", "fingerprint"], batch_size=BATCH)
    items = list(CdcItem.objects.filter(registration_id__in=registration_ids).exclude(reason=""))
    for item in items:
        item.reason = replace(item.reason)
    CdcItem.objects.bulk_update(items, ["reason"], batch_size=BATCH)
    return erased


def _flux_redact(flux: CdcFlux, techniques: set[str]) -> None:
    """Rewrite the flux's file without the passages of `techniques` (or empty the file when
    nothing is left, or when the rewritten file would not validate)."""
    with flux.file.open("rb") as handle:
        root = etree.parse(handle, etree.XMLParser(resolve_entities=False, no_network=True))
    for certification in root.iter(q("certification")):
        passages = certification.find(q("passageCertifications"))
        if passages is None:
            continue
        for passage in list(passages):
            if passage.findtext(q("idTechnique")) in techniques:
                passages.remove(passage)
    for certification in list(root.iter(q("certification"))):
        passages = certification.find(q("passageCertifications"))
        if passages is None or not len(passages):
            parent = certification.getparent()
            if parent is not None:
                parent.remove(certification)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    left = root.find(f".//{q('passageCertification')}")
    if left is None or validate(io.BytesIO(data)):
        flux.file = ""  # an emptied FieldFile: the row stays, the file goes
        flux.sha256, flux.size = "", 0
        return
    flux.file.save(flux.filename, ContentFile(data), save=False)
    flux.sha256, flux.size = hashlib.sha256(data).hexdigest(), len(data)
