#!/usr/bin/env python
"""Benchmark of the verifiable credentials (issue 14). Not a test: it prints values, in one run.

1. A certificate's generation (request service, task body, render, store, SHA-256) with its
   credential (issued, signed, its link, attached to the PDF) against the same pipeline
   without the credentials contribution, rounds interleaved. Target: overhead < 5 %.
   Signing alone (one ES256 VC-JWT) is printed too.
2. The status list of 100,000 credentials (1 % revoked): re-signing it on a change, and serving
   it at its URL from the cache and after the cache was dropped. Target: served < 50 ms.

Everything runs in a temporary folder (SQLite database, media, key file), whatever the
environment says. Usage: .venv/bin/python scripts/bench_credentials.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

CREDENTIALS = 100_000


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


@contextlib.contextmanager
def without_credentials() -> Iterator[None]:
    """The pipeline without the credentials app's part: neither the issuing reaction to the
    certificate's request nor its contribution to the PDF."""
    from cqpm.core.registry import registry, replaced
    from documents.events import DOCUMENT_REQUESTED

    issuing = registry.reactions[DOCUMENT_REQUESTED].pop("credentials.issue")
    try:
        with replaced("document_pdf_extras"):
            yield
    finally:
        registry.reactions[DOCUMENT_REQUESTED]["credentials.issue"] = issuing


def bench_certificate(staff, registration, rounds: int) -> dict[str, float]:
    from credentials.signing import sign
    from documents.models import Document
    from documents.services import document_request, document_revoke
    from documents.tasks import generate_document

    def pipeline() -> float:
        started = time.perf_counter()
        document = document_request(
            kind=Document.Kind.CERTIFICATE, registration=registration, by=staff
        )
        generate_document(document.pk)
        elapsed = time.perf_counter() - started
        document_revoke(document=document, reason="Banc d'essai", by=staff)
        return elapsed

    pipeline()  # warm both paths: fonts, stylesheet, templates, first key load
    with without_credentials():
        pipeline()
    with_credential, without = [], []
    for _ in range(rounds):
        with_credential.append(pipeline())
        with without_credentials():
            without.append(pipeline())
    payload = {"@context": ["https://www.w3.org/ns/credentials/v2"], "x": "y" * 3000}
    signing = []
    for _ in range(200):
        started = time.perf_counter()
        sign(payload)
        signing.append(time.perf_counter() - started)
    return {
        "with": median_ms(with_credential),
        "without": median_ms(without),
        "sign": median_ms(signing),
    }


def fill_status_list(registration) -> int:
    """100,000 credentials in list 1 (1 % revoked), written in bulk: serving is measured, not
    issuing. Returns the list's number."""
    from django.db import transaction
    from django.utils import timezone

    from credentials.models import Credential, StatusList
    from deliberations.models import Decision
    from documents.models import Document

    decision = Decision.objects.get(registration=registration, is_active=True)
    status_list = StatusList.objects.order_by("number").first() or StatusList.objects.create(
        number=1
    )
    taken = set(status_list.credentials.values_list("status_index", flat=True))
    free = [i for i in range(status_list.size) if i not in taken]
    indexes = random.sample(free, CREDENTIALS - len(taken))
    now = timezone.now()
    with transaction.atomic():
        documents = Document.objects.bulk_create(
            Document(
                kind=Document.Kind.CERTIFICATE,
                registration=registration,
                jury_session=decision.session,
                decision=decision,
                version=10_000 + n,
                status=Document.Status.REVOKED,
                revoked_at=now,
                revoked_reason="Banc d'essai",
            )
            for n in range(len(indexes))
        )
        Credential.objects.bulk_create(
            (
                Credential(
                    document=document,
                    decision=decision,
                    status_list=status_list,
                    status_index=index,
                    kid="bench",
                    jwt="bench",
                    revoked_at=now if n % 100 == 0 else None,
                )
                for n, (document, index) in enumerate(zip(documents, indexes, strict=True))
            ),
            batch_size=5000,
        )
    return status_list.number


def bench_status_list(number: int) -> dict[str, float]:
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client

    from credentials.models import StatusList
    from credentials.services import status_list_cache_key, status_list_publish

    republish = []
    for _ in range(10):
        started = time.perf_counter()
        with transaction.atomic():
            status_list_publish(
                status_list=StatusList.objects.select_for_update().get(number=number)
            )
        republish.append(time.perf_counter() - started)
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/badges/statut/{number}/"
    size = len(client.get(url).content)

    def timed(drop_cache: bool) -> list[float]:
        samples = []
        for _ in range(200):
            if drop_cache:
                cache.delete(status_list_cache_key(number))
            started = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        return samples

    return {
        "republish": median_ms(republish),
        "cached": median_ms(timed(False)),
        "cached_p95": statistics.quantiles(timed(False), n=20)[-1] * 1000,
        "uncached": median_ms(timed(True)),
        "size": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cqpm-bench-credentials-"))
    from bench_documents import _configure_environment, build_data

    _configure_environment(folder)
    import django

    django.setup()
    from django.conf import settings

    from cqpm.core.seal import seal_demo_generate
    from credentials.keys import key_generate

    key_generate(path=settings.CREDENTIALS_KEY_FILE)
    # Every PDF is sealed (as in bench_documents): a throwaway certificate in the folder.
    seal_demo_generate(path=settings.PDF_SEAL_PKCS12_FILE, passphrase=settings.PDF_SEAL_PASSPHRASE)
    try:
        print("Préparation : un jury, deux candidats admissibles…", flush=True)
        staff, registrations = build_data(2)
        print(f"1/2 Une attestation avec et sans badge, {args.rounds} tours alternés…", flush=True)
        one = bench_certificate(staff, registrations[0], args.rounds)
        print(f"2/2 Liste de statut de {CREDENTIALS:,} badges…".replace(",", " "), flush=True)
        served = bench_status_list(fill_status_list(registrations[1]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    overhead = one["with"] / one["without"] - 1
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nBadges numériques, {os.cpu_count()} cœurs, charge {load}")
    rows = [
        ("Attestation sans badge (chaîne complète)", f"{one['without']:.1f} ms", ""),
        ("Attestation avec badge (émis, signé, lien, joint au PDF)", f"{one['with']:.1f} ms", ""),
        ("Surcoût du badge", f"{overhead:+.1%}", "< 5 %" + (" OK" if overhead < 0.05 else " NON")),
        ("Signature seule (VC-JWT ES256)", f"{one['sign']:.2f} ms", ""),
        (
            "Liste de statut, 100 000 badges : nouvelle signature",
            f"{served['republish']:.1f} ms",
            "",
        ),
        (
            "Liste de statut servie (cache), médiane",
            f"{served['cached']:.2f} ms",
            "< 50 ms" + (" OK" if served["cached"] < 50 else " NON"),
        ),
        ("Liste de statut servie (cache), 95e centile", f"{served['cached_p95']:.2f} ms", ""),
        ("Liste de statut servie (cache vidé)", f"{served['uncached']:.2f} ms", ""),
        ("Taille de la liste signée", f"{served['size']} octets", ""),
    ]
    width = max(len(label) for label, _v, _t in rows)
    for label, value, target in rows:
        print(f"{label.ljust(width)} | {value.rjust(12)} | {target}")


if __name__ == "__main__":
    main()
