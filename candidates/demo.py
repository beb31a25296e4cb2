"""Demo data for `manage.py seed_demo`: two exam centres, campaigns of the seed referential at
each (one per status the lifecycle shows: inscriptions ouvertes, évaluations en cours, jury),
registrations at every stage, each in a campaign whose status allows it, and one account per role
and centre.

Accounts (printed by seed_demo, one line each, tab-separated, also written to
var/demo-accounts.tsv): `ROLE<TAB>CENTRE<TAB>EMAIL<TAB>PASSWORD[<TAB>TOTP_SECRET]`, ROLE one of
staff, tutor, evaluator, jury_president, jury_member, candidate (one per centre, CENTRE = centre
code; candidate added by the portal app's seeder),
reviewer, branch (the GTP « Certifications », national) and none (CENTRE empty). Staff, jury
and branch roles must use TOTP: their fifth column is the base32 secret of their authenticator.
Passwords and secrets are derived from SECRET_KEY, so a
rerun prints the same lines and another installation prints other ones.

Extension contract
------------------
seed_demo runs every demo seeder registered in cqpm.core.registry (`register_demo_seeder`), in
their order (this app's `seed` first), each called as `seed(*, ctx: DemoContext) -> None`, all in
one transaction. `ctx` holds what the previous seeders made:
- `centres`: the two demo ExamCentre, in a fixed order;
- `campaigns`: the demo campaigns, centre by centre and within a centre in `DEMO_CAMPAIGNS`
  order. Each is created then opened (registrations are only accepted while open) and has a
  target status in `targets` (campaign pk -> status); a seeder that needs the campaign further on
  calls `ctx.reach(campaign, status)`, which moves it through `services.campaign_transition` up
  to that status if its target lies at or beyond it (and never past the target). Seeders thus
  work in lifecycle order: dossiers while open, evidence and results during evaluations, juries
  and documents at the jury (and, for a campaign whose target is "closed", closing it last);
- `accounts`: role -> centre code -> User, for the roles above; "reviewer", "branch" and "none"
  are under the centre code "";
- `registrations`: campaign pk -> the showcase registrations of that campaign: three at each
  Registration.Stage the campaign shows (every stage appears in some campaign of each centre),
  so a later app finds the ones it should give its objects to (a "dossier" registration wants a
  dossier, a "jury" one a jury session...). The registrations added by `--registrations N` go
  into the first (open) campaign and are not listed: they only feed benchmarks;
- `stdout` and `verbosity`: write progress only when verbosity > 1, so that the default output
  stays exactly the accounts table.
Every seeder must be idempotent (look up before creating): `make run` runs seed_demo each time.
"""

import base64
import datetime
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from cqpm.core.registry import demo_seeders
from referentials.models import Referential
from referentials.services import RncpData, referential_rncp_update

from . import lifecycle, services
from .importing import ImportRow, registrations_bulk_create
from .models import (
    AccessMode,
    Campaign,
    CentreMembership,
    Company,
    ExamCentre,
    Pathway,
    Registration,
    RegistrationInitiative,
    VaeWay,
)
from .services.campaigns import REASON_MAY_BE_REQUIRED
from .validators import luhn_ok

SEED_REFERENTIAL = "2015 04 54 0303"
DOMAIN = "demo.cqpm.local"
BENCH_DOMAIN = "bench.demo.cqpm.local"
CAMPAIGN_NAME = "Responsable d'affaires — campagne de démonstration"
CLOSED_CAMPAIGN_NAME = "Responsable d'affaires — campagne clôturée (démonstration)"
Stage = Registration.Stage
CS = Campaign.Status


@dataclass(frozen=True)
class DemoCampaign:
    """One demo campaign per centre: its name, the status it reaches, the stages it shows and
    its calendar as day offsets from today (opens, closes, reports, opinions, commissions from,
    to, jury): past enough for what it has done, so that every date check holds."""

    name: str
    target: str
    stages: tuple[str, ...]
    offsets: tuple[int, int, int, int, int, int, int]


