"""Benchmark of the imports: speed against a raw bulk_create, peak memory, hostile files.

    make bench            # or: .venv/bin/python scripts/bench_imports.py [--rows N] [--big N]

1. Speed: a CSV of N candidates (10,000 by default) imported through `registrations_import`
   (read, check every value, resolve people, write registrations and audit entries) against a
   raw `bulk_create` of the same companies, candidates and registrations, in one process, on the
   configured database (SQLite under var/ by default, PostgreSQL with DATABASE_URL). Each run is
   rolled back; runs are interleaved and the medians compared: the target is a ratio ≤ 2.
2. Memory: a fresh process imports a CSV of `--big` rows (100,000 by default) from an open file
   and reports its peak resident memory (getrusage's ru_maxrss: the whole process, not only
   Python's allocations; target < 300 MB), then rolls back; the same for a file as long whose
   every line is refused.
3. Hostile files: a fresh process meets each hostile referential (alias bomb, deep nesting, huge
   list, huge text, out-of-range number) and a workbook whose shared strings claim 300 MB; each
   must be refused in under a second with under 100 MB above the process's base.

Nothing is asserted on timings: the numbers are printed; `--strict` makes the exit status 1
when a target is missed.
"""

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "civilite;nom;prenom;date_naissance;email;telephone;entreprise;siret;parcours;tuteur_email"


def _configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cqpm.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:  # current, not peak: the base of a process
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _reset_peak() -> None:
    """Start the peak (VmHWM) again from the current memory (Linux ≥ 4.0)."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def _hwm_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return _peak_mb()


def _siret(prefix: str) -> str:
    from candidates.validators import luhn_ok

    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def _csv(rows: int) -> bytes:
    sirets = [_siret(f"8{n:012d}") for n in range(50)]
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f"{'Mme' if i % 2 else 'M.'};Banc{i};Élise;{1 + i % 28:02d}/{1 + i % 12:02d}/"
            f"{1950 + i % 50};banc{i}@exemple.fr;06 12 34 56 {i % 100:02d};"
            f"Métallerie {i % 50};{sirets[i % 50]};Formation continue;"
            f"tuteur{i % 20}@exemple.fr"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _fixtures():
    """An open campaign and its staff member, created inside the caller's transaction."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from candidates.models import Campaign, CentreMembership, ExamCentre
    from referentials.models import Referential

    referential = Referential.objects.filter(status=Referential.Status.PUBLISHED).first()
    if referential is None:
        raise SystemExit("Aucun référentiel publié : lancez d'abord `make setup`.")
    centre = ExamCentre.objects.create(name="Banc d'essai des imports", code="banc-imports")
    staff = get_user_model().objects.create(email="banc.imports@exemple.fr")
    CentreMembership.objects.create(centre=centre, user=staff, role="staff")
    today = timezone.localdate()
    day = timezone.timedelta(days=1)
    campaign = Campaign.objects.create(
        centre=centre,
        referential=referential,
        name="Banc d'essai",
        status=Campaign.Status.OPEN,
        registration_opens=today,
        registration_closes=today + 30 * day,
        report_deadline=today + 60 * day,
        opinion_deadline=today + 60 * day,
        commission_starts=today + 70 * day,
        commission_ends=today + 80 * day,
        jury_date=today + 90 * day,
    )
    return campaign, staff


class _Rollback(Exception):
    pass


def _in_rollback(work):
    """Run `work(campaign, staff)` in a transaction that is rolled back; return its seconds."""
    from django.db import transaction

    elapsed = 0.0
    try:
        with transaction.atomic():
            campaign, staff = _fixtures()
            started = time.perf_counter()
            work(campaign, staff)
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _import(data):  # bytes or an open file
    from candidates.importing import registrations_import

    def work(campaign, staff):
        registrations_import(campaign=campaign, file=data, filename="banc.csv", by=staff)

    return work


def _raw(data: bytes):
    """The same rows written with plain bulk_create: no check, no audit, no lookup."""
    from candidates.importing import parse_file
    from candidates.models import Candidate, Company, Registration

    rows = parse_file(data=data, filename="banc.csv")  # parsed outside the timing

    def work(campaign, staff):
        companies = {}
        for row in rows:
            companies.setdefault(row.siret, Company(name=row.company_name, siret=row.siret))
        Company.objects.bulk_create(companies.values(), batch_size=1000)
        people = [
            Candidate(civility=r.civility, last_name=r.last_name, first_name=r.first_name,
                      birth_date=r.birth_date, email=r.email, phone=r.phone)
            for r in rows
        ]  # fmt: skip
        Candidate.objects.bulk_create(people, batch_size=1000)
        Registration.objects.bulk_create(
            [
                Registration(campaign=campaign, candidate=person, company=companies[r.siret],
                             pathway=r.pathway, registered_on=campaign.registration_opens)
                for r, person in zip(rows, people, strict=True)
            ],
            batch_size=1000,
        )  # fmt: skip

    return work


def speed(rows: int, repeat: int) -> float:
    from django.db import connection

    data = _csv(rows)
    raw, ours = _raw(data), _import(data)
    _in_rollback(raw), _in_rollback(ours)  # warm up: connections, caches, SQLite pages
    timings = {"raw": [], "ours": []}
    for _round in range(repeat):
        timings["raw"].append(_in_rollback(raw))
        timings["ours"].append(_in_rollback(ours))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    ratio = medians["ours"] / medians["raw"]
    print(f"Base {connection.vendor} : import de {rows} candidats, {repeat} mesures alternées.")
    print(f"  bulk_create brut (entreprises, candidats, inscriptions) : {medians['raw']:.2f} s")
    print(f"  registrations_import (lecture, contrôles, journal)       : {medians['ours']:.2f} s")
    verdict = "objectif atteint" if ratio <= 2 else "OBJECTIF NON ATTEINT"
    print(f"  Rapport import/bulk_create : {ratio:.2f} (objectif ≤ 2 : {verdict})")
    return ratio


