#!/usr/bin/env python
"""Benchmark of the deposit with the Caisse des Dépôts (issue 23). Not a test: it prints values.

A closed jury of 10,000 holders (and one of 1,000), written in bulk to a temporary SQLite
database. For each size:

1. the export as the page and the command run it (`cdc.services.cdc_export`: the query, the
   check of every holder, the streamed XML with each holder's fingerprint, the XSD validation
   of the written file, its storage, the entries), its median over the rounds;
2. a bare serialisation of the same rows: the same query read into rows, one lxml tree built
   in memory and serialised at once; no check, no validation, no storage;
3. the peak memory (tracemalloc) of each: the export streams (its peak does not follow the
   number of holders), the bare tree does not.

Usage: .venv/bin/python scripts/bench_cdc.py [--holders 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def build(holders: int, *, day: int, campaign=None):
    """A closed jury session of `holders` admissible candidates, in bulk."""
    import datetime

    from candidates.models import Campaign, Candidate, ExamCentre, Pathway, Registration
    from deliberations.models import Decision, JurySession
    from referentials.models import Referential
    from tests.factories.accounts import UserFactory

    if campaign is None:
        referential = Referential.objects.filter(status=Referential.Status.PUBLISHED).first()
        Referential.objects.filter(pk=referential.pk).update(
            rncp_registered=True, rncp_code="RNCP12345"
        )
        centre = ExamCentre.objects.create(name="UIMM banc CDC", code="banc-cdc")
        campaign = Campaign.objects.create(
            centre=centre,
            referential=referential,
            name="Banc CDC",
            status=Campaign.Status.CLOSED,
            registration_opens=datetime.date(2026, 9, 1),
            registration_closes=datetime.date(2026, 12, 31),
            report_deadline=datetime.date(2027, 3, 1),
            opinion_deadline=datetime.date(2027, 3, 15),
            commission_starts=datetime.date(2027, 4, 1),
            commission_ends=datetime.date(2027, 4, 30),
            jury_date=datetime.date(2027, 5, 15),
        )
    president = UserFactory()
    session = JurySession.objects.create(
        campaign=campaign,
        date=datetime.date(2027, 5, day),
        place="Salle du jury",
        status=JurySession.Status.CLOSED,
    )
    start = Candidate.objects.count()
    people = Candidate.objects.bulk_create(
        (
            Candidate(
                civility=Candidate.Civility.MADAME if i % 2 else Candidate.Civility.MONSIEUR,
                last_name=f"Titulaire{start + i:06d}",
                first_name=f"Prénom{start + i:06d}",
                birth_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=(start + i) % 9000),
                birth_place_insee="69123",
                birth_place_label="Lyon",
            )
            for i in range(holders)
        ),
        batch_size=2000,
    )
    registrations = Registration.objects.bulk_create(
        (
            Registration(
                campaign=campaign,
                candidate=person,
                pathway=Pathway.CONTINUING,
                registered_on=datetime.date(2026, 10, 1),
                stage=Registration.Stage.ADMISSIBLE,
            )
            for person in people
        ),
        batch_size=2000,
    )
    Decision.objects.bulk_create(
        (
            Decision(
                session=session,
                registration=registration,
                outcome=Decision.Outcome.ADMISSIBLE,
                proposed=Decision.Outcome.ADMISSIBLE,
                recorded_by=president,
            )
            for registration in registrations
        ),
        batch_size=2000,
    )
    return campaign, session


def bare(session) -> int:
    """The same rows read and serialised as one tree in memory (no check, no validation)."""
    from lxml import etree

    from cdc.selectors import Target, certified_decisions, holder_row
    from cdc.xml import NSMAP, passage_element, q

    decisions = certified_decisions(Target(session=session)).select_related(
        "session", "registration__candidate", "registration__campaign__referential"
    )
    rows = [holder_row(d) for d in decisions.order_by("registration_id")]
    root = etree.Element(q("flux"), nsmap=NSMAP)
    passages = etree.SubElement(root, q("passageCertifications"))
    for row in rows:
        passages.append(passage_element(row))
    return len(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def export(session):
    from cdc.selectors import Target
    from cdc.services import cdc_export

    return cdc_export(target=Target(session=session), by=None).flux


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def peak(function, *args) -> int:
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(session, holders: int, rounds: int) -> dict:
    import io

    from cdc.xml import validate

    export(session)  # warm: the XSD parsed once, the first queries
    exports, bares, flux = [], [], None
    for _ in range(rounds):
        seconds, flux = timed(export, session)
        exports.append(seconds)
        bares.append(timed(bare, session)[0])
    assert flux is not None and flux.holder_count == holders
    with flux.file.open("rb") as handle:
        data = handle.read()
    validation, errors = timed(validate, io.BytesIO(data))
    assert errors == []
    return {
        "export": statistics.median(exports),
        "bare": statistics.median(bares),
        "validate": validation,
        "size": len(data),
        "export_peak": peak(export, session),
        "bare_peak": peak(bare, session),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cqpm-bench-cdc-"))
    from bench_documents import _configure_environment

    _configure_environment(folder)
    os.environ["CDC_CLIENT_ID"] = "CQPM0001"
    os.environ["CDC_CONTRACT_ID"] = "MCFCER000123"
    import django

    django.setup()
    from django.core.management import call_command

    results = {}
    try:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_seed_referentials", verbosity=0)
        small = max(args.holders // 10, 1)
        print(f"Préparation : deux jurys clos de {small} et {args.holders} titulaires…", flush=True)
        campaign, first = build(small, day=15)
        _campaign, second = build(args.holders, day=16, campaign=campaign)
        for holders, session in ((small, first), (args.holders, second)):
            print(f"Export de {holders} titulaires, {args.rounds} tours…", flush=True)
            results[holders] = measure(session, holders, args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _print(results)


def _print(results: dict) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nDépôt à la CDC, {os.cpu_count()} cœurs, charge {load}")
    rows = []
    for holders, r in results.items():
        n = f"{holders:,}".replace(",", " ")
        rows += [
            (
                f"{n} titulaires : export complet (requête, contrôle, XML, XSD, stockage)",
                f"{r['export'] * 1000:.0f} ms",
            ),
            (f"{n} titulaires : sérialisation nue des mêmes lignes", f"{r['bare'] * 1000:.0f} ms"),
            (f"{n} titulaires : rapport export / nue", f"{r['export'] / r['bare']:.2f}"),
            (f"{n} titulaires : dont validation XSD du fichier", f"{r['validate'] * 1000:.0f} ms"),
            (f"{n} titulaires : taille du flux", f"{r['size'] / 1e6:.1f} Mo"),
            (
                f"{n} titulaires : pic mémoire de l'export (tracemalloc)",
                f"{r['export_peak'] / 1e6:.1f} Mo",
            ),
            (
                f"{n} titulaires : pic mémoire de la sérialisation nue",
                f"{r['bare_peak'] / 1e6:.1f} Mo",
            ),
        ]
    width = max(len(label) for label, _v in rows)
    for label, value in rows:
        print(f"{label.ljust(width)} | {value.rjust(10)}")


if __name__ == "__main__":
    main()