DEMO_CAMPAIGNS = [
    DemoCampaign(
        CAMPAIGN_NAME,
        CS.OPEN,
        (Stage.REGISTERED, Stage.DOSSIER, Stage.WITHDRAWN),
        (-60, 30, 60, 75, 90, 105, 120),
    ),
    DemoCampaign(
        "Responsable d'affaires — évaluations en cours (démonstration)",
        CS.IN_PROGRESS,
        (Stage.EVIDENCE, Stage.COMMISSION),
        (-150, -90, -30, -20, -10, 20, 40),
    ),
    DemoCampaign(
        "Responsable d'affaires — jury (démonstration)",
        CS.JURY,
        (Stage.JURY, Stage.ADMISSIBLE, Stage.NOT_ADMISSIBLE),
        (-300, -240, -180, -170, -160, -130, -120),
    ),
    # Closed with its certificates; documents.demo then amends one decision (certificate revoked,
    # the new document ready), so every state of the lifecycle can be seen.
    DemoCampaign(
        CLOSED_CAMPAIGN_NAME,
        CS.CLOSED,
        (Stage.ADMISSIBLE, Stage.NOT_ADMISSIBLE),
        (-520, -460, -400, -390, -380, -350, -340),
    ),
]
CENTRE_ROLES = ("staff", "tutor", "evaluator", "jury_president", "jury_member")
# Per-centre accounts that later seeders add to `ctx.accounts` (the portal app's candidate).
LATER_CENTRE_ROLES = ("candidate",)
MFA_ROLES = frozenset({"staff", "jury_president", "jury_member", "branch"})
PER_STAGE = 3

CENTRES = [
    # code, name, region, city (for e-mails and company names)
    ("demo-lyon", "UIMM Lyon-Rhône (démonstration)", "Auvergne-Rhône-Alpes", "lyon"),
    ("demo-nantes", "UIMM Loire-Atlantique (démonstration)", "Pays de la Loire", "nantes"),
]
# The letterhead of the demo documents: address (its town dates them: « Fait à Lyon, le … »),
# contact and the centre's signatory, by role.
CENTRE_IDENTITY = {
    "demo-lyon": {
        "address": "60 avenue Jean Mermoz\n69008 Lyon",
        "phone": "04 72 00 00 00",
        "email": "cqpm@lyon.demo.example",
        "signatory_name": "Claire Dubois",
        "signatory_title": "Responsable du centre d'examen",
    },
    "demo-nantes": {
        "address": "1 rue de la Métallurgie\n44000 Nantes",
        "phone": "02 40 00 00 00",
        "email": "cqpm@nantes.demo.example",
        "signatory_name": "Yann Le Goff",
        "signatory_title": "Responsable du centre d'examen",
    },
}
PEOPLE = {
    "staff": [("Claire", "Dubois"), ("Yann", "Le Goff")],
    "tutor": [("Marc", "Lefebvre"), ("Gwenaëlle", "Riou")],
    "evaluator": [("Sophie", "Garnier"), ("Erwan", "Tanguy")],
    "jury_president": [("Alain", "Moreau"), ("Françoise", "Guérin")],
    "jury_member": [("Nadia", "Benali"), ("Thierry", "Brunet")],
}
# First names with the civility of the person who bears them: a demo person is never
# « Monsieur Inès ». Camille and Sacha are borne by both; here they are Mme and M.
FIRST_NAMES_WITH_CIVILITY = [
    ("Léa", "Mme"), ("Hugo", "M."), ("Chloé", "Mme"), ("Lucas", "M."), ("Manon", "Mme"),
    ("Louis", "M."), ("Inès", "Mme"), ("Nathan", "M."), ("Camille", "Mme"), ("Théo", "M."),
    ("Sarah", "Mme"), ("Enzo", "M."), ("Jade", "Mme"), ("Mathis", "M."), ("Zoé", "Mme"),
    ("Raphaël", "M."), ("Lina", "Mme"), ("Tom", "M."), ("Anaïs", "Mme"), ("Noah", "M."),
    ("Eva", "Mme"), ("Jules", "M."), ("Clara", "Mme"), ("Gabriel", "M."), ("Lou", "Mme"),
    ("Arthur", "M."), ("Emma", "Mme"), ("Adam", "M."), ("Julie", "Mme"), ("Maël", "M."),
    ("Océane", "Mme"), ("Paul", "M."), ("Margaux", "Mme"), ("Victor", "M."), ("Elsa", "Mme"),
    ("Antoine", "M."), ("Romane", "Mme"), ("Sacha", "M."), ("Nina", "Mme"), ("Léo", "M."),
]  # fmt: skip
FIRST_NAMES = [name for name, _civility in FIRST_NAMES_WITH_CIVILITY]
CIVILITY_OF = dict(FIRST_NAMES_WITH_CIVILITY)
# The accounts' civility: the minutes they sign agree with it (« présidente », « présent »).
ACCOUNT_CIVILITY = {
    "Claire": "Mme", "Yann": "M.", "Marc": "M.", "Gwenaëlle": "Mme", "Sophie": "Mme",
    "Erwan": "M.", "Alain": "M.", "Françoise": "Mme", "Nadia": "Mme", "Thierry": "M.",
}  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
    "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
    "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont",
    "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen",
    "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche",
]  # fmt: skip
# The CDC deposit (issue 23): the certifier's ids per demo centre, the seed CQPM's RNCP code, and
# birth places (INSEE code, commune) given to every showcase person but one.
CDC_IDS = {
    "demo-lyon": ("DEMOLYON", "DEMO-CTR-LYON"),
    "demo-nantes": ("DEMONANT", "DEMO-CTR-NANTES"),
}
DEMO_RNCP_CODE = "RNCP99999"  # fictitious: the seed's text names no registration
BIRTH_PLACES = [
    ("69123", "Lyon"), ("44109", "Nantes"), ("75056", "Paris"), ("13055", "Marseille"),
    ("31555", "Toulouse"), ("35238", "Rennes"), ("29019", "Brest"), ("2A004", "Ajaccio"),
    ("42218", "Saint-Étienne"), ("59350", "Lille"),
]  # fmt: skip
# In the jury campaign of the first centre, its first admissible person has no birth place: the
# deposit's check shows what staff would have to fill in.
COMPANY_NAMES = [
    "Forges de {city}",
    "Mécanique de précision de {city}",
    "Chaudronnerie {city} Industrie",
]


