"""Referential versions: import, export, new draft, draft update and publication; the RNCP
registration, which changes over a published version's life.

A published (or archived) version never changes: every change goes through a new draft version
that is then published by an explicit action, which archives the version it replaces — unless a
campaign that is not over still uses it (the `referentials.version_archiving` hook lets the
campaigns say so), in which case publishing is refused and nothing changes.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.access import ensure
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, InvalidTransition, full_clean_or_raise
from cqpm.core.registry import emit
from cqpm.core.workflow import transition

from .events import VERSION_ARCHIVING, VersionArchiving
from .files import KINDS, referential_data_validate
from .models import Block, Capacity, Condition, Criterion, Referential
from .validators import normalize_rncp_code

Status = Referential.Status
TRANSITIONS = {
    Status.DRAFT: {Status.PUBLISHED},
    Status.PUBLISHED: {Status.ARCHIVED},
    Status.ARCHIVED: set(),
}
HEADER_FIELDS = ("title", "category", "level", "issuer", "last_modified", "objective", "missions")


def referential_export(*, referential: Referential) -> dict[str, Any]:
    """The canonical dict of one version, in the file contract's shape and key order."""
    prefetch_related_objects(
        [referential], "blocks", "capacities__conditions", "capacities__criteria"
    )
    data: dict[str, Any] = {"code": referential.code, "title": referential.title}
    for key in ("category", "level"):
        if getattr(referential, key):
            data[key] = getattr(referential, key)
    data.update(
        issuer=referential.issuer,
        last_modified=referential.last_modified,
        objective=referential.objective,
        missions=list(referential.missions),
    )
    if referential.rncp_registered:
        data["rncp_registered"] = True
        if referential.rncp_code:
            data["rncp_number"] = referential.rncp_code
    capacities = sorted(referential.capacities.all(), key=lambda c: c.number)
    data["blocks"] = [
        {
            "code": block.code,
            "title": block.title,
            "capacities": [c.number for c in capacities if c.block_id == block.pk],
        }
        for block in sorted(referential.blocks.all(), key=lambda b: b.position)
    ]
    data["capacities"] = [_export_capacity(capacity) for capacity in capacities]
    if referential.notes:
        data["notes"] = referential.notes
    return data


def _export_capacity(capacity: Capacity) -> dict[str, Any]:
    criteria = sorted(capacity.criteria.all(), key=lambda c: c.position)
    return {
        "number": capacity.number,
        "title": capacity.title,
        "conditions": [c.text for c in sorted(capacity.conditions.all(), key=lambda c: c.position)],
        "criteria": {kind: [c.text for c in criteria if c.kind == kind] for kind in KINDS},
        "methods": list(capacity.methods),
    }


def referential_import(
    *, data: dict[str, Any], by: User | None = None, publish: bool = False
) -> Referential:
    """Load `data` for its code: a first version is published at once; a changed file for a
    published code becomes a new draft version, published only by an explicit action
    (`publish=True`, the admin's or the command's); identical content returns the version
    that holds it. Raises ReferentialFileError (nothing written) or DomainError."""
    clean = referential_data_validate(data=data)
    with transaction.atomic():
        versions = Referential.objects.select_for_update().filter(code=clean["code"])
        current = versions.exclude(status=Status.DRAFT).order_by("-version").first()
        draft = versions.filter(status=Status.DRAFT).first()
        for existing in (draft, current):
            if existing is not None and referential_export(referential=existing) == clean:
                return _publish(existing, by=by) if publish and existing is draft else existing
        if draft is not None:
            raise DomainError(
                _(
                    "Le brouillon %(version)d du référentiel « %(code)s » est en cours : "
                    "publiez-le ou supprimez-le avant d'importer une autre version."
                )
                % {"version": draft.version, "code": draft.code}
            )
        referential = _create_version(clean, version=_next_version(clean["code"]))
        audit_log(
            action="cqpm.referentials.referential.imported",
            obj=referential,
            by=by,
            data={"code": referential.code, "version": referential.version},
        )
        if current is None or publish:
            return _publish(referential, by=by)
        return referential


def referential_published_for(*, referential: Referential) -> Referential | None:
    """The published version of the same code, other than this one (what a draft replaces)."""
    return (
        Referential.objects.filter(code=referential.code, status=Status.PUBLISHED)
        .exclude(pk=referential.pk)
        .first()
    )


