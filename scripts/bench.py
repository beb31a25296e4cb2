"""Benchmark: our candidate list page against the Django admin's changelist, same data, one run.

    make bench            # or: .venv/bin/python scripts/bench.py [--registrations N] [--repeat K]

Seeds the demo data and grows the first demo campaign to N registrations (10,000 by default,
`seed_demo --registrations N`), then requests, through django.test.Client with logged-in users,
our candidate list of that campaign (as the campaign's staff) and the admin changelist of
registrations filtered to the same campaign (as a superuser), K times each, interleaved. Both
show the same page size (our list paginates by 50; the admin's `list_per_page` is set to 50 for
the bench only, and the rows of both pages are counted). Prints the median times and the ratio
ours/admin; the target is a ratio of 1 or less.

Runs on the configured database (SQLite under var/ by default, or DATABASE_URL), then, when the
configured one is SQLite and PostgreSQL answers, again in a child process on a PostgreSQL
database created fresh for the bench (`--database-url`, or BENCH_DATABASE_URL; by default
postgres://postgres@127.0.0.1:5432/cqpm_bench_pg; `--no-postgres` skips it). DEBUG is off and
static files go through the manifest storage, as in production. No timing is asserted anywhere:
`--strict` only makes the exit status 1 when our page is slower.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_ADMIN = "bench.admin@demo.cqpm.local"
PAGE_SIZE = 50  # candidates.views.registrations.registration_list paginates by 50
BENCH_PG_URL = "postgres://postgres@127.0.0.1:5432/cqpm_bench_pg"


def _configure(root: Path = ROOT) -> None:
    """Django set up for the tree at `root` (its code first on the path), DEBUG off."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqpm.settings")
    os.environ["DEBUG"] = "false"
    hosts = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"
    import django

    django.setup()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--strict", action="store_true", help="exit 1 if ours is slower")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", BENCH_PG_URL),
        help="PostgreSQL database for the second run (dropped and created again)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="the configured database only")
    parser.add_argument("--fresh-database", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def _postgres_run(args: argparse.Namespace) -> int:
    """The same bench in a child process on a PostgreSQL database created fresh for it."""
    import psycopg
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") or args.no_postgres:
        return 0
    import environ

    config = environ.Env.db_url_config(args.database_url)
    name = config["NAME"]
    server = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "connect_timeout": 3,
        "autocommit": True,
    }
    try:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL injoignable ({args.database_url}) : mesure sur PostgreSQL ignorée.")
        print(f"  {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}")
        return 0
    print()
    print(f"Même mesure sur PostgreSQL, base neuve « {name} » :")
    sys.stdout.flush()
    command = [sys.executable, __file__, "--fresh-database", "--no-postgres"]
    command += ["--registrations", str(args.registrations), "--repeat", str(args.repeat)]
    if args.strict:
        command.append("--strict")
    environment = {**os.environ, "DATABASE_URL": args.database_url}
    return subprocess.run(command, env=environment, check=False).returncode  # noqa: S603


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_seed_referentials", verbosity=0, stdout=io.StringIO())