@dataclass
class DemoContext:
    """What the seeders share; see the module docstring for the contract."""

    stdout: Any
    verbosity: int = 1
    centres: list[ExamCentre] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    registrations: dict[int, list[Registration]] = field(default_factory=dict)
    targets: dict[int, str] = field(default_factory=dict)
    referential: Referential | None = None

    def say(self, text: str) -> None:
        if self.verbosity > 1:
            self.stdout.write(text)

    def reach(self, campaign: Campaign, status: str) -> bool:
        """Move `campaign` forward to `status` through the campaign service, if its target is at
        or beyond it; True when the campaign is (now) there. The shared instance and its
        showcase registrations see the new status."""
        order = lifecycle.ORDER
        target = self.targets.get(campaign.pk, campaign.status)
        if target not in order or order.index(target) < order.index(status):
            return campaign.status == status
        while campaign.status in order and order.index(campaign.status) < order.index(status):
            following = order[order.index(campaign.status) + 1]
            moved = services.campaign_transition(
                campaign=campaign,
                to=following,
                by=None,
                # The demo moves on whatever is missing; its history says why.
                reason="Jeu de démonstration." if following in REASON_MAY_BE_REQUIRED else "",
            )
            campaign.status = moved.status
        for registration in self.registrations.get(campaign.pk, []):
            registration.campaign = campaign
        return campaign.status == status


@dataclass(frozen=True)
class DemoAccount:
    role: str
    centre: str
    email: str
    password: str
    totp_secret: str = ""

    def line(self) -> str:
        cells = [self.role, self.centre, self.email, self.password]
        if self.totp_secret:
            cells.append(self.totp_secret)
        return "\t".join(cells)


# --- Entry points -----------------------------------------------------------------------------


def run(*, stdout: Any, verbosity: int = 1, registrations: int | None = None) -> DemoContext:
    """Seed everything, idempotently, in one transaction; returns the shared context."""
    referential = seed_referential()
    ctx = DemoContext(stdout=stdout, verbosity=verbosity)
    with transaction.atomic():
        ctx.referential = referential
        for seeder in demo_seeders():
            seeder.provider(ctx=ctx)
        if registrations:
            grow_campaign(campaign=ctx.campaigns[0], total=registrations, ctx=ctx)
    return ctx


