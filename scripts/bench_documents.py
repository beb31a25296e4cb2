#!/usr/bin/env python
"""Benchmark of document generation (issues 6 and 22). Not a test: it prints a table, in one run.

1. One certificate through our whole pipeline (request service, task body, the credential issued
   and attached, render with the process's shared FontConfiguration and stylesheet, the PAdES
   seal, atomic store, SHA-256), against a plain WeasyPrint call on the same HTML:
   `CSS(filename=same_css, font_config=fonts)` and
   `HTML(string=same_html, base_url=static).render(stylesheets=…, font_config=fonts)` then
   `.write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True, attachments=[the same credential])`, with
   one FontConfiguration shared by every call (its @font-face fonts load, as in ours). Both PDFs
   are checked to be the same bytes (the bench stops otherwise). Interleaved rounds (--rounds,
   20 by default: 20 documents on each side), medians of the times and of the per-round ratios.
   Target (issue 22): pipeline without the seal / plain WeasyPrint <= 1.0; the seal's share of
   the sealed pipeline is stated apart, with the sealed pipeline's ratio.
2. Throughput of a batch of 200 certificates with real Celery workers (`worker -c 1` and `-c 2`,
   prefork pool), alternated ABBA (--batch-rounds pairs): documents per second between the
   first claim and the last write. Target: two processes >= 1.8x one.
3. Resident memory of the worker's pool process after 500 documents against after 50.
   Target: within 10 %.

Everything runs in a temporary folder (SQLite database, media, broker folder, seal and credential
keys), whatever the environment says, so the bench never touches real data. With the filesystem
broker the workers poll every 10 ms instead of kombu's default second, which would otherwise be
what is measured; BENCH_BROKER_URL=redis://… measures with Redis instead, and
BENCH_DATABASE_URL=postgres://… (an empty database) with PostgreSQL instead of SQLite.
The machine's load (uptime) is printed after each section.

Usage: .venv/bin/python scripts/bench_documents.py [--rounds 20] [--batch 200] [--memory 500]
       [--skip batch,memory]
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _configure_environment(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cqpm.settings"
    os.environ["CQPM_VAR_DIR"] = str(folder)
    # SQLite in the folder by default; BENCH_DATABASE_URL=postgres://… (an empty database of
    # one's own) measures the workers without SQLite's single writer.
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    # The embedded broker by default; BENCH_BROKER_URL=redis://… measures with Redis instead.
    os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "filesystem://")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def run_worker(concurrency: int) -> None:
    """Entry point of a worker subprocess: the project's Celery app, faster broker polling."""
    import django

    django.setup()
    from cqpm.celery import app

    options = dict(app.conf.broker_transport_options or {})
    options["polling_interval"] = 0.01
    app.conf.broker_transport_options = options
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


# --- Data -----------------------------------------------------------------------------------


