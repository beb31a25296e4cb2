"""Benchmark: a page of 100 registrations from the API at 1,000 and at 100,000 rows, one run.

    make bench            # or: .venv/bin/python scripts/bench_api.py [--small N] [--large N]

Inside a transaction rolled back at the end (nothing stays in the database), builds an exam
centre with its staff member and an open campaign (the import benchmark's set-up), grows the
campaign to `--small` registrations (1,000) with the demo's bulk generator (what
`seed_demo --registrations N` uses; on PostgreSQL then ANALYZE, as autovacuum would), and
requests through django.test.Client, with a read-only API token of the staff member, K times
each, interleaved:

- the first page of /api/v1/registrations/ (everything the person reaches), and
- the same filtered to the campaign, and a page further on (a `next` cursor);

then grows the campaign to `--large` (100,000) and measures the same pages again. Prints the
medians, the SQL query counts and the ratio large/small for each page; the target is 1.5 or less.
No timing is asserted anywhere: `--strict` only makes the exit status 1 when a ratio exceeds 1.5.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench import _configure, _queries  # noqa: E402 - the list benchmark's own set-up
from bench_imports import _fixtures  # noqa: E402 - the import benchmark's centre and campaign

TARGET = 1.5


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--strict", action="store_true", help=f"exit 1 if a ratio > {TARGET}")
    return parser.parse_args()


class _Rollback(Exception):
    pass


def _grow(campaign, staff, total: int) -> float:
    from candidates import demo

    ctx = demo.DemoContext(stdout=io.StringIO(), verbosity=0)
    ctx.accounts = {"tutor": {campaign.centre.code: staff}}
    started = time.perf_counter()
    demo.grow_campaign(campaign=campaign, total=total, ctx=ctx)
    _analyze()
    return time.perf_counter() - started


def _analyze() -> None:
    """What autovacuum does once rows are committed: PostgreSQL plans from table statistics,
    which 100,000 rows inserted in this (never committed) transaction would otherwise miss."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE candidates_registration, candidates_candidate")


def _client(staff):
    from django.test import Client

    from api.services import api_token_create

    _row, secret = api_token_create(owner=staff, name="banc d'essai", read_only=True, by=staff)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _urls(client, campaign) -> dict[str, str]:
    base = "/api/v1/registrations/"
    filtered = f"{base}?campaign={campaign.pk}"
    page = client.get(filtered).json()
    for _step in range(4):  # a few pages in: the cursor costs the same at any depth
        page = client.get(page["next"]).json() if page.get("next") else page
    return {
        "Toutes les inscriptions, 1re page": base,
        "Une campagne, 1re page": filtered,
        "Une campagne, 5e page (curseur)": page.get("previous") or filtered,
    }


def _median(client, url: str, repeat: int) -> float:
    timings = []
    for _round in range(repeat):
        started = time.perf_counter()
        answer = client.get(url)
        timings.append(time.perf_counter() - started)
        if answer.status_code != 200 or len(answer.json()["results"]) != 100:
            raise SystemExit(f"{url} : réponse {answer.status_code} inattendue.")
    return statistics.median(timings)


def _measure(client, urls: dict[str, str], repeat: int) -> dict[str, tuple[float, int]]:
    for url in urls.values():
        client.get(url)  # warm caches
    return {
        name: (_median(client, url, repeat), _queries(client, url)) for name, url in urls.items()
    }


def main() -> int:
    args = _arguments()
    _configure()
    from django.db import connection, transaction
    from django.test.utils import override_settings

    results = {}
    with override_settings(CQPM_API_THROTTLE_RATE="1000000/min"):
        try:
            with transaction.atomic():
                campaign, staff = _fixtures()
                client = _client(staff)
                for label, total in (("small", args.small), ("large", args.large)):
                    seconds = _grow(campaign, staff, total)
                    print(f"{total} inscriptions générées ({seconds:.1f} s).", flush=True)
                    results[label] = _measure(client, _urls(client, campaign), args.repeat)
                raise _Rollback
        except _Rollback:
            pass
    print(f"Base {connection.vendor}, DEBUG désactivé ; {args.repeat} requêtes par mesure.")
    worst = 0.0
    for name, (small, queries) in results["small"].items():
        large, large_queries = results["large"][name]
        ratio = large / small
        worst = max(worst, ratio)
        print(
            f"{name:<36} {args.small:>7} : {small * 1000:6.1f} ms ({queries} req.)   "
            f"{args.large:>7} : {large * 1000:6.1f} ms ({large_queries} req.)   "
            f"rapport {ratio:.2f}"
        )
    verdict = "objectif atteint" if worst <= TARGET else "OBJECTIF NON ATTEINT"
    print(f"Pire rapport : {worst:.2f} (objectif ≤ {TARGET} : {verdict})")
    return 1 if args.strict and worst > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