def _prepare(total: int):
    """Seed, grow the first demo campaign, build the manifest; return (campaign, staff, admin)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib import admin as django_admin
    from django.contrib.auth import get_user_model

    from candidates import demo
    from candidates.models import Registration

    # Like with like: the admin shows as many rows per page as our list (100 by default).
    django_admin.site._registry[Registration].list_per_page = PAGE_SIZE

    _static_files()
    ctx = demo.run(
        stdout=io.StringIO(), registrations=total
    )  # what `seed_demo --registrations N` does
    campaign = ctx.campaigns[0]
    staff = ctx.accounts["staff"][campaign.centre.code]
    admin, _created = get_user_model().objects.get_or_create(
        email=BENCH_ADMIN, defaults={"is_staff": True, "is_superuser": True}
    )
    if _created:
        admin.set_unusable_password()
        admin.save(update_fields=["password"])
    if not Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(admin, generate_totp_secret())  # superusers must have TOTP
    return campaign, staff, admin


def _static_files() -> None:
    """Build the manifest as production does; if that fails, say so and serve plain names."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except Exception as exc:  # the bench still compares both pages on an equal footing
        print(f"Attention : collectstatic échoue avec DEBUG désactivé ({exc.__class__.__name__}).")
        print(f"  {str(exc).splitlines()[0]}")
        print("  Mesure faite avec le stockage statique simple (sans manifeste).")
        storages = {**settings.STORAGES}
        storages["staticfiles"] = {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
        override_settings(STORAGES=storages).enable()


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _urls(campaign) -> dict[str, str | None]:
    from django.urls import NoReverseMatch, reverse

    urls: dict[str, str | None] = {}
    try:
        urls["ours"] = reverse("candidates:registration_list", args=[campaign.pk])
    except NoReverseMatch:
        urls["ours"] = None
    try:
        changelist = reverse("admin:candidates_registration_changelist")
        urls["admin"] = f"{changelist}?campaign__id__exact={campaign.pk}"
    except NoReverseMatch:
        urls["admin"] = None
    return urls


def _timed_get(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} a répondu {response.status_code} au lieu de 200.")
    return elapsed, len(response.content)


def _rows(client, url: str) -> int:
    """Table rows on the page (those of its first <tbody>, the list itself)."""
    html = client.get(url).content.decode()
    start = html.find("<tbody")
    return html[start : html.find("</tbody>", start)].count("<tr") if start >= 0 else 0


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def _measure(targets: dict[str, tuple], repeat: int) -> dict[str, list[float]]:
    for client, url in targets.values():  # warm caches: templates, connections, SQLite pages
        _timed_get(client, url)
        _timed_get(client, url)
    timings: dict[str, list[float]] = {name: [] for name in targets}
    for _round in range(repeat):  # interleaved, so that a slow moment hurts both alike
        for name, (client, url) in targets.items():
            timings[name].append(_timed_get(client, url)[0])
    return timings


def main() -> int:
    args = _arguments()
    _configure()
    from django.db import connection

    if args.fresh_database:
        _migrate()
    campaign, staff, admin = _prepare(args.registrations)
    count = campaign.registrations.count()
    print(
        f"Base {connection.vendor}, DEBUG désactivé : campagne « {campaign.name} » "
        f"(n° {campaign.pk}), {count} inscriptions ; {PAGE_SIZE} lignes par page des deux côtés, "
        f"{args.repeat} requêtes alternées par page, médianes."
    )
    urls = _urls(campaign)
    clients = {"ours": _client(staff), "admin": _client(admin)}
    labels = {"ours": "Notre liste des candidats", "admin": "Admin Django (changelist)"}
    targets = {}
    for name, url in urls.items():
        if url is None:
            print(f"{labels[name]} : page introuvable (URL non déclarée), mesure ignorée.")
        else:
            targets[name] = (clients[name], url)
    if not targets:
        return 0
    timings = _measure(targets, args.repeat)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, (client, url) in targets.items():
        fastest = min(timings[name]) * 1000
        print(
            f"{labels[name]:<28} médiane {medians[name] * 1000:8.1f} ms   "
            f"(min {fastest:.1f} ms, {_queries(client, url)} requêtes SQL, "
            f"{_rows(client, url)} lignes affichées)   {url}"
        )
    if len(medians) < 2:
        print("Rapport non calculé : une des deux pages manque.")
        return _postgres_run(args)
    ratio = medians["ours"] / medians["admin"]
    verdict = "objectif atteint" if ratio <= 1 else "OBJECTIF NON ATTEINT"
    print(f"Rapport nous/admin : {ratio:.2f} (objectif ≤ 1 : {verdict})")
    status = 1 if args.strict and ratio > 1 else 0
    return max(status, _postgres_run(args))


if __name__ == "__main__":
    sys.exit(main())
