"""Companies, recognised by their SIRET."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, full_clean_or_raise

from ..models import Company
from ..validators import normalize_siret, validate_siret


def company_find_or_create(*, siret: str, name: str, by: User) -> Company:
    """The company of this SIRET, created with `name` if unknown; raises DomainError (bad SIRET)."""
    try:
        validate_siret(siret)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="siret") from exc
    siret = normalize_siret(siret)
    company = Company.objects.filter(siret=siret).first()
    if company is not None:
        return company
    name = name.strip()
    if not name:
        raise DomainError(
            _("Le SIRET %(siret)s est inconnu : indiquez la raison sociale de l'entreprise.")
            % {"siret": siret}
        )
    with transaction.atomic():
        company = Company(siret=siret, name=name)
        full_clean_or_raise(company)
        company.save()
        audit_log(
            action="cqpm.company.created",
            obj=company,
            by=by,
            data={"after": {"siret": siret, "name": name}},
        )
    return company