def referential_new_draft(*, referential: Referential, by: User) -> Referential:
    """Copy a published or archived version into a new draft version N+1; raises DomainError
    if the version is itself a draft or a draft already exists for the code."""
    with transaction.atomic():
        source = Referential.objects.select_for_update().get(pk=referential.pk)
        if not source.is_frozen:
            raise DomainError(_("Ce référentiel est déjà un brouillon : modifiez-le directement."))
        draft = Referential.objects.filter(code=source.code, status=Status.DRAFT).first()
        if draft is not None:
            raise DomainError(
                _("Un brouillon existe déjà pour ce référentiel (version %(version)d).")
                % {"version": draft.version}
            )
        copy = _create_version(
            referential_export(referential=source), version=_next_version(source.code)
        )
        audit_log(
            action="cqpm.referentials.referential.draft_created",
            obj=copy,
            by=by,
            data={"from_version": source.version, "after": Status.DRAFT},
        )
    return copy


def referential_update(*, referential: Referential, data: dict[str, Any], by: User) -> Referential:
    """Replace the whole content of a draft with `data` (same code); raises DomainError for a
    published or archived version, ReferentialFileError for invalid data."""
    clean = referential_data_validate(data=data)
    with transaction.atomic():
        locked = Referential.objects.select_for_update().get(pk=referential.pk)
        _refuse_frozen(locked)
        if clean["code"] != locked.code:
            raise DomainError(_("Le code du référentiel ne peut pas changer dans un brouillon."))
        before = locked.capacities.count()
        locked.capacities.all().delete()
        locked.blocks.all().delete()
        _fill(locked, clean)
        locked.full_clean()
        locked.save()
        _write_content(locked, clean)
        audit_log(
            action="cqpm.referentials.referential.updated",
            obj=locked,
            by=by,
            data={
                "before": {"capacities": before},
                "after": {"capacities": len(clean["capacities"])},
            },
        )
    return locked


def referential_publish(*, referential: Referential, by: User) -> Referential:
    """Publish a complete draft and archive the version it replaces; raises DomainError
    (InvalidTransition if not a draft, ReferentialFileError if its content is incomplete)."""
    with transaction.atomic():
        locked = Referential.objects.select_for_update().get(pk=referential.pk)
        if locked.is_frozen:
            raise InvalidTransition(
                _("Seul un brouillon peut être publié ; ce référentiel est « %(status)s ».")
                % {"status": locked.get_status_display()}
            )
        referential_data_validate(data=referential_export(referential=locked))
        return _publish(locked, by=by)


def _publish(referential: Referential, *, by: User | None) -> Referential:
    current = (
        Referential.objects.select_for_update()
        .filter(code=referential.code, status=Status.PUBLISHED)
        .exclude(pk=referential.pk)
    )
    for previous in current:
        # Campaigns that are not over refuse (DomainError): the whole publication rolls back.
        emit(VERSION_ARCHIVING, **VersionArchiving(referential=previous, replaced_by=referential))
        transition(
            previous,
            to=Status.ARCHIVED,
            by=by,
            action="cqpm.referentials.referential.archived",
            allowed=TRANSITIONS,
            data={"replaced_by_version": referential.version},
        )
    return transition(
        referential,
        to=Status.PUBLISHED,
        by=by,
        action="cqpm.referentials.referential.published",
        allowed=TRANSITIONS,
        changes={"published_at": timezone.now()},
        data={"code": referential.code, "version": referential.version},
    )


def _refuse_frozen(referential: Referential) -> None:
    if referential.is_frozen:
        raise DomainError(
            _("Un référentiel publié ne peut pas être modifié : créez un nouveau brouillon.")
        )


def _next_version(code: str) -> int:
    latest = Referential.objects.filter(code=code).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def _fill(referential: Referential, clean: dict[str, Any]) -> None:
    for name in HEADER_FIELDS:
        setattr(referential, name, clean.get(name, ""))
    referential.notes = clean.get("notes", "")
    referential.rncp_registered = bool(clean.get("rncp_registered", False))
    referential.rncp_code = clean.get("rncp_number", "")


def _create_version(clean: dict[str, Any], *, version: int) -> Referential:
    """A new draft version holding `clean`, children included (bulk: the draft is ours)."""
    referential = Referential(code=clean["code"], version=version, status=Status.DRAFT)
    _fill(referential, clean)
    referential.full_clean()
    referential.save()
    _write_content(referential, clean)
    return referential


