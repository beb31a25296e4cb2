"""Benchmark: every page each person reaches from their home, at 50 rows, against a trivial view.

    make bench            # or: .venv/bin/python scripts/bench_pages.py [--registrations N]

Seeds the demo (its first campaign grown to N registrations, 50 by default: the lists show 50 rows,
the page size), then, for each demo account of the first centre (staff, tutor, evaluator, jury
president and member, candidate), the reviewer and the branch, follows the links of their home and
of the pages those lead to (two clicks deep, this site only, GET only; one page per URL shape —
`/inscriptions/<n>/` is measured once), and requests each page K times, interleaved with a trivial
view (an `HttpResponse` behind the same middleware, same logged-in client). Prints, per page, the
median server time, its ratio to the trivial view's median, the SQL query count and the three
biggest costs of a cProfile of the page (own time grouped by area: Django's templates, crispy,
the ORM, one of our modules…). Goals (issue 22): every page ≤ 15 ms and ≤ 40× the trivial view.
Runs on the configured database (SQLite under var/ by default, or DATABASE_URL), DEBUG off, the
templates' cached loader on as in production. No timing is asserted anywhere; `--strict` makes the
exit status 1 when a page misses a goal. `--profile PATH` prints the full profile of one page.
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
import types
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench import _configure, _queries, _static_files  # noqa: E402 - the list benchmark's set-up

GOAL_MS = 15.0
GOAL_RATIO = 40.0
TRIVIAL = "/__bench_trivial__/"
LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
SKIPPED = ("/static/", "/admin/", "/api/", "/comptes/", "/media/", TRIVIAL)
CENTRE_ROLES = ("staff", "tutor", "evaluator", "jury_president", "jury_member", "candidate")
GLOBAL_ROLES = ("reviewer", "branch")
SITE = str(ROOT) + "/"
# Own time of a function, grouped by where it lives: the first matching fragment names the area.
AREAS = (
    ("/django/template/", "gabarits Django"),
    ("/django/templatetags/", "gabarits Django"),
    ("/crispy_forms/", "crispy-forms"),
    ("/crispy_bootstrap5/", "crispy-forms"),
    ("/django/forms/", "formulaires Django"),
    ("/django/db/", "ORM Django"),
    ("sqlite3", "SQLite"),
    ("/psycopg", "PostgreSQL"),
    ("/django/urls/", "URLs Django"),
    ("/django/utils/", "utilitaires Django"),
    ("/django/contrib/sessions/", "sessions"),
    ("/django/contrib/auth/", "auth Django"),
    ("/django/middleware/", "middlewares Django"),
    ("/django/test/", "client de test"),
    ("/django/", "Django (autre)"),
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page misses a goal")
    parser.add_argument("--profile", metavar="PATH", help="print the whole profile of this page")
    parser.add_argument("--role", action="append", help="only these roles (repeatable)")
    return parser.parse_args()


def _trivial_urls() -> None:
    """The project's URLs plus a trivial view, so that it crosses the same middleware."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.test.utils import override_settings
    from django.urls import clear_url_caches, path

    project = __import__(settings.ROOT_URLCONF, fromlist=["urlpatterns"])
    module = types.ModuleType("bench_pages_urls")
    module.urlpatterns = [path(TRIVIAL.strip("/") + "/", lambda request: HttpResponse("ok"))]
    module.urlpatterns += project.urlpatterns
    sys.modules[module.__name__] = module
    override_settings(ROOT_URLCONF=module.__name__).enable()
    clear_url_caches()


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
    """Pages reached from the home in `depth` clicks, one per URL shape; a shape is measured on
    a page of the grown campaign (a path containing `first`) when one was linked at any depth."""
    seen: dict[str, str] = {}
    linked: dict[str, set[str]] = defaultdict(set)
    frontier = ["/"]
    for _level in range(depth + 1):
        frontier.sort(key=lambda path: first not in path)
        following = []
        for path in frontier:
            linked[_shape(path)].add(path)
            if _shape(path) in seen:
                continue
            html = _html_page(client, path)
            if html is None:
                continue
            seen[_shape(path)] = path
            links = _links(html)
            for link in links:  # the last level's links too: a better page for a shape seen
                linked[_shape(link)].add(link)
            following += links
        frontier = following
    for shape, path in seen.items():
        better = sorted(other for other in linked[shape] if first in other)
        if first not in path and better and _html_page(client, better[0]) is not None:
            seen[shape] = better[0]
    return list(seen.values())


def _people(ctx) -> dict[str, object]:
    centre = ctx.centres[0].code
    people = {role: ctx.accounts[role][centre] for role in CENTRE_ROLES if role in ctx.accounts}
    for role in GLOBAL_ROLES:
        if role in ctx.accounts:
            people[role] = ctx.accounts[role][""]
    return people