def build_data(count: int):
    """A closed jury of the seed referential with `count` admissible candidates."""
    import datetime

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from candidates.models import (
        Campaign,
        Candidate,
        CentreMembership,
        ExamCentre,
        Pathway,
        Registration,
    )
    from deliberations.models import (
        CapacityResult,
        Decision,
        JuryCandidate,
        JuryMember,
        JurySession,
        ResultSheet,
    )
    from referentials.models import Referential

    call_command("migrate", verbosity=0)
    call_command("load_seed_referentials", verbosity=0)
    referential = Referential.objects.filter(status=Referential.Status.PUBLISHED).first()
    with transaction.atomic():
        centre = ExamCentre.objects.create(
            name="UIMM Banc d'essai",
            code="banc",
            address="1 avenue de l'Industrie\n69007 Lyon",
            signatory_name="Claire Dubois",
            signatory_title="Déléguée générale",
        )
        staff = User.objects.create_user("staff@banc.local", first_name="Sam", last_name="Staff")
        president = User.objects.create_user(
            "president@banc.local", first_name="Paule", last_name="Présidente"
        )
        CentreMembership.objects.create(centre=centre, user=staff, role="staff")
        day = datetime.date(2027, 5, 15)
        campaign = Campaign.objects.create(
            centre=centre,
            referential=referential,
            name="Campagne banc d'essai",
            status=Campaign.Status.JURY,
            registration_opens=day - datetime.timedelta(days=200),
            registration_closes=day - datetime.timedelta(days=150),
            report_deadline=day - datetime.timedelta(days=100),
            opinion_deadline=day - datetime.timedelta(days=100),
            commission_starts=day - datetime.timedelta(days=60),
            commission_ends=day - datetime.timedelta(days=30),
            jury_date=day,
        )
        session = JurySession.objects.create(
            campaign=campaign,
            date=day,
            place="Lyon",
            status=JurySession.Status.CLOSED,
            closed_at=timezone.now(),
        )
        JuryMember.objects.create(
            session=session,
            user=president,
            college=CentreMembership.College.EMPLOYER,
            is_president=True,
            present=True,
            signed_at=timezone.now(),
        )
        capacities = list(referential.capacities.all())
        for number in range(count):
            candidate = Candidate.objects.create(
                civility=Candidate.Civility.MADAME,
                last_name=f"Candidate{number:04d}",
                first_name="Éloïse",
                birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=number),
            )
            registration = Registration.objects.create(
                campaign=campaign,
                candidate=candidate,
                pathway=Pathway.CONTINUING,
                registered_on=day - datetime.timedelta(days=180),
            )
            JuryCandidate.objects.create(session=session, registration=registration)
            sheet = ResultSheet.objects.create(
                registration=registration, status=ResultSheet.Status.VALIDATED
            )
            CapacityResult.objects.bulk_create(
                CapacityResult(sheet=sheet, capacity=c, outcome="acquired") for c in capacities
            )
            Decision.objects.create(
                session=session,
                registration=registration,
                outcome=Decision.Outcome.ADMISSIBLE,
                proposed=Decision.Outcome.ADMISSIBLE,
                recorded_by=president,
            )
    return staff, list(Registration.objects.filter(campaign=campaign).order_by("pk"))


# --- 1. One certificate ---------------------------------------------------------------------


