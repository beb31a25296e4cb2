"""Shape of the codes the RNCP gives a certification and its blocks (used by the CDC deposit)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RNCP_CODE = re.compile(r"RNCP[0-9]{1,10}")
RNCP_BLOCK_CODE = re.compile(r"RNCP[0-9]{1,10}BC[0-9]{1,3}")


def normalize_rncp_code(value: str) -> str:
    """« rncp 35231 » → « RNCP35231 »: no spaces, capitals."""
    return "".join(str(value).split()).upper()


def validate_rncp_code(value: str) -> None:
    if value and not RNCP_CODE.fullmatch(value):
        raise ValidationError(
            _("Le code RNCP s'écrit « RNCP » suivi de chiffres, par exemple RNCP35231."),
            code="rncp_code",
        )


def validate_rncp_block_code(value: str) -> None:
    if value and not RNCP_BLOCK_CODE.fullmatch(value):
        raise ValidationError(
            _("Le code RNCP d'un bloc s'écrit comme RNCP35231BC01 (code RNCP, « BC », numéro)."),
            code="rncp_block_code",
        )
