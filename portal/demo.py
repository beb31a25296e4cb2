"""The candidate space in the demo: at each centre, one `candidate` account (printed by
seed_demo with the others) for a person certified in the closed campaign (their certificate
and credential to take away) and registered again in the open campaign, whose report is still
to hand in. Idempotent."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from candidates import services as candidate_services
from candidates.demo import CLOSED_CAMPAIGN_NAME, DOMAIN, DemoContext, demo_password
from candidates.models import Campaign, Registration
from documents.models import Document


def seed(*, ctx: DemoContext) -> None:
    for centre in ctx.centres:
        campaigns = [c for c in ctx.campaigns if c.centre_id == centre.pk]
        closed = next((c for c in campaigns if c.name == CLOSED_CAMPAIGN_NAME), None)
        opened = next((c for c in campaigns if c.status == Campaign.Status.OPEN), None)
        staff = ctx.accounts.get("staff", {}).get(centre.code)
        certified = _certified(closed) if closed else None
        if certified is None or opened is None or staff is None:
            ctx.say(f"Démo espace candidat : rien à montrer pour {centre.code}.")
            continue
        user = _account(centre.code, certified.candidate)
        candidate = certified.candidate
        if candidate.account_id != user.pk or candidate.email != user.email:
            candidate.account, candidate.email = user, user.email
            candidate.save(update_fields=["account", "email", "updated_at"])
        if not Registration.objects.filter(campaign=opened, candidate=candidate).exists():
            candidate_services.registration_create(
                campaign=opened,
                person=candidate_services.PersonData(
                    civility=candidate.civility,
                    last_name=candidate.last_name,
                    first_name=candidate.first_name,
                    birth_date=candidate.birth_date,
                    email=candidate.email,
                ),
                pathway=certified.pathway,
                by=staff,
            )
        ctx.accounts.setdefault("candidate", {})[centre.code] = user
        ctx.say(f"Démo espace candidat : {user.email} ({centre.code}).")


def _certified(campaign: Campaign) -> Registration | None:
    """An admissible registration of the campaign whose certificate is ready."""
    ready = Document.objects.filter(
        kind=Document.Kind.CERTIFICATE,
        status=Document.Status.READY,
        decision__is_active=True,
        registration__campaign=campaign,
    ).order_by("registration_id")
    document = ready.select_related("registration__candidate").first()
    return document.registration if document else None


def _account(centre_code: str, candidate: Any) -> Any:
    city = centre_code.removeprefix("demo-")
    email = f"candidate.{city}@{DOMAIN}"
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": candidate.first_name, "last_name": candidate.last_name}
    )
    # A password too, so the demo works without reading the e-mailed code.
    password = demo_password(email)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