def bench_one_certificate(staff, registration, rounds: int = 20) -> dict:
    """Interleaved rounds, one new certificate per round through the pipeline, sealed and not,
    against the plain WeasyPrint call on the same HTML; medians of the times and of the per-round
    ratios (a busy moment of the shared machine hurts both sides of one round alike)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from cqpm.core import pdf
    from cqpm.core.pdf import (
        ATTACHMENT_RELATIONSHIP,
        PDF_VARIANT,
        ArchivalMetadata,
        _unique_associated_files,
        default_base_url,
        render_pdf,
    )
    from cqpm.core.registry import document_pdf_extras
    from cqpm.core.seal import pdf_seal
    from documents.models import Document
    from documents.rendering import document_html
    from documents.services import document_request, document_revoke
    from documents.tasks import generate_document

    def unsealed_pipeline() -> float:
        pdf.pdf_seal = lambda data, when: data  # the same chain, the seal step skipped
        try:
            return pipeline()
        finally:
            pdf.pdf_seal = pdf_seal

    def pipeline() -> float:
        started = time.perf_counter()
        document = document_request(
            kind=Document.Kind.CERTIFICATE, registration=registration, by=staff
        )
        generate_document(document.pk)  # the task body, in this process
        elapsed = time.perf_counter() - started
        document.refresh_from_db()
        assert document.status == Document.Status.READY, document.error
        document_revoke(document=document, reason="Banc d'essai", by=staff)  # not timed
        return elapsed

    # The HTML and attachment of one real certificate, its credential issued (not timed).
    document = document_request(kind=Document.Kind.CERTIFICATE, registration=registration, by=staff)
    extras = [e for c in document_pdf_extras() if (e := c.provider(document)) is not None]
    assert any(e.attachments for e in extras), "no credential: the pipeline would be lighter"
    html = document_html(document, extras=extras)
    attachments = [item for extra in extras for item in extra.attachments]
    base_url = default_base_url()
    css_path = str(Path(base_url.removeprefix("file://")) / "pdf" / "base.css")
    fonts = FontConfiguration()  # one for the whole bench, as a careful caller would keep
    when = datetime.datetime(2027, 5, 15, tzinfo=datetime.UTC)

    def baseline() -> bytes:
        # A plain WeasyPrint call on the same HTML and stylesheet, the stylesheet parsed with the
        # shared FontConfiguration (so its @font-face fonts load) and the same one given to the
        # layout; the same tagged PDF/A-3b with the same attached credential, the one metadata
        # line ours adds (dc:language) and the same /AF list, so that both files are the same
        # bytes.
        stylesheet = weasyprint.CSS(filename=css_path, font_config=fonts)
        laid_out = weasyprint.HTML(string=html, base_url=base_url).render(
            stylesheets=[stylesheet], font_config=fonts
        )
        laid_out.metadata = ArchivalMetadata(**vars(laid_out.metadata))
        created = pdf._declared_date(laid_out.metadata.created)
        files = [
            weasyprint.Attachment(
                url=f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}",
                name=name,
                description=description,
                created=created,
                modified=created,
                relationship=ATTACHMENT_RELATIONSHIP,
            )
            for name, data, mime, description in attachments
        ]
        return laid_out.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            attachments=files,
            finisher=_unique_associated_files,
        )

    unsealed_pdf = render_pdf(html=html, attachments=attachments, sealed=False)
    calls: dict = {
        "ours": pipeline,
        "default": baseline,
        "ours_unsealed": unsealed_pipeline,
        "seal": lambda: pdf_seal(unsealed_pdf, when=when),
        "render": lambda: render_pdf(html=html, attachments=attachments, sealed=False),
        # For reference only: the bare HTML without its stylesheet, hence without the embedded
        # fonts and the layout; a different, lighter document.
        "unstyled": lambda: weasyprint.HTML(string=html).write_pdf(),
    }
    ours_pdf, baseline_pdf = unsealed_pdf, baseline()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()  # warm: imports, the process's FontConfiguration and stylesheet
    for _ in range(rounds):  # interleaved: a slow moment of the machine hurts each alike
        for name, call in calls.items():
            started = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - started
            samples[name].append(result if name.startswith("ours") else elapsed)
    timings = {name: statistics.median(values) for name, values in samples.items()}
    pairs = list(zip(samples["ours"], samples["ours_unsealed"], samples["default"], strict=True))
    timings["ratio_unsealed"] = statistics.median(u / d for _s, u, d in pairs)
    timings["ratio_sealed"] = statistics.median(s / d for s, _u, d in pairs)
    timings["seal_share"] = statistics.median((s - u) / s for s, u, _d in pairs)
    timings["identical"] = ours_pdf == baseline_pdf
    timings["sizes"] = (len(ours_pdf), len(baseline_pdf))
    timings["rounds"] = rounds
    return timings


# --- 2 and 3. Real workers ------------------------------------------------------------------


def queue_certificates(staff, registrations) -> list[int]:
    """Revoke what exists and queue one new certificate per registration (sent on commit)."""
    from django.db import transaction

    from documents.models import Document
    from documents.services import document_request

    with transaction.atomic():
        Document.objects.exclude(status=Document.Status.REVOKED).update(
            status=Document.Status.REVOKED, revoked_reason="Banc d'essai"
        )
        ids = [
            document_request(kind=Document.Kind.CERTIFICATE, registration=r, by=staff).pk
            for r in registrations
        ]
    return ids


def start_worker(concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--worker", str(concurrency)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def ready_count(ids) -> int:
    from documents.models import Document

    return Document.objects.filter(pk__in=ids, status=Document.Status.READY).count()


def wait_ready(ids, worker, *, target: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while ready_count(ids) < target:
        if worker.poll() is not None:
            raise SystemExit(f"worker stopped: {worker.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            raise SystemExit("timeout waiting for the worker")
        time.sleep(0.05)


def bench_throughput(staff, registrations, concurrency: int) -> float:
    from django.db.models import Max, Min

    from documents.models import Document

    ids = queue_certificates(staff, registrations)
    worker = start_worker(concurrency)
    try:
        wait_ready(ids, worker, target=len(ids), timeout=900)
    finally:
        stop_worker(worker)
    span = Document.objects.filter(pk__in=ids).aggregate(
        first=Min("started_at"), last=Max("finished_at")
    )
    return len(ids) / (span["last"] - span["first"]).total_seconds()


def bench_memory(staff, registrations, *, early: int) -> tuple[float, float]:
    ids = queue_certificates(staff, registrations)
    worker = start_worker(1)
    try:
        wait_ready(ids, worker, target=early, timeout=600)
        rss_early = pool_rss(worker.pid)
        wait_ready(ids, worker, target=len(ids), timeout=1800)
        rss_late = pool_rss(worker.pid)
    finally:
        stop_worker(worker)
    return rss_early, rss_late


def pool_rss(pid: int) -> float:
    """RSS in MiB of the worker's pool process (the one that renders)."""
    import psutil

    children = psutil.Process(pid).children()
    if len(children) != 1:
        raise SystemExit(f"expected one pool process, found {len(children)}")
    return children[0].memory_info().rss / 2**20