def _timed(client, path: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one request: the process's CPU time is the server's own work (SQLite
    runs in this process), which the other programs sharing the machine do not inflate."""
    wall, cpu = time.perf_counter(), time.process_time()
    client.get(path)
    return time.perf_counter() - wall, time.process_time() - cpu


def _area(filename: str) -> str:
    if filename.startswith(SITE) and "/.venv/" not in filename:
        return filename[len(SITE) :]
    for fragment, area in AREAS:
        if fragment in filename:
            return area
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    return "Python"


def _profile(client, path: str, *, rounds: int = 3) -> pstats.Stats:
    profiler = cProfile.Profile()
    for _round in range(rounds):
        profiler.enable()
        client.get(path)
        profiler.disable()
    return pstats.Stats(profiler)


def _top_costs(stats: pstats.Stats, count: int = 3) -> str:
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        own[_area(filename)] += tottime
    total = sum(own.values()) or 1.0
    ranked = sorted(own.items(), key=lambda item: item[1], reverse=True)[:count]
    return ", ".join(f"{area} {share / total:.0%}" for area, share in ranked)


def main() -> int:
    args = _arguments()
    _configure()
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from candidates import demo

    logging.disable(logging.INFO)  # one access-log line per request would flood the output
    _static_files()
    _trivial_urls()
    ctx = demo.run(stdout=io.StringIO(), registrations=args.registrations)
    loaders = settings.TEMPLATES[0].get("OPTIONS", {}).get("loaders")
    cached = "cached" if loaders is None or "cached.Loader" in str(loaders) else "NON mis en cache"
    print(
        f"Base {connection.vendor}, DEBUG désactivé, chargeur de gabarits {cached} : première "
        f"campagne à {ctx.campaigns[0].registrations.count()} inscriptions ; {args.repeat} mesures "
        "par page, alternées avec la vue triviale ; médianes."
    )
    people = _people(ctx)
    if args.role:
        people = {role: user for role, user in people.items() if role in args.role}
    results = []
    trivial: list[tuple[float, float]] = []
    anonymous: list[tuple[float, float]] = []
    visitor = Client()
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        pages = _reachable(client, first=f"/campagnes/{ctx.campaigns[0].pk}/")
        for path in [*pages, TRIVIAL]:
            _timed(client, path)  # warm-up
        _timed(visitor, TRIVIAL)
        timings: dict[str, list[tuple[float, float]]] = {path: [] for path in pages}
        for _round in range(args.repeat):  # interleaved: a slow moment hurts every page alike
            for path in pages:
                timings[path].append(_timed(client, path))
                trivial.append(_timed(client, TRIVIAL))
                anonymous.append(_timed(visitor, TRIVIAL))
        for path in pages:
            costs = _top_costs(_profile(client, path))
            wall = statistics.median(t[0] for t in timings[path])
            cpu = statistics.median(t[1] for t in timings[path])
            results.append((cpu, wall, role, path, _queries(client, path), costs))
            if args.profile == path:
                _profile(client, path).sort_stats("cumulative").print_stats(60)
    base = statistics.median(t[1] for t in trivial)
    bare = statistics.median(t[1] for t in anonymous)
    results.sort(key=lambda r: r[0], reverse=True)
    print(
        f"Vue triviale (HttpResponse), temps CPU médian : {base * 1000:.2f} ms connecté "
        f"(session, utilisateur, TOTP ; {_queries(client, TRIVIAL)} requêtes SQL), "
        f"{bare * 1000:.2f} ms anonyme ; {len(trivial)} mesures chacune."
    )
    print(
        f"{len(results)} pages mesurées, de la plus lente à la plus rapide (temps CPU du "
        "serveur, médiane ; « mur » : temps écoulé, gonflé par la charge de la machine) :"
    )
    print(
        f"  {'CPU ms':>7} {'mur ms':>7} {'×triv.':>7} {'×anon.':>7} {'req.':>4}  "
        f"{'rôle':<15} page — coûts (profil : temps propre par domaine)"
    )
    missed = 0
    for cpu, wall, role, path, queries, costs in results:
        ratio = cpu / base
        miss = cpu * 1000 > GOAL_MS or ratio > GOAL_RATIO
        missed += miss
        flag = " !" if miss else "  "
        print(
            f"{flag}{cpu * 1000:7.1f} {wall * 1000:7.1f} {ratio:6.1f}× {cpu / bare:6.0f}× "
            f"{queries:4d}  {role:<15} {path} — {costs}"
        )
    worst = max((r[0] for r in results), default=0.0)
    print(
        f"Objectifs : ≤ {GOAL_MS:.0f} ms et ≤ {GOAL_RATIO:.0f}× la vue triviale connectée ; "
        f"{missed} page(s) au-delà ; la plus lente {worst * 1000:.1f} ms "
        f"({worst / base:.1f}× connecté, {worst / bare:.0f}× anonyme)."
    )
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
