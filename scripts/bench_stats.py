"""Benchmark: the statistics pages before and after the nation moves in, on PostgreSQL.

    make bench            # or: .venv/bin/python scripts/bench_stats.py [--registrations N]

The branch reads every centre at once, so its pages are the ones a national instance could slow
down. On a PostgreSQL database of its own (STATS_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/cqpm_stats, dropped and created afresh), this script:

1. seeds the demo grown to 1,000 registrations and measures the statistics pages (the branch's,
   with each grouping and a CQPM chosen, a centre's staff's, the public rate, the branch's list
   of received packs), K times each, interleaved, with logged-in test clients;
2. adds the nation with scripts/bench_scale.py's builder (60 centres, 400 campaigns, 100,000
   registrations with results, decisions, documents and audit entries), counts its closed
   sessions as a jury's closing would (`stats_refresh`, timed), then ANALYZE;
3. measures the same pages again and prints, per page, the medians before and after, their
   ratio (goal: ≤ 1.5) and the SQL query counts (goal: unchanged).

No timing is asserted anywhere (tests/stats pins the query counts). `--strict` makes the exit
status 1 when a page misses its goal.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench_scale  # noqa: E402 - the national data builder and the measuring helpers

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cqpm_stats"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--centres", type=int, default=60)
    parser.add_argument("--campaigns", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page misses its goal")
    return parser.parse_args()


def _seed_demo():
    from django.core.management import call_command

    from candidates import demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_seed_referentials", verbosity=0)
    # What `make setup` provides: the keys the demo's documents are signed and sealed with.
    call_command("credentials_keygen", "--if-missing", verbosity=0)
    call_command("seal_keygen", "--if-missing", verbosity=0)
    import io

    return demo.run(stdout=io.StringIO(), registrations=1000)


def _pages(ctx) -> dict[str, tuple]:
    from django.urls import reverse

    client = bench_scale._client
    branch = client(ctx.accounts["branch"][""])
    staff = client(ctx.accounts["staff"][ctx.centres[0].code])
    dashboard = reverse("stats:dashboard")
    code = ctx.referential.code
    return {
        "Statistiques (par centre)": (branch, dashboard),
        "Statistiques (par année)": (branch, f"{dashboard}?par=year"),
        "Statistiques (par parcours)": (branch, f"{dashboard}?par=pathway"),
        "Statistiques (CQPM, capacités)": (branch, f"{dashboard}?cqpm={code.replace(' ', '+')}"),
        "Export CSV des résultats": (branch, reverse("stats:export")),
        "Statistiques d'un centre": (staff, dashboard),
        "Transmissions reçues": (branch, reverse("stats:inbox")),
        "Taux d'obtention public": (
            client(),
            reverse("stats:public_rate", args=[ctx.centres[0].code, code.replace(" ", "-")]),
        ),
    }


def main() -> int:
    args = _arguments()
    url = os.environ.get("STATS_DATABASE_URL", DEFAULT_URL)
    if not bench_scale._recreate_database(url):
        return 0
    bench_scale._configure(url)
    from bench import _static_files  # the list benchmark's own set-up

    from candidates.models import Registration
    from stats.services import counts_refresh_all

    _static_files()
    ctx = _seed_demo()
    bench_scale._analyze()
    pages = _pages(ctx)
    print(
        f"PostgreSQL, DEBUG désactivé : {Registration.objects.count()} inscriptions en base ; "
        f"{args.repeat} requêtes par page."
    )
    before = bench_scale._measure(pages, args.repeat)
    started = time.perf_counter()
    bench_scale.Nation(
        ctx, registrations=args.registrations, centres=args.centres, campaigns=args.campaigns
    ).build()
    built = time.perf_counter() - started
    started = time.perf_counter()
    sessions = counts_refresh_all()
    counted = time.perf_counter() - started
    bench_scale._analyze()
    print(
        f"Données nationales ajoutées en {built:.0f} s : {Registration.objects.count()} "
        f"inscriptions, {args.centres} centres ; {sessions} jurys clos décomptés "
        f"en {counted:.1f} s."
    )
    after = bench_scale._measure(pages, args.repeat)
    missed = 0
    print(f"{'page':<34} {'avant':>9} {'après':>9} {'rapport':>8}  requêtes")
    for name in pages:
        (t0, q0), (t1, q1) = before[name], after[name]
        ratio = t1 / t0
        ok = ratio <= bench_scale.GOAL and q1 == q0
        missed += not ok
        print(
            f"{name:<34} {t0 * 1000:7.1f}ms {t1 * 1000:7.1f}ms {ratio:8.2f}  {q0} → {q1}"
            f"{'' if ok else '   OBJECTIF NON ATTEINT'}"
        )
    print(
        f"Objectif : rapport ≤ {bench_scale.GOAL} et même nombre de requêtes ; "
        f"{missed} page(s) hors objectif."
    )
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
