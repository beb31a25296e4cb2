"""Writes of the candidates app, split by sub-domain; import them from here.

Every function is keyword-only, runs in a transaction, raises `DomainError` with a French message
on refusal and writes its audit entry (`cqpm.centre.*`, `cqpm.campaign.*`, `cqpm.registration.*`).
"""

from .campaigns import (
    CAMPAIGN_TRANSITION_ACTIONS,
    CampaignData,
    campaign_create,
    campaign_transition,
    campaign_update,
)
from .centres import (
    CentreData,
    centre_update,
    membership_add,
    membership_remove,
)
from .companies import company_find_or_create
from .registrations import (
    AccessData,
    PersonData,
    candidate_find_or_create,
    candidate_update,
    registration_create,
    registration_set_stage,
    registration_update,
    registration_withdraw,
)

__all__ = [
    "CAMPAIGN_TRANSITION_ACTIONS",
    "CampaignData",
    "CentreData",
    "AccessData",
    "PersonData",
    "campaign_create",
    "campaign_transition",
    "campaign_update",
    "candidate_find_or_create",
    "candidate_update",
    "centre_update",
    "company_find_or_create",
    "membership_add",
    "membership_remove",
    "registration_create",
    "registration_set_stage",
    "registration_update",
    "registration_withdraw",
]