def seed(*, ctx: DemoContext, referential: Referential | None = None) -> None:
    """This app's part: centres, accounts, campaigns and showcase registrations."""
    referential = referential or ctx.referential or seed_referential()
    evaluator_company = _company(99, "Bureau d'études et d'évaluation (démonstration)")
    for index, (code, name, region, city) in enumerate(CENTRES):
        centre, _created = ExamCentre.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "region": region,
                "cdc_client_id": CDC_IDS[code][0],
                "cdc_contract_id": CDC_IDS[code][1],
                **CENTRE_IDENTITY[code],
            },
        )
        ctx.centres.append(centre)
        for role in CENTRE_ROLES:
            user = _account(role, city, *PEOPLE[role][index])
            _membership(centre, role, user, evaluator_company)
            ctx.accounts.setdefault(role, {})[code] = user
        first = 0
        for plan in DEMO_CAMPAIGNS:
            campaign = _campaign(centre, referential, plan)
            ctx.campaigns.append(campaign)
            ctx.targets[campaign.pk] = plan.target
            ctx.registrations[campaign.pk] = _showcase(campaign, index, city, ctx, plan, first)
            first += PER_STAGE * len(plan.stages)
    _cdc_identity(ctx, referential)
    ctx.accounts["reviewer"] = {
        "": _account("reviewer", "", "Hélène", "Marchand", is_reviewer=True)
    }
    ctx.accounts["branch"] = {"": _account("branch", "", "Bernard", "Paritaire", is_branch=True)}
    ctx.accounts["none"] = {"": _account("none", "", "Paul", "Sansrôle")}
    ctx.say(f"Démo : {len(ctx.centres)} centres, {len(ctx.campaigns)} campagnes.")


def accounts_of(ctx: DemoContext) -> list[DemoAccount]:
    """The accounts table, in a fixed order: centre by centre, then reviewer, branch and none."""
    rows = []
    for centre in ctx.centres:
        for role in CENTRE_ROLES:
            rows.append(_credentials(role, centre.code, ctx.accounts[role][centre.code]))
        for role in LATER_CENTRE_ROLES:
            if centre.code in ctx.accounts.get(role, {}):
                rows.append(_credentials(role, centre.code, ctx.accounts[role][centre.code]))
    rows.append(_credentials("reviewer", "", ctx.accounts["reviewer"][""]))
    rows.append(_credentials("branch", "", ctx.accounts["branch"][""]))
    rows.append(_credentials("none", "", ctx.accounts["none"][""]))
    return rows


# --- Secrets derived from SECRET_KEY -----------------------------------------------------------


def _digest(purpose: str, email: str) -> bytes:
    message = f"cqpm-demo:{purpose}:{email}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def demo_password(email: str) -> str:
    text = base64.b32encode(_digest("password", email)[:10]).decode().lower()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def demo_totp_secret(email: str) -> str:
    return base64.b32encode(_digest("totp", email)[:20]).decode()


def _credentials(role: str, centre: str, user: Any) -> DemoAccount:
    secret = demo_totp_secret(user.email) if role in MFA_ROLES else ""
    return DemoAccount(role, centre, user.email, demo_password(user.email), secret)


# --- Building blocks ---------------------------------------------------------------------------


def seed_referential() -> Referential:
    """The published seed referential, loaded by load_seed_referentials when missing."""
    found = _published(SEED_REFERENTIAL)
    if found is None and "load_seed_referentials" in get_commands():
        call_command("load_seed_referentials", verbosity=0, stdout=_Discard())
        found = _published(SEED_REFERENTIAL)
    if found is None:
        raise CommandError(
            f"Le référentiel publié « {SEED_REFERENTIAL} » est introuvable : "
            "lancez d'abord `manage.py load_seed_referentials`."
        )
    return found


def _published(code: str) -> Referential | None:
    return (
        Referential.objects.filter(code=code, status=Referential.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


class _Discard:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _account(role: str, city: str, first: str, last: str, **extra: Any) -> Any:
    local = role.replace("_", ".") + (f".{city}" if city else "")
    email = f"{local}@{DOMAIN}"
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, **extra}
    )
    password = demo_password(email)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    civility = ACCOUNT_CIVILITY.get(first, "")
    if civility and user.civility != civility:
        user.civility = civility
        user.save(update_fields=["civility"])
    if role in MFA_ROLES:
        _totp(user, demo_totp_secret(email))
    return user


def _totp(user: Any, secret: str) -> None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, secret)
    elif decrypt(authenticator.data["secret"]) != secret:
        authenticator.data = {"secret": encrypt(secret)}
        authenticator.save(update_fields=["data"])


def _membership(centre: ExamCentre, role: str, user: Any, evaluator_company: Company) -> None:
    values = {
        "staff": (CentreMembership.Role.STAFF, {}),
        "evaluator": (CentreMembership.Role.EVALUATOR, {"company": evaluator_company}),
        "jury_president": (
            CentreMembership.Role.JURY,
            {"college": CentreMembership.College.EMPLOYER},
        ),
        "jury_member": (CentreMembership.Role.JURY, {"college": CentreMembership.College.EMPLOYEE}),
    }
    if role in values:
        membership_role, defaults = values[role]
        CentreMembership.objects.get_or_create(
            centre=centre, user=user, role=membership_role, defaults=defaults
        )


