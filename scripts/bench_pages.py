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

Rate limits (the public /verifier/ allows 30 lookups a minute per address) would answer the
bench's repeated requests with 429 « Too Many Requests » instead of the page: each request of the
bench comes from its own client address (REMOTE_ADDR), so the limit's counting runs as in
production and the page itself is measured.

    .venv/bin/python scripts/bench_pages.py --baseline 7e41a65

compares with an earlier revision (issue 25: « no page slower than before »): a `git worktree` of
REV is checked out under $CQPM_VAR_DIR/bench-baseline/, and two worker processes, run by this
tree's Python (.venv) and this script's crawl, one on the worktree's code and one on this tree's,
each migrate and seed their own SQLite database (their own CQPM_VAR_DIR, their own local-memory
cache: DATABASE_URL and CACHE_URL are not passed on) with their own demo code, crawl as above,
then time the pages both reach (matched by role and URL shape) turn about, request by request.
Prints per page the CPU ms before and now, their ratio and the queries before → now, then the
pages slower by more than 10 % (ratio > 1.10 and more than 1 ms more); `--strict` makes the exit
status 1 when there is one. Heavy (two seeds, every page twice): run it once, on a quiet machine.
"""

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
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
    parser.add_argument("--baseline", metavar="REV", help="compare with this git revision")
    parser.add_argument("--worker", metavar="ROOT", help=argparse.SUPPRESS)
    return parser.parse_args()


_addresses = itertools.count(1)


def _client():
    """A test client whose every request comes from its own address (see the docstring: the
    rate limits count as in production, and never answer the bench a 429)."""
    from django.test import Client

    class BenchClient(Client):
        def get(self, path, *args, **extra):
            n = next(_addresses)
            extra.setdefault("REMOTE_ADDR", f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
            return super().get(path, *args, **extra)

    return BenchClient()


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
    if args.worker:
        return _worker(Path(args.worker), args)
    if args.baseline:
        return _compare(args)
    _configure()
    import logging

    from django.conf import settings
    from django.db import connection

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
    visitor = _client()
    for role, user in people.items():
        client = _client()
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


# --- Against a baseline revision -------------------------------------------------------------


def _worker(root: Path, args: argparse.Namespace) -> int:
    """One tree's side of --baseline: migrate, seed, crawl, then answer the parent's orders (one
    JSON line each way on the original stdout; everything else goes to stderr)."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    sys.stdout = sys.stderr
    _configure(root)
    import logging

    from django.core.management import call_command

    from candidates import demo

    logging.disable(logging.INFO)
    # make setup's steps, by this tree's own commands, on its own CQPM_VAR_DIR.
    call_command("migrate", interactive=False, verbosity=0)
    call_command("credentials_keygen", if_missing=True, verbosity=0)
    call_command("seal_keygen", if_missing=True, verbosity=0)
    call_command("load_seed_referentials", verbosity=0)
    _static_files()
    _trivial_urls()
    ctx = demo.run(stdout=io.StringIO(), registrations=args.registrations)
    people = _people(ctx)
    if args.role:
        people = {role: user for role, user in people.items() if role in args.role}
    clients, pages = {}, {}
    for role, user in people.items():
        clients[role] = _client()
        clients[role].force_login(user)
        pages[role] = _reachable(clients[role], first=f"/campagnes/{ctx.campaigns[0].pk}/")
    channel.write(json.dumps({"pages": pages}) + "\n")
    for line in sys.stdin:
        order = json.loads(line)
        client = clients.get(order.get("role"))
        if order["op"] == "time":
            page = _timed(client, order["path"])[1]
            answer = {"page": page, "trivial": _timed(client, TRIVIAL)[1]}
        elif order["op"] == "warm":
            for path in [*order["paths"], TRIVIAL]:
                _timed(client, path)
            answer = {}
        elif order["op"] == "queries":
            answer = {"queries": _queries(client, order["path"])}
        else:
            break
        channel.write(json.dumps(answer) + "\n")
    return 0


class _Side:
    """A worker process measuring one tree."""

    def __init__(
        self, name: str, root: Path, var: Path, args: argparse.Namespace, path: str = ""
    ) -> None:
        shutil.rmtree(var, ignore_errors=True)  # a fresh database, seeded by its own code
        var.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
        env["CQPM_VAR_DIR"] = str(var)
        if path:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root)]
        command += ["--registrations", str(args.registrations)]
        for role in args.role or ():
            command += ["--role", role]
        self.name = name
        self.process = subprocess.Popen(  # noqa: S603 - this script, this Python
            command, env=env, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"Le banc « {self.name} » s'est arrêté (voir ses erreurs ci-dessus).")
        return json.loads(line)

    def ask(self, **order) -> dict:
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self, *, failed: bool) -> None:
        if self.process.poll() is None and failed:
            self.process.kill()  # this script's own child
        elif self.process.poll() is None:
            self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.process.stdin.close()
        self.process.wait(timeout=60)


# django-htmx, which the code before issue 25 listed in its settings (an app and a middleware)
# and never imported, is no longer installed: the baseline gets a stand-in doing what its
# middleware does on each request (request.htmx, read lazily), so that it starts and pays the same.
HTMX_STAND_IN = {
    "__init__.py": "",
    "middleware.py": """class HtmxDetails:
    def __init__(self, request):
        self.request = request

    def __bool__(self):
        return self.request.headers.get("HX-Request") == "true"


class HtmxMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.htmx = HtmxDetails(request)
        return self.get_response(request)
""",
}