def _write_content(referential: Referential, clean: dict[str, Any]) -> None:
    Block.objects.bulk_create(
        Block(referential=referential, position=position, code=b["code"], title=b["title"])
        for position, b in enumerate(clean["blocks"], start=1)
    )
    blocks = {b.code: b for b in referential.blocks.all()}
    block_of = {n: blocks[b["code"]] for b in clean["blocks"] for n in b["capacities"]}
    Capacity.objects.bulk_create(
        Capacity(
            referential=referential,
            block=block_of.get(c["number"]),
            number=c["number"],
            title=c["title"],
            methods=c["methods"],
        )
        for c in clean["capacities"]
    )
    capacities = {c.number: c for c in referential.capacities.all()}
    conditions, criteria = [], []
    for c in clean["capacities"]:
        capacity = capacities[c["number"]]
        conditions += [
            Condition(capacity=capacity, position=position, text=text)
            for position, text in enumerate(c["conditions"], start=1)
        ]
        criteria += [
            Criterion(capacity=capacity, kind=kind, position=position, text=text)
            for kind in KINDS
            for position, text in enumerate(c["criteria"][kind], start=1)
        ]
    Condition.objects.bulk_create(conditions)
    Criterion.objects.bulk_create(criteria)


@dataclass(frozen=True)
class RncpData:
    """A referential's RNCP registration: whether it is registered, its code (« RNCP35231 »),
    the end of the registration, and its blocks' codes (block code -> « RNCP35231BC01 »)."""

    registered: bool
    code: str = ""
    registration_end: datetime.date | None = None
    block_codes: dict[str, str] = field(default_factory=dict)


def referential_rncp_update(
    *, referential: Referential, data: RncpData, by: User | None
) -> Referential:
    """Record the RNCP registration of any version, published ones too (a renewal is not a new
    content); whoever `referential.rncp` allows (the branch), administrators, a command (None);
    audited; raises DomainError."""
    ensure(
        by,
        "referential.rncp",
        referential,
        _("Seuls la branche et les administrateurs modifient l'enregistrement au RNCP."),
    )
    code = normalize_rncp_code(data.code)
    block_codes = {key: normalize_rncp_code(value) for key, value in data.block_codes.items()}
    if (code or data.registration_end or any(block_codes.values())) and not data.registered:
        raise DomainError(_("Un code ou une fin d'enregistrement RNCP suppose un CQPM inscrit."))
    with transaction.atomic():
        locked = Referential.objects.select_for_update().get(pk=referential.pk)
        before = _rncp_snapshot(locked)
        locked.rncp_registered, locked.rncp_code = data.registered, code
        locked.rncp_registration_end = data.registration_end
        full_clean_or_raise(locked, validate_constraints=False)
        blocks = {block.code: block for block in locked.blocks.all()}
        for key, value in block_codes.items():
            if key not in blocks:
                raise DomainError(_("Bloc « %(code)s » inconnu.") % {"code": key[:32]})
            blocks[key].rncp_code = value
            full_clean_or_raise(blocks[key], exclude=["referential"], validate_constraints=False)
        locked.save()
        for key, value in block_codes.items():
            # A published version's blocks refuse save() (their content is frozen): the RNCP
            # code is not content, so it is written past that guard, on this column alone.
            Block.objects.filter(pk=blocks[key].pk).update(rncp_code=value)
        changes = changes_of(before, _rncp_snapshot(locked))
        if changes["after"]:
            audit_log(
                action="cqpm.referentials.referential.rncp_updated", obj=locked, by=by, data=changes
            )
    return locked


def _rncp_snapshot(referential: Referential) -> dict[str, Any]:
    return {
        "rncp_registered": referential.rncp_registered,
        "rncp_code": referential.rncp_code,
        "rncp_registration_end": referential.rncp_registration_end,
        "blocks": dict(referential.blocks.order_by("position").values_list("code", "rncp_code")),
    }


def changes_of(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {
        "before": {key: before.get(key) for key in changed},
        "after": {key: after[key] for key in changed},
    }


def referential_ensure_rncp_active(*, referential: Referential, on: datetime.date) -> None:
    """A certificate of an RNCP certification is refused once its registration has ended
    before `on` (the jury's date); raises DomainError."""
    if referential.rncp_ended_before(on):
        end = referential.rncp_registration_end
        raise DomainError(
            _(
                "L'enregistrement au RNCP du référentiel « %(code)s » (%(rncp)s) a pris fin le "
                "%(end)s, avant le jury du %(jury)s : l'attestation ne peut pas être délivrée."
            )
            % {
                "code": referential.code,
                "rncp": referential.rncp_code or _("sans code"),
                "end": f"{end:%d/%m/%Y}" if end else "",
                "jury": f"{on:%d/%m/%Y}",
            },
            code="rncp_ended",
        )
