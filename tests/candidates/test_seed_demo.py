"""`manage.py seed_demo`: the accounts table, idempotency, every stage, growth, extension hook."""

import io
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from candidates.models import Campaign, Candidate, CentreMembership, Company, Registration
from cqpm.core.models import AuditEntry
from referentials.models import Referential

ROLES = ["staff", "tutor", "evaluator", "jury_president", "jury_member"]
LATER_ROLES = ["candidate"]  # per centre, added by the portal app's seeder
TOTP_ROLES = {"staff", "jury_president", "jury_member", "branch"}
HISTORY = "(historique)"  # the stats app's closed sessions of earlier years
SEEN: list = []


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"


def _seed(*args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def _counts() -> dict[str, int]:
    models = [User, CentreMembership, Campaign, Candidate, Company, Registration, Authenticator,
              AuditEntry, Referential]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_it_prints_one_tab_separated_line_per_account(db, settings):
    lines = _seed()

    centres = ["demo-lyon", "demo-nantes"]
    expected = [(role, centre) for centre in centres for role in ROLES + LATER_ROLES]
    expected += [("reviewer", ""), ("branch", ""), ("none", "")]
    assert [(cells[0], cells[1]) for cells in lines] == expected
    for role, _centre, email, password, *totp in lines:
        assert "@" in email and len(password) >= 10
        if role in TOTP_ROLES:
            assert len(totp) == 1 and len(totp[0]) == 32 and totp[0].isalnum()
        else:
            assert totp == []
    emails = [cells[2] for cells in lines]
    assert len(set(emails)) == len(emails)
    written = (settings.VAR_DIR / "demo-accounts.tsv").read_text(encoding="utf-8")
    assert written.splitlines() == ["\t".join(cells) for cells in lines]


def test_it_is_idempotent(db):
    first = _seed()
    counts = _counts()
    assert _seed() == first
    assert _counts() == counts


def test_the_printed_accounts_can_log_in(db):
    for role, _centre, email, password, *totp in _seed():
        assert Client().login(email=email, password=password), email
        user = User.objects.get(email=email)
        authenticator = Authenticator.objects.filter(user=user, type="totp").first()
        if role in TOTP_ROLES:
            assert user.requires_mfa
            secret = decrypt(authenticator.data["secret"])
            assert secret == totp[0]
            code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
            assert validate_totp_code(totp[0], code)
        else:
            assert authenticator is None
            assert not user.requires_mfa


def test_roles_are_memberships_where_the_code_has_them(db):
    lines = {(cells[0], cells[1]): cells[2] for cells in _seed()}

    def roles_of(email):
        return set(
            CentreMembership.objects.filter(user__email=email).values_list("centre__code", "role")
        )

    assert roles_of(lines["staff", "demo-lyon"]) == {("demo-lyon", "staff")}
    assert roles_of(lines["evaluator", "demo-nantes"]) == {("demo-nantes", "evaluator")}
    evaluator = CentreMembership.objects.get(user__email=lines["evaluator", "demo-lyon"])
    assert evaluator.company is not None
    assert not Registration.objects.filter(company=evaluator.company).exists()
    colleges = {
        role: CentreMembership.objects.get(user__email=lines[role, "demo-lyon"]).college
        for role in ("jury_president", "jury_member")
    }
    assert colleges == {"jury_president": "employer", "jury_member": "employee"}
    assert roles_of(lines["tutor", "demo-lyon"]) == set()
    assert Registration.objects.filter(tutor__email=lines["tutor", "demo-lyon"]).exists()
    assert User.objects.get(email=lines["reviewer", ""]).is_reviewer
    none = User.objects.get(email=lines["none", ""])
    assert not none.is_reviewer and roles_of(none.email) == set()
    assert not Registration.objects.filter(tutor=none).exists()


def test_each_centre_has_campaigns_of_the_seed_referential_showing_every_stage(db):
    _seed()
    every = Campaign.objects.select_related("centre", "referential").order_by("centre__code")
    assert every.filter(name__endswith=HISTORY, status="closed").count() == 8
    campaigns = every.exclude(name__endswith=HISTORY)
    assert [c.centre.code for c in campaigns] == ["demo-lyon"] * 4 + ["demo-nantes"] * 4
    for campaign in campaigns:
        assert campaign.referential.code == "2015 04 54 0303"
        assert campaign.referential.status == Referential.Status.PUBLISHED
    for code in ("demo-lyon", "demo-nantes"):
        mine = campaigns.filter(centre__code=code)
        statuses = set(mine.values_list("status", flat=True))
        assert statuses == {"open", "in_progress", "jury", "closed"}
        stages = set(Registration.objects.filter(campaign__in=mine).values_list("stage", flat=True))
        assert stages == set(Registration.Stage.values)
    # Each stage lives in a campaign whose status allows it.
    by_status = {
        "open": {"registered", "dossier", "withdrawn"},
        "in_progress": {"evidence", "commission"},
        "jury": {"jury", "admissible", "not_admissible"},
        "closed": {"admissible", "not_admissible"},
    }
    for status, stages in by_status.items():
        found = Registration.objects.filter(campaign__in=campaigns, campaign__status=status)
        found = found.values_list("stage", flat=True)
        assert set(found) == stages
    withdrawn = Registration.objects.filter(stage=Registration.Stage.WITHDRAWN)
    assert withdrawn.exists() and not withdrawn.filter(withdrawn_at__isnull=True).exists()
    # Every demo registration was written by a service that audits it: the import's, or the
    # form's for the candidates' own accounts (portal demo).
    created = ("cqpm.registration.imported", "cqpm.registration.created")
    assert AuditEntry.objects.filter(action__in=created).count() == (
        Registration.objects.filter(campaign__in=campaigns).count()
    )


def test_registrations_grows_the_first_campaign(db):
    _seed()
    lyon, nantes = Campaign.objects.filter(status="open").order_by("centre__code")
    nantes_count = nantes.registrations.count()

    _seed("--registrations", "300")
    assert lyon.registrations.count() == 300
    assert nantes.registrations.count() == nantes_count
    counts = _counts()
    _seed("--registrations", "300")
    assert _counts() == counts
    _seed("--registrations", "450")
    assert lyon.registrations.count() == 450
    _assert_civility_follows_the_person()
    # The open campaign holds no row at a stage its status does not let one reach.
    from candidates.lifecycle import stages_allowed

    generated = lyon.registrations.filter(candidate__email__contains="candidat.")
    assert set(generated.values_list("stage", flat=True)) <= set(stages_allowed(campaign=lyon))


def _assert_civility_follows_the_person():
    """Showcase and generated people alike: never « Monsieur Inès » nor « Madame Hugo »."""
    from candidates.demo import CIVILITY_OF

    people = list(Candidate.objects.values_list("first_name", "civility"))
    assert len(people) > 450
    wrong = {(first, civility) for first, civility in people if CIVILITY_OF[first] != civility}
    assert not wrong
    assert ("Inès", "Mme") in people and ("Hugo", "M.") in people


def recording_seeder(*, ctx) -> None:
    SEEN.append(ctx)


def test_it_hands_the_context_to_the_other_seeders(db):
    from candidates import demo
    from cqpm.core.registry import Contribution, replaced

    seeders = {
        "candidates": Contribution("candidates", demo.seed, 10),
        "recording": Contribution("recording", recording_seeder, 99),
    }
    SEEN.clear()
    with replaced("demo_seeders", seeders):
        _seed()

    (ctx,) = SEEN
    assert [c.code for c in ctx.centres] == ["demo-lyon", "demo-nantes"]
    assert [c.centre for c in ctx.campaigns] == [c for c in ctx.centres for _ in range(4)]
    # Only the candidates seeder ran: every campaign is still open, aiming at its target.
    assert {c.status for c in ctx.campaigns} == {"open"}
    targets = ["open", "in_progress", "jury", "closed"]
    assert [ctx.targets[c.pk] for c in ctx.campaigns] == targets * 2
    assert set(ctx.accounts) == {*ROLES, "reviewer", "branch", "none"}
    assert set(ctx.accounts["staff"]) == {"demo-lyon", "demo-nantes"}
    assert set(ctx.accounts["reviewer"]) == {""}
    for centre in ctx.centres:
        registrations = [
            r for c in ctx.campaigns if c.centre == centre for r in ctx.registrations[c.pk]
        ]
        assert {r.stage for r in registrations} == set(Registration.Stage.values)
    for campaign in ctx.campaigns:
        assert all(r.campaign_id == campaign.pk for r in ctx.registrations[campaign.pk])
