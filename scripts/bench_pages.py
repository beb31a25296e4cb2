"""Benchmark: every page each person reaches from their home, at 1,000 registrations, in one run.

    make bench            # or: .venv/bin/python scripts/bench_pages.py [--registrations N]

Seeds the demo (its first campaign grown to N registrations, 1,000 by default), then, for each demo
account of the first centre (staff, tutor, evaluator, jury president and member) and the resource
centre, follows the links of their home and of the pages those lead to (two clicks deep, this site
only, GET only; one page per URL shape — `/inscriptions/<n>/` is measured once), and requests each
page K times. Prints, slowest first, each page's median time and SQL query count; the goal is
every page under 0.5 s. Runs on the configured database (SQLite under var/ by default, or
DATABASE_URL), DEBUG off. No timing is asserted anywhere; `--strict` makes the exit status 1 when a
page misses the goal.
"""

import argparse
import io
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench import _configure, _queries, _static_files  # noqa: E402 - the list benchmark's set-up

GOAL = 0.5
LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
SKIPPED = ("/static/", "/admin/", "/api/", "/comptes/logout", "/comptes/deconnexion", "/media/")
ROLES = ("staff", "tutor", "evaluator", "jury_president", "jury_member")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page misses the goal")
    return parser.parse_args()


def _shape(path: str) -> str:
    return re.sub(r"\d+", "<n>", path)


def _links(html: str) -> list[str]:
    return [m.group(1) for m in LINK.finditer(html) if not m.group(1).startswith(SKIPPED)]


def _html_page(client, path: str):
    response = client.get(path)
    kind = response.get("Content-Type", "")
    if response.status_code != 200 or not kind.startswith("text/html"):
        return None
    return response.content.decode()


def _reachable(client, *, first: str, depth: int = 2) -> list[str]:
    """Pages reached from the home in `depth` clicks, one per URL shape; the pages of the grown
    campaign (paths containing `first`) come first, so that each shape is measured on it."""
    seen: dict[str, str] = {}
    frontier = ["/"]
    for _level in range(depth + 1):
        frontier.sort(key=lambda path: first not in path)
        following = []
        for path in frontier:
            if _shape(path) in seen:
                continue
            html = _html_page(client, path)
            if html is None:
                continue
            seen[_shape(path)] = path
            following += _links(html)
        frontier = following
    return list(seen.values())


def _people(ctx) -> dict[str, object]:
    centre = ctx.centres[0].code
    people = {role: ctx.accounts[role][centre] for role in ROLES}
    people["reviewer"] = ctx.accounts["reviewer"][""]
    return people


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    client.get(path)
    return time.perf_counter() - started


def main() -> int:
    args = _arguments()
    _configure()
    from django.db import connection
    from django.test import Client

    from candidates import demo

    _static_files()
    ctx = demo.run(stdout=io.StringIO(), registrations=args.registrations)
    print(
        f"Base {connection.vendor}, DEBUG désactivé : première campagne à "
        f"{ctx.campaigns[0].registrations.count()} inscriptions ; {args.repeat} mesures par page."
    )
    results = []
    for role, user in _people(ctx).items():
        client = Client()
        client.force_login(user)
        pages = _reachable(client, first=f"/{ctx.campaigns[0].pk}/")
        for path in pages:
            _timed(client, path)  # warm-up
        timings = {path: [] for path in pages}
        for _round in range(args.repeat):  # interleaved: a slow moment hurts every page alike
            for path in pages:
                timings[path].append(_timed(client, path))
        for path in pages:
            results.append((statistics.median(timings[path]), role, path, _queries(client, path)))
    results.sort(reverse=True)
    missed = [r for r in results if r[0] > GOAL]
    print(f"{len(results)} pages mesurées ; les plus lentes :")
    for median, role, path, queries in results[:15]:
        flag = "   OBJECTIF NON ATTEINT" if median > GOAL else ""
        print(f"  {median * 1000:7.1f} ms  {queries:3d} requêtes  {role:<15} {path}{flag}")
    print(f"Objectif : chaque page sous {GOAL} s ; {len(missed)} page(s) au-delà.")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