def _siret(number: int) -> str:
    prefix = f"99{number:011d}"
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def _company(number: int, name: str) -> Company:
    company, _created = Company.objects.get_or_create(siret=_siret(number), defaults={"name": name})
    return company


def _campaign(centre: ExamCentre, referential: Referential, plan: DemoCampaign) -> Campaign:
    campaign = Campaign.objects.filter(centre=centre, name=plan.name).first()
    if campaign is not None:
        return campaign
    today = timezone.localdate()
    dates = [today + datetime.timedelta(days=offset) for offset in plan.offsets]
    data = services.CampaignData(
        plan.name,
        registration_opens=dates[0],
        registration_closes=dates[1],
        report_deadline=dates[2],
        opinion_deadline=dates[3],
        commission_starts=dates[4],
        commission_ends=dates[5],
        jury_date=dates[6],
    )
    campaign = services.campaign_create(centre=centre, referential=referential, data=data, by=None)
    # Open, so that the showcase registrations can be made; later seeders move it on.
    return services.campaign_transition(campaign=campaign, to=Campaign.Status.OPEN, by=None)


def _cdc_identity(ctx: DemoContext, referential: Referential) -> None:
    """Every showcase person with their whole identity for the CDC deposit (birth place, a
    second first name for some, the access mode and initiative of their registration, a
    registration date within the campaign's window) but one, and the seed CQPM registered
    in the RNCP; only what is still blank is filled, so reruns change nothing."""
    if not referential.rncp_code:
        referential_rncp_update(
            referential=referential,
            data=RncpData(
                registered=True,
                code=DEMO_RNCP_CODE,
                registration_end=timezone.localdate() + datetime.timedelta(days=3 * 365),
            ),
            by=None,
        )
        referential.refresh_from_db()
    missing = _without_birth_place(ctx)
    for registrations in ctx.registrations.values():
        for n, registration in enumerate(registrations):
            _fill_person(registration.candidate, n, missing=registration.pk == missing)
            _fill_registration(registration, n)


def _without_birth_place(ctx: DemoContext) -> int | None:
    for campaign in ctx.campaigns:
        if ctx.targets.get(campaign.pk) == CS.JURY:
            admissible = [
                r for r in ctx.registrations[campaign.pk] if r.stage == Stage.ADMISSIBLE
            ] or ctx.registrations[campaign.pk]
            return admissible[0].pk if admissible else None
    return None


def _fill_person(candidate: Any, n: int, *, missing: bool) -> None:
    values: dict[str, Any] = {}
    if not missing and not candidate.birth_place_insee and not candidate.birth_postal_code:
        insee, label = BIRTH_PLACES[candidate.pk % len(BIRTH_PLACES)]
        values.update(birth_place_insee=insee, birth_place_label=label)
    if n % 4 == 1 and candidate.civility == "Mme" and not candidate.usage_name:
        values["usage_name"] = LAST_NAMES[(candidate.pk * 13) % len(LAST_NAMES)]
    if n % 3 == 0 and not candidate.second_first_name:
        values["second_first_name"] = FIRST_NAMES[(candidate.pk * 11) % len(FIRST_NAMES)]
    if values:
        type(candidate).objects.filter(pk=candidate.pk).update(**values)
        for name, value in values.items():
            setattr(candidate, name, value)


def _fill_registration(registration: Registration, n: int) -> None:
    values: dict[str, Any] = {}
    if not registration.access_mode:
        values["access_mode"] = AccessMode.FREE_CANDIDATE
    if registration.access_mode == AccessMode.VAE and not registration.vae_way:
        values["vae_way"] = VaeWay.CLASSIC
    if not registration.registration_initiative:
        values["registration_initiative"] = (
            RegistrationInitiative.EMPLOYER
            if registration.company_id
            else RegistrationInitiative.HOLDER
        )
    campaign = registration.campaign
    if registration.registered_on > campaign.registration_closes:
        # Imported today; the demo dates it within the campaign's registration window.
        span = (campaign.registration_closes - campaign.registration_opens).days
        values["registered_on"] = campaign.registration_opens + datetime.timedelta(
            days=n % max(span, 1)
        )
    if values:
        Registration.objects.filter(pk=registration.pk).update(**values)
        for name, value in values.items():
            setattr(registration, name, value)


