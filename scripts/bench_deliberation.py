"""Benchmark: what the lifecycle and jury checks cost the deliberation page, in one run.

    make bench            # or: .venv/bin/python scripts/bench_deliberation.py [--candidates N]

Builds, inside a transaction rolled back at the end (nothing stays in the database), a campaign at
the jury with a session in deliberation of N candidates (300 by default) whose commission results
are validated, then measures with logged-in test clients, interleaved, K times each:

- the deliberation page (GET, as a present jury member), and
- recording a decision (POST, as the page does),

once as the code is ("avec contrôles") and once with the checks issue 10 added switched off
("sans contrôles": the campaign-status guard `campaign_ensure_allows` and the jury rule
`_check_outcome`, which reads the validated results and the tally of acquired capacities). Prints
medians, SQL query counts and the ratio. No timing is asserted anywhere.
"""

import argparse
import contextlib
import datetime
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench import _configure, _static_files  # noqa: E402 - the list benchmark's own set-up


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=15)
    return parser.parse_args()


class _Rollback(Exception):
    pass


def _build(total: int):
    """A jury campaign, a deliberating session of `total` candidates, a present member."""
    from candidates.models import Campaign, CentreMembership
    from deliberations.models import JurySession
    from tests.factories.candidates import CampaignFactory, ExamCentreFactory, RegistrationFactory
    from tests.factories.deliberations import jury, jury_person, results
    from tests.factories.referentials import referential_with_capacities

    today = datetime.date.today()
    centre = ExamCentreFactory(name="Centre du banc d'essai", code="bench-deliberation")
    campaign = CampaignFactory(
        centre=centre,
        referential=referential_with_capacities(7),
        status=Campaign.Status.JURY,
        registration_opens=today - datetime.timedelta(days=300),
        registration_closes=today - datetime.timedelta(days=240),
        report_deadline=today - datetime.timedelta(days=180),
        opinion_deadline=today - datetime.timedelta(days=170),
        commission_starts=today - datetime.timedelta(days=160),
        commission_ends=today - datetime.timedelta(days=130),
        jury_date=today,
    )
    president = jury_person(centre, CentreMembership.College.EMPLOYER, "bench.president@x.fr")
    member = jury_person(centre, CentreMembership.College.EMPLOYEE, "bench.membre@x.fr")
    registrations = [RegistrationFactory(campaign=campaign) for _ in range(total)]
    for index, registration in enumerate(registrations):
        results(registration, not_acquired={2} if index % 3 == 0 else ())
    session = jury(
        campaign,
        president=president,
        members=[member],
        status=JurySession.Status.DELIBERATING,
        date=today,
        registrations=registrations,
    )
    return session, member, registrations


@contextlib.contextmanager
def _checks(enabled: bool):
    """The code as it is, or with the checks of issue 10 replaced by what they let through."""
    if enabled:
        yield
        return
    from deliberations.services import decisions

    with (
        mock.patch.object(decisions, "campaign_ensure_allows", lambda **kwargs: None),
        mock.patch.object(
            decisions, "_check_outcome", lambda registration, outcome, reason: outcome
        ),
    ):
        yield


def _timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    if response.status_code not in (200, 302):
        raise SystemExit(f"Réponse {response.status_code} inattendue.")
    return elapsed


def _queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def main() -> int:
    args = _arguments()
    _configure()
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    _static_files()
    try:
        with transaction.atomic():
            session, member, registrations = _build(args.candidates)
            client = Client()
            client.force_login(member)
            page_url = reverse("deliberations:jury_deliberation", args=[session.pk])
            outcomes = ["admissible", "not_admissible"]

            def page():
                return client.get(page_url)

            def record(index=[0]):  # noqa: B006 - a counter across calls
                index[0] += 1
                registration = registrations[(index[0] * 3 + 1) % len(registrations)]
                url = reverse("deliberations:decision_record", args=[session.pk, registration.pk])
                return client.post(
                    url, {"outcome": outcomes[index[0] % 2], "jury_reason": "Banc d'essai."}
                )

            targets = {
                ("page", True): page,
                ("page", False): page,
                ("record", True): record,
                ("record", False): record,
            }
            for (_kind, enabled), call in targets.items():  # warm up
                with _checks(enabled):
                    call()
            timings = {key: [] for key in targets}
            for _round in range(args.repeat):  # interleaved: a slow moment hurts all alike
                for (kind, enabled), call in targets.items():
                    with _checks(enabled):
                        timings[(kind, enabled)].append(_timed(call))
            counts = {}
            for (kind, enabled), call in targets.items():
                with _checks(enabled):
                    counts[(kind, enabled)] = _queries(call)
            from deliberations.models import Decision

            recorded = Decision.objects.filter(session=session).count()
            if recorded < 2 * args.repeat + 4:  # every POST recorded one, checks on and off
                raise SystemExit(f"Seules {recorded} décisions enregistrées : mesure invalide.")
            _report(args, connection.vendor, timings, counts)
            raise _Rollback
    except _Rollback:
        pass
    return 0


def _report(args, vendor, timings, counts) -> None:
    print(
        f"Base {vendor}, DEBUG désactivé : jury en délibération de {args.candidates} candidats, "
        f"{args.repeat} mesures par cas (données annulées en fin de mesure)."
    )
    labels = {"page": "Page de délibération (GET)", "record": "Enregistrer une décision (POST)"}
    for kind, label in labels.items():
        on, off = (statistics.median(timings[(kind, flag)]) * 1000 for flag in (True, False))
        print(
            f"{label:<34} avec contrôles {on:7.1f} ms ({counts[(kind, True)]} requêtes SQL)   "
            f"sans contrôles {off:7.1f} ms ({counts[(kind, False)]} requêtes SQL)   "
            f"rapport {on / off:.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
