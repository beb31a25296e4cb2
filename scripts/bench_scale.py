"""Benchmark: one centre's pages before and after the nation moves in, on PostgreSQL, in one run.

    make bench            # or: .venv/bin/python scripts/bench_scale.py [--registrations N]

A national instance holds some 60 centres and 100,000+ registrations over the years; what one
centre's staff, evaluators, tutors and jury members see must not slow down with everybody else's
data. This script, on a PostgreSQL database of its own (SCALE_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/cqpm_scale, dropped and created afresh):

1. seeds the demo (its first centre is the measured one; its first campaign grown to 100
   registrations) and measures that centre's pages — lists with every sort and a search, the
   dashboard, the campaign list, the evaluator's and the tutor's homes, the deliberation page and
   the public verification page — K times each, interleaved, with logged-in test clients;
2. adds the nation in bulk: 60 centres (the measured one among them, with its share of history),
   400 campaigns, N registrations (100,000 by default) with dossiers, commission assignments,
   validated results, jury sessions, decisions, documents and audit entries; then ANALYZE;
3. measures the same pages again, and prints for each page the medians before and after, their
   ratio (goal: ≤ 1.5) and the SQL query counts (goal: unchanged).

No timing is asserted anywhere (tests/test_query_plans.py guards the index use and the query
counts). `--strict` makes the exit status 1 when a page misses its goal.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cqpm_scale"
GOAL = 1.5
BATCH = 5000


def _configure(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqpm.settings")
    os.environ["DEBUG"] = "false"
    hosts = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"
    os.environ.setdefault("CQPM_VAR_DIR", str(ROOT / "var" / "bench-scale"))
    import django

    django.setup()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--centres", type=int, default=60)
    parser.add_argument("--campaigns", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page misses its goal")
    return parser.parse_args()


def _recreate_database(url: str) -> bool:
    """Drop and create the bench database; False (with a message) when PostgreSQL is not there."""
    import psycopg
    from environ import Env

    config = Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        print("Ce banc d'essai mesure PostgreSQL : SCALE_DATABASE_URL doit être postgres://…")
        return False
    name = config["NAME"]
    try:
        admin = psycopg.connect(
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
            user=config.get("USER") or "postgres",
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL injoignable ({exc.__class__.__name__}) : mesure à l'échelle ignorée.")
        return False
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return True


# --- The measured centre ----------------------------------------------------------------------


def _seed_demo():
    from django.core.management import call_command

    from candidates import demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_seed_referentials", verbosity=0)
    return demo.run(stdout=io.StringIO(), registrations=100)


def _client(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pages(ctx) -> dict[str, tuple]:
    """Page label -> (client, url), for the first demo centre."""
    from django.urls import reverse

    from deliberations.models import JurySession
    from documents.models import Document

    centre = ctx.centres[0]
    code = centre.code
    campaign = ctx.campaigns[0]
    staff = _client(ctx.accounts["staff"][code])
    listing = reverse("candidates:registration_list", args=[campaign.pk])
    pages = {
        "Liste des campagnes": (staff, reverse("candidates:campaign_list")),
        "Tableau de bord de campagne": (
            staff,
            reverse("candidates:campaign_detail", args=[campaign.pk]),
        ),
        "Liste des candidats (nom)": (staff, listing),
        "Liste des candidats (étape)": (staff, f"{listing}?sort=stage"),
        "Liste des candidats (date)": (staff, f"{listing}?sort=-date"),
        "Liste des candidats (entreprise)": (staff, f"{listing}?sort=company"),
        "Recherche « helene »": (staff, f"{listing}?q=helene"),
        "Accueil évaluateur": (
            _client(ctx.accounts["evaluator"][code]),
            reverse("evaluations:evaluator_home"),
        ),
        "Accueil tuteur": (_client(ctx.accounts["tutor"][code]), reverse("evaluations:tutor_home")),
    }
    session = (
        JurySession.objects.filter(campaign__centre=centre)
        .exclude(status=JurySession.Status.CLOSED)
        .order_by("pk")
        .first()
    )
    if session is not None:
        member = session.members.order_by("-is_president", "pk").first()
        pages["Délibération du jury"] = (
            _client(member.user),
            reverse("deliberations:jury_deliberation", args=[session.pk]),
        )
    certificate = (
        Document.objects.filter(
            registration__campaign__centre=centre, kind="certificate", status="ready"
        )
        .order_by("pk")
        .first()
    )
    if certificate is not None:
        pages["Vérification publique"] = (
            _client(),
            reverse("documents:verify", args=[certificate.verification_code]),
        )
    return pages


def _timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} a répondu {response.status_code} au lieu de 200.")
    return elapsed


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def _measure(pages: dict[str, tuple], repeat: int) -> dict[str, tuple[float, int]]:
    for client, url in pages.values():  # warm up: templates, connections, caches
        _timed_get(client, url)
        _timed_get(client, url)
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for _round in range(repeat):  # interleaved, so that a slow moment hurts every page alike
        for name, (client, url) in pages.items():
            timings[name].append(_timed_get(client, url))
    return {
        name: (statistics.median(timings[name]), _queries(client, url))
        for name, (client, url) in pages.items()
    }


# --- The nation -------------------------------------------------------------------------------


class Nation:
    """Bulk writer of a national data set around the demo (no services: volume, not rules)."""

    def __init__(
        self, ctx, *, registrations: int, centres: int, campaigns: int, quiet: bool = False
    ) -> None:
        from django.contrib.auth import get_user_model

        self.ctx = ctx
        self.total = registrations
        self.centre_count = centres
        self.campaign_count = campaigns
        self.rng = random.Random(20261201)  # noqa: S311 - reproducible data, not secrets
        self.User = get_user_model()
        self.referential = ctx.referential
        self.capacities = list(self.referential.capacities.order_by("number"))
        self.today = datetime.date.today()
        self.quiet = quiet

    def build(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            centres = self._centres()
            staff = self._people(centres)
            companies = self._companies()
            campaigns = self._campaigns(centres)
            self._registrations(campaigns, companies, staff)

    def _centres(self):
        from candidates.models import ExamCentre

        measured = self.ctx.centres[0]
        new = [
            ExamCentre(name=f"UIMM territoriale n° {n:02d}", code=f"centre-{n:02d}")
            for n in range(1, self.centre_count)
        ]
        ExamCentre.objects.bulk_create(new)
        return [measured, *ExamCentre.objects.filter(code__startswith="centre-").order_by("pk")]

    def _people(self, centres):
        """Per centre: an evaluator, a jury president and a member (the demo's for the measured
        centre, so that its people carry the centre's history)."""
        from candidates.models import CentreMembership

        Role, College = CentreMembership.Role, CentreMembership.College
        measured = self.ctx.centres[0].code
        people = {
            centres[0].pk: {
                "evaluator": self.ctx.accounts["evaluator"][measured],
                "president": self.ctx.accounts["jury_president"][measured],
                "member": self.ctx.accounts["jury_member"][measured],
            }
        }
        users, memberships = [], []
        for centre in centres[1:]:
            trio = {}
            for role in ("evaluator", "president", "member"):
                user = self.User(
                    email=f"{role}.{centre.code}@bench.cqpm.local",
                    first_name=role.capitalize(),
                    last_name=centre.code,
                    password="!",  # noqa: S106 - Django's mark of an unusable password
                )
                users.append(user)
                trio[role] = user
            people[centre.pk] = trio
        self.User.objects.bulk_create(users, batch_size=BATCH)
        for centre in centres[1:]:
            trio = people[centre.pk]
            memberships += [
                CentreMembership(centre=centre, user=trio["evaluator"], role=Role.EVALUATOR),
                CentreMembership(
                    centre=centre, user=trio["president"], role=Role.JURY, college=College.EMPLOYER
                ),
                CentreMembership(
                    centre=centre, user=trio["member"], role=Role.JURY, college=College.EMPLOYEE
                ),
            ]
        CentreMembership.objects.bulk_create(memberships, batch_size=BATCH)
        return people

    def _companies(self):
        from candidates.models import Company

        Company.objects.bulk_create(
            [Company(name=f"Métallerie {n:04d}", siret=f"8{n:013d}") for n in range(4000)],
            batch_size=BATCH,
        )
        return list(Company.objects.filter(siret__startswith="8").order_by("pk"))

    def _campaigns(self, centres):
        """Closed campaigns over the past years, a few still at the jury or in evaluations."""
        from candidates.models import Campaign

        campaigns = []
        for n in range(self.campaign_count):
            centre = centres[n % len(centres)]
            jury = self.today - datetime.timedelta(days=60 + 45 * (n // len(centres)))
            # The measured centre gets history only: its running work stays what it was.
            running = n < len(centres) and centre != centres[0]
            status = Campaign.Status.JURY if running else Campaign.Status.CLOSED
            opens = jury - datetime.timedelta(days=200)
            campaigns.append(
                Campaign(
                    centre=centre,
                    referential=self.referential,
                    name=f"Campagne n° {n:03d} — {centre.code}",
                    status=status,
                    registration_opens=opens,
                    registration_closes=opens + datetime.timedelta(days=40),
                    report_deadline=opens + datetime.timedelta(days=120),
                    opinion_deadline=opens + datetime.timedelta(days=125),
                    commission_starts=opens + datetime.timedelta(days=150),
                    commission_ends=opens + datetime.timedelta(days=170),
                    jury_date=jury,
                )
            )
        Campaign.objects.bulk_create(campaigns, batch_size=BATCH)
        return list(
            Campaign.objects.filter(name__startswith="Campagne n° ")
            .select_related("centre")
            .order_by("pk")
        )

    def _registrations(self, campaigns, companies, people) -> None:
        per_campaign = max(1, self.total // len(campaigns))
        for start in range(0, len(campaigns), 20):
            self._campaign_batch(campaigns[start : start + 20], per_campaign, companies, people)
            if not self.quiet:
                print(f"  … {min(start + 20, len(campaigns))}/{len(campaigns)} campagnes écrites")

    def _campaign_batch(self, campaigns, per_campaign, companies, people) -> None:
        from candidates.models import Candidate, Registration
        from cqpm.core.models import AuditEntry
        from deliberations.models import (
            CapacityResult,
            Decision,
            JuryCandidate,
            JuryMember,
            JurySession,
            ResultSheet,
        )
        from documents.models import Document
        from evaluations.models import CommissionAssignment, CommissionSession, EvaluationDossier

        Stage = Registration.Stage
        rng = self.rng
        candidates = []
        for campaign in campaigns:
            for i in range(per_campaign):
                candidates.append(
                    Candidate(
                        civility="Mme" if i % 2 else "M.",
                        last_name=f"Nom{campaign.pk:04d}x{i:04d}",
                        # the first name follows the civility: never « Monsieur Hélène »
                        first_name=rng.choice(
                            ("Hélène", "Léa", "Anaïs") if i % 2 else ("Jean", "Yves", "Paul")
                        ),
                        birth_date=datetime.date(1960, 1, 1) + datetime.timedelta(days=i * 7),
                        email=f"c{campaign.pk}.{i}@bench.cqpm.local",
                    )
                )
        Candidate.objects.bulk_create(candidates, batch_size=BATCH)
        registrations, sessions, juries = [], {}, {}
        it = iter(candidates)
        for campaign in campaigns:
            closed = campaign.status == "closed"
            for i in range(per_campaign):
                registrations.append(
                    Registration(
                        campaign=campaign,
                        candidate=next(it),
                        company=companies[rng.randrange(len(companies))],
                        pathway="vae" if i % 3 else "training",
                        registered_on=campaign.registration_opens,
                        stage=(Stage.ADMISSIBLE if i % 4 else Stage.NOT_ADMISSIBLE)
                        if closed
                        else Stage.JURY,
                    )
                )
            sessions[campaign.pk] = CommissionSession(
                campaign=campaign, date=campaign.commission_starts, place="Salle 1"
            )
            juries[campaign.pk] = JurySession(
                campaign=campaign,
                date=campaign.jury_date,
                place="Salle du jury",
                status="closed" if closed else "planned",
            )
        Registration.objects.bulk_create(registrations, batch_size=BATCH)
        CommissionSession.objects.bulk_create(sessions.values())
        JurySession.objects.bulk_create(juries.values())
        evaluator_links, members = [], []
        for campaign in campaigns:
            trio = people[campaign.centre_id]
            evaluator_links.append(
                CommissionSession.evaluators.through(
                    commissionsession=sessions[campaign.pk], user=trio["evaluator"]
                )
            )
            members += [
                JuryMember(
                    session=juries[campaign.pk],
                    user=trio["president"],
                    college="employer",
                    is_president=True,
                    present=True,
                ),
                JuryMember(
                    session=juries[campaign.pk],
                    user=trio["member"],
                    college="employee",
                    present=True,
                ),
            ]
        CommissionSession.evaluators.through.objects.bulk_create(evaluator_links)
        JuryMember.objects.bulk_create(members)
        EvaluationDossier.objects.bulk_create(
            [EvaluationDossier(registration=r, status="approved") for r in registrations],
            batch_size=BATCH,
        )
        CommissionAssignment.objects.bulk_create(
            [
                CommissionAssignment(session=sessions[r.campaign_id], registration=r)
                for r in registrations
            ],
            batch_size=BATCH,
        )
        sheets = [ResultSheet(registration=r, status="validated", version=1) for r in registrations]
        ResultSheet.objects.bulk_create(sheets, batch_size=BATCH)
        results = []
        for sheet, registration in zip(sheets, registrations, strict=True):
            failed = registration.stage == Stage.NOT_ADMISSIBLE
            for capacity in self.capacities:
                missed = failed and capacity.number == 1
                results.append(
                    CapacityResult(
                        sheet=sheet,
                        capacity=capacity,
                        outcome="not_acquired" if missed else "acquired",
                        justification="Non démontré." if missed else "",
                        methods=["interview"],
                    )
                )
        CapacityResult.objects.bulk_create(results, batch_size=BATCH)
        seats, decisions, documents, audit = [], [], [], []
        for registration in registrations:
            campaign = registration.campaign
            trio = people[campaign.centre_id]
            seats.append(JuryCandidate(session=juries[campaign.pk], registration=registration))
            if campaign.status != "closed":
                continue
            outcome = registration.stage
            decisions.append(
                Decision(
                    session=juries[campaign.pk],
                    registration=registration,
                    outcome=outcome,
                    proposed=outcome,
                    recorded_by=trio["president"],
                )
            )
        JuryCandidate.objects.bulk_create(seats, batch_size=BATCH)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        for decision in decisions:
            admissible = decision.outcome == "admissible"
            documents.append(
                Document(
                    kind="certificate" if admissible else "capacity_notice",
                    registration_id=decision.registration_id,
                    jury_session=decision.session,
                    decision=decision,
                    status="ready",
                    sha256="0" * 64,
                    file=f"documents/bench-{decision.registration_id}.pdf",
                    queued_at=None,
                )
            )
            for action in ("cqpm.registration.created", "cqpm.jury.decision.recorded"):
                audit.append(
                    AuditEntry(
                        action=action,
                        object_type="candidates.registration",
                        object_id=str(decision.registration_id),
                        registration_id=decision.registration_id,
                        centre_id=decision.session.campaign.centre_id,
                        data={},
                    )
                )
        Document.objects.bulk_create(documents, batch_size=BATCH)
        AuditEntry.objects.bulk_create(audit, batch_size=BATCH)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> int:
    args = _arguments()
    url = os.environ.get("SCALE_DATABASE_URL", DEFAULT_URL)
    if not _recreate_database(url):
        return 0
    _configure(url)
    from candidates.models import Registration

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import _static_files  # the list benchmark's own set-up

    _static_files()
    ctx = _seed_demo()
    _analyze()
    pages = _pages(ctx)
    print(
        f"PostgreSQL, DEBUG désactivé, centre mesuré « {ctx.centres[0].name} » : "
        f"{Registration.objects.count()} inscriptions en base ; {args.repeat} requêtes par page."
    )
    before = _measure(pages, args.repeat)
    started = time.perf_counter()
    Nation(
        ctx, registrations=args.registrations, centres=args.centres, campaigns=args.campaigns
    ).build()
    _analyze()
    print(
        f"Données nationales ajoutées en {time.perf_counter() - started:.0f} s : "
        f"{Registration.objects.count()} inscriptions, {args.centres} centres."
    )
    after = _measure(pages, args.repeat)
    missed = 0
    print(f"{'page':<34} {'avant':>9} {'après':>9} {'rapport':>8}  requêtes")
    for name in pages:
        (t0, q0), (t1, q1) = before[name], after[name]
        ratio = t1 / t0
        ok = ratio <= GOAL and q1 == q0
        missed += not ok
        print(
            f"{name:<34} {t0 * 1000:7.1f}ms {t1 * 1000:7.1f}ms {ratio:8.2f}  {q0} → {q1}"
            f"{'' if ok else '   OBJECTIF NON ATTEINT'}"
        )
    print(
        f"Objectif : rapport ≤ {GOAL} et même nombre de requêtes ; {missed} page(s) hors objectif."
    )
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