def _showcase(
    campaign: Campaign, index: int, city: str, ctx: DemoContext, plan: DemoCampaign, first: int
) -> list[Registration]:
    """Three registrations at each stage of the plan; created once, found again on reruns."""
    companies = [
        _company(index * 10 + n, name.format(city=city.capitalize()))
        for n, name in enumerate(COMPANY_NAMES)
    ]
    tutor = ctx.accounts["tutor"][campaign.centre.code]
    rows = []
    for n in range(first, first + PER_STAGE * len(plan.stages)):
        person = index * 100 + n
        rows.append(
            ImportRow(
                line=n + 1,
                civility=CIVILITY_OF[FIRST_NAMES[(person * 7) % len(FIRST_NAMES)]],
                last_name=LAST_NAMES[person % len(LAST_NAMES)],
                first_name=FIRST_NAMES[(person * 7) % len(FIRST_NAMES)],
                birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=person * 53),
                email=f"candidat.{person:03d}@{DOMAIN}",
                siret=companies[n % len(companies)].siret,
                company_name=companies[n % len(companies)].name,
                pathway=Pathway.values[n % len(Pathway.values)],
                tutor_email=tutor.email,
                stage=plan.stages[(n - first) // PER_STAGE],
            )
        )
    emails = [row.email for row in rows]
    known = set(
        Registration.objects.filter(campaign=campaign, candidate__email__in=emails).values_list(
            "candidate__email", flat=True
        )
    )
    missing = [row for row in rows if row.email not in known]
    if missing and campaign.status == Campaign.Status.OPEN:
        registrations_bulk_create(campaign=campaign, rows=missing, by=None, source="seed_demo")
        Registration.objects.filter(
            campaign=campaign, stage=Registration.Stage.WITHDRAWN, withdrawn_at__isnull=True
        ).update(
            withdrawn_at=timezone.now(),
            withdrawal_reason="Départ de l'entreprise (démonstration).",
        )
    return list(
        Registration.objects.filter(campaign=campaign, candidate__email__in=emails)
        .select_related("candidate", "company", "tutor", "campaign")
        .order_by("candidate__email")
    )


def grow_campaign(*, campaign: Campaign, total: int, ctx: DemoContext) -> int:
    """Add generated registrations (bulk) until the campaign has `total`; returns how many."""
    need = total - Registration.objects.filter(campaign=campaign).count()
    if need <= 0:
        return 0
    start = Registration.objects.filter(
        campaign=campaign, candidate__email__endswith=f"@{BENCH_DOMAIN}"
    ).count()
    companies = [_company(1000 + n, f"Entreprise {n + 1:02d} (démonstration)") for n in range(40)]
    tutor = ctx.accounts["tutor"][campaign.centre.code]
    # Only the stages the campaign's status lets a registration reach (never withdrawn here).
    stages = [
        s for s in lifecycle.stages_allowed(campaign=campaign) if s != Registration.Stage.WITHDRAWN
    ]
    stages = stages or [Registration.Stage.REGISTERED]
    rows = [_bench_row(i, companies, tutor, stages) for i in range(start, start + need)]
    registrations_bulk_create(campaign=campaign, rows=rows, by=None, source="seed_demo")
    ctx.say(f"Démo : {need} inscriptions ajoutées à « {campaign.name} ».")
    return need


def _bench_row(i: int, companies: list[Company], tutor: Any, stages: list[str]) -> ImportRow:
    # (last, first) cycles every 2,400 people; the birth date tells the cycles apart, and stays
    # before 1990 so that no generated person is one of the showcase people.
    last, first, cycle = i % len(LAST_NAMES), (i // len(LAST_NAMES)) % len(FIRST_NAMES), i // 2400
    company = companies[i % len(companies)]
    return ImportRow(
        line=i + 1,
        civility=CIVILITY_OF[FIRST_NAMES[first]],
        last_name=LAST_NAMES[last],
        first_name=FIRST_NAMES[first],
        birth_date=datetime.date(1950, 1, 1) + datetime.timedelta(days=(cycle * 400 + i) % 14600),
        email=f"candidat.{i:06d}@{BENCH_DOMAIN}",
        siret=company.siret,
        company_name=company.name,
        pathway=Pathway.values[i % len(Pathway.values)],
        tutor_email=tutor.email if i % 3 == 0 else "",
        stage=stages[i % len(stages)],
    )