def memory_child(path: str) -> None:
    """In a fresh process: import the file (refused or not), print base and peak memory (MB)."""
    _configure()
    from candidates.importing import ImportRefused

    with open(path, "rb") as handle:  # the command's way: an open file
        base = _rss_mb()
        try:
            seconds = _in_rollback(_import(handle))
        except ImportRefused:
            seconds = 0.0
    print(f"{base:.0f} {_peak_mb():.0f} {seconds:.1f}")


def _refused_csv(rows: int) -> bytes:
    """The same file with two errors on every line (birth date in the future, unknown pathway)."""
    return _csv(rows).replace(b"/19", b"/29").replace(b";Formation continue;", b";Stage;")


def memory(rows: int) -> float:
    """Peak resident memory (getrusage ru_maxrss of a fresh child process, whole process: Python,
    Django, the file and the database driver) of the import of `rows` candidates, then of a file
    as long refused for two errors on every line."""
    peaks = []
    for label, content in (("importés", _csv(rows)), ("refusés (2 erreurs par ligne)", None)):
        with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
            handle.write(content if content is not None else _refused_csv(rows))
            handle.flush()
            out = _child("--memory-child", handle.name)
        base, peak, seconds = (float(part) for part in out.split())
        peaks.append(peak)
        verdict = "objectif atteint" if peak < 300 else "OBJECTIF NON ATTEINT"
        timing = f"{seconds:.1f} s, " if seconds else ""
        print(
            f"Mémoire, {rows} candidats {label}, processus neuf (ru_maxrss) : {timing}"
            f"base {base:.0f} Mo, pic {peak:.0f} Mo (objectif < 300 Mo : {verdict})"
        )
    return max(peaks)


def _hostile_referentials() -> dict[str, str]:
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
    )
    return {
        "alias (billion laughs)": laughs,
        "imbrication de 1 Mo": "[" * (1024 * 1024 - 1),
        "liste de 170 000 éléments": "missions:\n" + "  - x\n" * 170_000,
        "texte de 1 Mo": "objective: '" + "x" * (1024 * 1024 - 20) + "'\n",
        "nombre hors limites": (ROOT / "referentials/data/2015_04_54_0303.yaml")
        .read_text(encoding="utf-8")
        .replace("  - number: 1\n", "  - number: 99999999999999999999999\n", 1),
    }


def _shared_strings_bomb() -> bytes:
    """A workbook of a few hundred KB whose shared strings inflate to 300 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        chunk = "<si><t>" + "A" * 1000 + "</t></si>"
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as target:
            target.write(b"<sst>")
            for _i in range(300_000):
                target.write(chunk.encode())
            target.write(b"</sst>")
    return buffer.getvalue()


def hostile_child() -> None:
    _configure()
    from candidates.importing import ImportRefused, parse_file
    from referentials.files import ReferentialFileError, referential_file_parse

    cases = [(name, text, "yaml") for name, text in _hostile_referentials().items()]
    bomb = _shared_strings_bomb()
    cases.append((f"XLSX de {len(bomb) // 1024} Ko (300 Mo de textes partagés)", bomb, "xlsx"))
    for name, content, kind in cases:
        base = _rss_mb()
        _reset_peak()
        started = time.perf_counter()
        try:
            if kind == "yaml":
                referential_file_parse(text=content)
            else:
                parse_file(data=content, filename="bombe.xlsx")
            message = "ACCEPTÉ"
        except (ReferentialFileError, ImportRefused) as exc:
            message = (exc.errors[0] if kind == "yaml" else str(exc.issues[0]))[:90]
        seconds = time.perf_counter() - started
        print(f"{seconds:.3f}\t{_hwm_mb() - base:.0f}\t{name}\t{message}")


def hostile() -> tuple[float, float]:
    worst_time, worst_memory = 0.0, 0.0
    print("Fichiers hostiles (processus neuf ; temps, mémoire au-dessus de la base, message) :")
    for line in _child("--hostile-child").splitlines():
        seconds, extra, name, message = line.split("\t")
        worst_time, worst_memory = max(worst_time, float(seconds)), max(worst_memory, float(extra))
        print(f"  {float(seconds):6.3f} s  +{float(extra):4.0f} Mo  {name} : {message}")
    verdict = "objectif atteint" if worst_time < 1 and worst_memory < 100 else "NON ATTEINT"
    print(f"  Pire cas : {worst_time:.3f} s, +{worst_memory:.0f} Mo (objectif < 1 s et < 100 Mo : "
          f"{verdict})")  # fmt: skip
    return worst_time, worst_memory


def _child(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 - this very script, with fixed arguments
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return result.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--memory-child")
    parser.add_argument("--hostile-child", action="store_true")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    if args.hostile_child:
        hostile_child()
        return 0
    _configure()
    ratio = speed(args.rows, args.repeat)
    peak = memory(args.big)
    worst_time, worst_memory = hostile()
    missed = ratio > 2 or peak >= 300 or worst_time >= 1 or worst_memory >= 100
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