# --- Report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "OK" if ok else "NON ATTEINT"


def loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="documents per side (>= 20)")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--batch-rounds", type=int, default=2, help="pairs -c 1 / -c 2 (ABBA)")
    parser.add_argument("--memory", type=int, default=500)
    parser.add_argument("--early", type=int, default=50)
    parser.add_argument("--skip", default="", help="sections to skip: batch,memory")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker)
        return
    skip = set(filter(None, args.skip.split(",")))

    folder = Path(tempfile.mkdtemp(prefix="cqpm-bench-documents-"))
    _configure_environment(folder)
    import django

    django.setup()
    from django.conf import settings

    from cqpm.core.seal import seal_demo_generate
    from credentials.keys import key_generate

    seal_demo_generate(path=settings.PDF_SEAL_PKCS12_FILE, passphrase=settings.PDF_SEAL_PASSPHRASE)
    key_generate(path=settings.CREDENTIALS_KEY_FILE)  # the credential is part of the pipeline
    began = time.monotonic()
    loads = {"début": loadavg()}
    singles: list[float] = []
    doubles: list[float] = []
    rss_early = rss_late = 0.0
    try:
        print(f"Préparation : {max(args.batch, args.memory)} candidats admissibles…", flush=True)
        staff, registrations = build_data(max(args.batch, args.memory))
        print(
            f"1/3 Une attestation : chaîne complète contre l'appel WeasyPrint simple, "
            f"{args.rounds} tours alternés…",
            flush=True,
        )
        one = bench_one_certificate(staff, registrations[0], rounds=args.rounds)
        loads["après 1/3"] = loadavg()
        same = "identiques" if one["identical"] else "DIFFÉRENTS"
        print(
            f"    PDF de notre rendu et de l'appel WeasyPrint simple : {same} octet pour octet "
            f"({one['sizes'][0]} et {one['sizes'][1]} octets) ; {one['rounds']} documents de "
            "chaque côté, alternés, médianes.",
            flush=True,
        )
        if not one["identical"]:
            raise SystemExit("La référence ne produit pas le même PDF : comparaison invalide.")
        if "batch" not in skip:
            # ABBA: -c 1, -c 2, then -c 2, -c 1, so that a drift of the machine's load during
            # the bench weighs on both alike.
            order = [1, 2, 2, 1, 1, 2, 2, 1][: 2 * args.batch_rounds]
            print(
                f"2/3 Lots de {args.batch} attestations, workers Celery prefork "
                f"(concurrence {', '.join(map(str, order))}), courtier "
                f"{os.environ['CELERY_BROKER_URL'].split('://')[0]}…",
                flush=True,
            )
            for concurrency in order:
                rate = bench_throughput(staff, registrations[: args.batch], concurrency)
                (singles if concurrency == 1 else doubles).append(rate)
                print(f"    -c {concurrency} : {rate:.2f} doc/s (charge {loadavg()})", flush=True)
            loads["après 2/3"] = loadavg()
        if "memory" not in skip:
            print(f"3/3 Mémoire d'un processus après {args.early} puis {args.memory} documents…")
            rss_early, rss_late = bench_memory(
                staff, registrations[: args.memory], early=args.early
            )
            loads["après 3/3"] = loadavg()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    ratio = one["ratio_unsealed"]
    ms = "{:.0f} ms".format
    rows = [
        (
            "Attestation scellée : chaîne complète (service, tâche, badge, rendu, sceau, "
            "stockage, empreinte)",
            ms(one["ours"] * 1000),
            "",
            "",
        ),
        ("Même chaîne sans le sceau", ms(one["ours_unsealed"] * 1000), "", ""),
        (
            "WeasyPrint simple, FontConfiguration partagée, même PDF octet pour octet",
            ms(one["default"] * 1000),
            "",
            "",
        ),
        (
            "Rapport chaîne sans sceau / WeasyPrint simple (médiane des tours)",
            f"{ratio:.2f}",
            "<= 1,00",
            verdict(ratio <= 1.0),
        ),
        (
            "Rapport chaîne scellée / WeasyPrint simple (médiane des tours)",
            f"{one['ratio_sealed']:.2f}",
            "",
            "",
        ),
        ("Part du sceau dans la chaîne scellée", f"{one['seal_share']:.0%}", "", ""),
        ("  sceau seul (PAdES, RSA 3072)", ms(one["seal"] * 1000), "", ""),
        ("  rendu seul, état partagé du processus", ms(one["render"] * 1000), "", ""),
        ("Rapport rendu seul / WeasyPrint simple", f"{one['render'] / one['default']:.2f}", "", ""),
        (
            "Pour mémoire : HTML seul sans feuille de style (document différent)",
            ms(one["unstyled"] * 1000),
            "",
            "",
        ),
    ]
    if singles and doubles:
        single, double = statistics.mean(singles), statistics.mean(doubles)
        speedup = double / single
        rows += [
            (f"Lot de {args.batch}, 1 processus (moyenne)", f"{single:.2f} doc/s", "", ""),
            (f"Lot de {args.batch}, 2 processus (moyenne)", f"{double:.2f} doc/s", "", ""),
            ("Accélération 2 / 1", f"{speedup:.2f}x", ">= 1,80x", verdict(speedup >= 1.8)),
        ]
    if rss_early:
        growth = (rss_late - rss_early) / rss_early
        rows += [
            (
                f"RSS du processus de rendu après {args.early} documents",
                f"{rss_early:.1f} Mio",
                "",
                "",
            ),
            (
                f"RSS du processus de rendu après {args.memory} documents",
                f"{rss_late:.1f} Mio",
                "",
                "",
            ),
            ("Écart de mémoire", f"{growth:+.1%}", "<= 10 %", verdict(abs(growth) <= 0.10)),
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    line = "+".join("-" * (w + 2) for w in widths)
    print(
        f"\nDocuments (WeasyPrint), {os.cpu_count()} cœurs, {time.monotonic() - began:.0f} s ; "
        "charge (uptime) "
        + " ; ".join(f"{k} {v}" for k, v in loads.items())
        + " (une charge au-delà du nombre de cœurs fausse la mesure à 2 processus)"
    )
    print(line)
    for label, value, target, status in rows:
        cells = [label.ljust(widths[0]), value.rjust(widths[1]), target.ljust(widths[2]), status]
        print(" | ".join(cells))
    print(line)


if __name__ == "__main__":
    main()
