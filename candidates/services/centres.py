"""Exam centres: their identity and the people who work there (staff, evaluators, jury)."""

from dataclasses import asdict, dataclass

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import account_find_or_invite
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, full_clean_or_raise
from cqpm.core.uploads import image_reencode

from ..models import CentreMembership, ExamCentre
from ._common import changes_between, ensure_staff_of
from .companies import company_find_or_create

LOGO_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CentreData:
    name: str
    region: str = ""
    address: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    # The certifier's ids at the Caisse des Dépôts for this centre's deposits (blank: settings).
    cdc_client_id: str = ""
    cdc_contract_id: str = ""


def centre_update(
    *,
    centre: ExamCentre,
    data: CentreData,
    by: User,
    logo: UploadedFile | None = None,
    clear_logo: bool = False,
) -> ExamCentre:
    """Staff edit their centre's identity; the logo is stored re-encoded (pixels only); raises
    DomainError (not staff, bad or duplicate name, logo too big or not an image)."""
    ensure_staff_of(by, centre.pk)
    if logo is not None and (logo.size or 0) > LOGO_MAX_BYTES:
        raise DomainError(_("Le logo ne doit pas dépasser 2 Mo."))
    stored: File[bytes] | None = None
    if logo is not None:
        stored = image_reencode(logo, name=logo.name or "logo")
    with transaction.atomic():
        locked = ExamCentre.objects.select_for_update().get(pk=centre.pk)
        fields = asdict(data)
        before = {name: getattr(locked, name) for name in fields}
        before["logo"] = locked.logo.name
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if clear_logo:
            locked.logo = ""
        if stored is not None:
            locked.logo.save(stored.name, stored, save=False)
        try:
            full_clean_or_raise(locked)
            locked.save()
        except Exception:
            if stored is not None:  # nothing half-written: no orphan file either
                locked.logo.delete(save=False)
            raise
        after = {name: getattr(locked, name) for name in fields}
        after["logo"] = locked.logo.name
        audit_log(
            action="cqpm.centre.updated",
            obj=locked,
            by=by,
            data=changes_between(before, after),
            centre_id=locked.pk,
        )
    return locked


def membership_add(
    *,
    centre: ExamCentre,
    email: str,
    role: str,
    by: User,
    first_name: str = "",
    last_name: str = "",
    college: str = "",
    company_siret: str = "",
    company_name: str = "",
) -> CentreMembership:
    """Give a person a role at the centre (account created if unknown); raises DomainError."""
    ensure_staff_of(by, centre.pk)
    if role not in CentreMembership.Role.values:
        raise DomainError(_("Rôle inconnu."))
    if role == CentreMembership.Role.JURY and not college:
        raise DomainError(_("Indiquez le collège (employeurs ou salariés) du membre de jury."))
    if role != CentreMembership.Role.JURY:
        college = ""
    with transaction.atomic():
        user, _created = account_find_or_invite(
            email=email, by=by, first_name=first_name, last_name=last_name
        )
        if CentreMembership.objects.filter(centre=centre, user=user, role=role).exists():
            raise DomainError(_("Cette personne a déjà ce rôle dans le centre."))
        company = None
        if company_siret:
            company = company_find_or_create(siret=company_siret, name=company_name, by=by)
        membership = CentreMembership(
            centre=centre, user=user, role=role, college=college, company=company
        )
        full_clean_or_raise(membership)
        membership.save()
        audit_log(
            action="cqpm.centre.membership.added",
            obj=membership,
            by=by,
            data={"after": {"user": user.email, "role": role, "college": college}},
            centre_id=centre.pk,
        )
    return membership


def membership_remove(*, membership: CentreMembership, by: User) -> None:
    """Take a role away; the centre keeps at least one staff member; raises DomainError."""
    ensure_staff_of(by, membership.centre_id)
    with transaction.atomic():
        ExamCentre.objects.select_for_update().get(pk=membership.centre_id)
        if membership.role == CentreMembership.Role.STAFF:
            staff = CentreMembership.objects.filter(
                centre_id=membership.centre_id, role=CentreMembership.Role.STAFF
            )
            if staff.count() <= 1:
                raise DomainError(_("Le centre doit garder au moins un membre du personnel."))
        audit_log(
            action="cqpm.centre.membership.removed",
            obj=membership,
            by=by,
            data={"before": {"user": membership.user.email, "role": membership.role}},
            centre_id=membership.centre_id,
        )
        membership.delete()
