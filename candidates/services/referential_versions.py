"""Campaigns keep the referential version they run on: it is never archived under them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError

from ..models import Campaign

if TYPE_CHECKING:
    from referentials.models import Referential

OVER = (Campaign.Status.CLOSED, Campaign.Status.CANCELLED)


def campaigns_keep_their_version(*, referential: Referential, replaced_by: Referential) -> None:
    """Hook referentials.version_archiving: refuse while a campaign that is not over uses the
    version; raises DomainError naming the campaigns."""
    running = list(
        Campaign.objects.filter(referential=referential)
        .exclude(status__in=OVER)
        .order_by("name")
        .values_list("name", flat=True)[:5]
    )
    if running:
        raise DomainError(
            _(
                "La version %(version)d du référentiel « %(code)s » est utilisée par des "
                "campagnes en cours (%(campaigns)s) : elle ne peut pas être archivée avant leur "
                "clôture. La version %(new)d reste en brouillon ; publiez-la ensuite."
            )
            % {
                "version": referential.version,
                "code": referential.code,
                "campaigns": ", ".join(f"« {name} »" for name in running),
                "new": replaced_by.version,
            }
        )