def _stand_ins(where: Path) -> str:
    """A folder for the baseline's PYTHONPATH with the stand-ins of what is gone from .venv."""
    import importlib.util

    if importlib.util.find_spec("django_htmx") is not None:
        return ""
    (where / "django_htmx").mkdir(parents=True, exist_ok=True)
    for name, text in HTMX_STAND_IN.items():
        (where / "django_htmx" / name).write_text(text)
    return str(where)


def _git(*args: str, check: bool = True) -> str:
    done = subprocess.run(  # noqa: S603 - git, with this script's own arguments
        ["git", *args],  # noqa: S607 - the git on PATH, as make's
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _worktree(rev: str, where: Path) -> Path:
    """A detached worktree of `rev` (made again each run), with this tree's .venv and
    node_modules beside it as the helpers' clones have them."""
    _git("worktree", "remove", "--force", str(where), check=False)
    shutil.rmtree(where, ignore_errors=True)
    _git("worktree", "prune")
    _git("worktree", "add", "--detach", "--force", str(where), rev)
    for shared in (".venv", "node_modules"):
        if (ROOT / shared).exists() and not (where / shared).exists():
            (where / shared).symlink_to((ROOT / shared).resolve())
    return where


def _compare(args: argparse.Namespace) -> int:
    var = Path(os.environ.get("CQPM_VAR_DIR", ROOT / "var")).resolve() / "bench-baseline"
    rev = _git("rev-parse", "--short", args.baseline)
    tree = _worktree(rev, var / f"tree-{rev}")
    sides = [
        _Side(f"avant ({rev})", tree, var / f"var-{rev}", args, path=_stand_ins(var / "stand-ins")),
        _Side("maintenant", ROOT, var / "var-current", args),
    ]
    failed = True
    try:
        status = _compare_sides(args, rev, *sides)
        failed = False
        return status
    finally:
        for side in sides:
            side.close(failed=failed)
        _git("worktree", "remove", "--force", str(tree), check=False)


def _compare_sides(args: argparse.Namespace, rev: str, before: _Side, now: _Side) -> int:
    crawled = [before.read()["pages"], now.read()["pages"]]
    shapes = [{(r, _shape(p)): p for r, ps in side.items() for p in ps} for side in crawled]
    matched = [key for key in shapes[1] if key in shapes[0]]
    for side, pages in zip((before, now), shapes, strict=True):
        for role in {role for role, _s in pages}:
            side.ask(op="warm", role=role, paths=[p for (r, _s), p in pages.items() if r == role])
    timings: dict[tuple, list[list[float]]] = {key: [[], []] for key in matched}
    trivial: list[list[float]] = [[], []]
    for round_ in range(args.repeat):  # turn about, and each round the other one first
        for key in matched:
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            for index in order:
                side = (before, now)[index]
                answer = side.ask(op="time", role=key[0], path=shapes[index][key])
                timings[key][index].append(answer["page"])
                trivial[index].append(answer["trivial"])
    rows = []
    for key in matched:
        cpu = [statistics.median(t) * 1000 for t in timings[key]]
        queries = [
            side.ask(op="queries", role=key[0], path=pages[key])["queries"]
            for side, pages in zip((before, now), shapes, strict=True)
        ]
        rows.append((cpu[1] / cpu[0] if cpu[0] else 1.0, cpu, queries, key))
    rows.sort(key=lambda row: row[0], reverse=True)
    base = [statistics.median(t) * 1000 if t else 0.0 for t in trivial]
    print(
        f"Avant : {rev} ; maintenant : cet arbre. {args.repeat} mesures par page et par arbre, "
        f"à tour de rôle ; médianes du temps CPU. Vue triviale : {base[0]:.2f} ms avant, "
        f"{base[1]:.2f} ms maintenant."
    )
    print(f"  {'avant':>7} {'maint.':>7} {'ratio':>6} {'req.':>9}  {'rôle':<15} page")
    slower = []
    for ratio, cpu, queries, (role, shape) in rows:
        worse = ratio > 1.10 and cpu[1] - cpu[0] > 1.0
        slower += [(role, shape, ratio)] if worse else []
        print(
            f"{' !' if worse else '  '}{cpu[0]:6.1f} {cpu[1]:7.1f} {ratio:6.2f} "
            f"{queries[0]:4d} → {queries[1]:<3d} {role:<15} {shape}"
        )
    for label, only in (("avant seulement", set(shapes[0]) - set(shapes[1])),
                        ("maintenant seulement", set(shapes[1]) - set(shapes[0]))):  # fmt: skip
        for role, shape in sorted(only):
            print(f"  ({label}) {role:<15} {shape}")
    print(f"{len(slower)} page(s) plus lente(s) de plus de 10 % (et de plus d'1 ms) :")
    for role, shape, ratio in slower:
        print(f"  {role:<15} {shape} ×{ratio:.2f}")
    return 1 if args.strict and slower else 0


if __name__ == "__main__":
    sys.exit(main())
