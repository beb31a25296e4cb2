"""The issuing organisation's seal on every generated PDF: a PAdES signature by pyHanko.

`render_pdf` calls `pdf_seal` last, as an incremental update: the PDF/A-3b file WeasyPrint wrote
stays byte for byte in front of the update, so its PDF/A claims, its tagging and its embedded
credential are untouched, and the signature covers the whole file. The invisible signature
field (zero-size widget, printable and locked) needs no appearance stream in PDF/A.

The key and certificate come from settings: a PKCS#12 file and its passphrase
(`PDF_SEAL_PKCS12_FILE`, `PDF_SEAL_PASSPHRASE`) or a PEM pair (`PDF_SEAL_KEY_FILE`,
`PDF_SEAL_CERT_FILE`). `manage.py seal_keygen` writes a self-signed demo certificate named as
such. Same input, same bytes when no timestamp authority is set: the signing time is the
document's own date, RSA PKCS#1 v1.5 signatures are deterministic, and the file identifier's
second part is a hash of the unsealed file. With `PDF_SEAL_TSA_URL`, the seal carries a
timestamp token (RFC 3161) and each sealing differs: the file hash is recorded per version.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper

T = TypeVar("T")

SEAL_FIELD = "Sceau"
SEAL_REASON = "Document émis et scellé par l'organisme certificateur"
# The CMS container of an RSA seal with its certificate takes ~2 KB; room for a 4096-bit key
# and a chain of two certificates.
SEAL_BYTES_RESERVED = 8192
DEMO_SUBJECT = "CQPM — certificat de DÉMONSTRATION, sans valeur"

_lock = threading.Lock()
_cache: dict[tuple[object, ...], signers.SimpleSigner] = {}


@dataclass(frozen=True)
class SealSource:
    """Where the seal's key and certificate are read from (settings)."""

    pkcs12: Path | None
    passphrase: bytes | None
    key: Path | None
    cert: Path | None

    def describe(self) -> str:
        return str(self.pkcs12 or f"{self.key} + {self.cert}")

    def exists(self) -> bool:
        if self.key and self.cert:
            return self.key.is_file() and self.cert.is_file()
        return bool(self.pkcs12 and self.pkcs12.is_file())


def seal_source() -> SealSource:
    key, cert = settings.PDF_SEAL_KEY_FILE, settings.PDF_SEAL_CERT_FILE
    passphrase = settings.PDF_SEAL_PASSPHRASE.encode() if settings.PDF_SEAL_PASSPHRASE else None
    if key and cert:
        return SealSource(pkcs12=None, passphrase=passphrase, key=Path(key), cert=Path(cert))
    return SealSource(
        pkcs12=Path(settings.PDF_SEAL_PKCS12_FILE), passphrase=passphrase, key=None, cert=None
    )


def seal_signer() -> signers.SimpleSigner:
    """The configured signer, loaded once per process and source; ImproperlyConfigured if the
    files are missing or unreadable (a wrong passphrase)."""
    source = seal_source()
    paths = [p for p in (source.pkcs12, source.key, source.cert) if p]
    try:
        stamp = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Certificat du sceau introuvable ({source.describe()}) : créez-le avec "
            "« manage.py seal_keygen » ou réglez PDF_SEAL_PKCS12_FILE."
        ) from exc
    key = (stamp, source.passphrase)
    if key not in _cache:
        with _lock:
            if key not in _cache:
                _cache[key] = _load(source)
    return _cache[key]


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses the private key again at every signature (about 0.27 s for
    RSA 3072 with cryptography's key checks, twice per seal): this one parses it once."""

    _pyca_key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.serialization import load_der_private_key
        from pyhanko.sign.general import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

        if self._pyca_key is None:
            key = load_der_private_key(self.signing_key.dump(), password=None)
            if not isinstance(key, RSAPrivateKey):  # the mechanism above says RSA
                return super().sign_raw(data, digest_algorithm)
            self._pyca_key = key
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        return bytes(self._pyca_key.sign(data, PKCS1v15(), hash_algorithm))


def _load(source: SealSource) -> signers.SimpleSigner:
    if source.key and source.cert:
        signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            str(source.key), str(source.cert), key_passphrase=source.passphrase
        )
    else:
        signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
            str(source.pkcs12), passphrase=source.passphrase
        )
    if signer is None:
        raise ImproperlyConfigured(
            f"Certificat du sceau illisible ({source.describe()}) : fichier ou phrase secrète "
            "(PDF_SEAL_PASSPHRASE) incorrects."
        )
    return _KeptKeySigner(
        signing_cert=signer.signing_cert,
        signing_key=signer.signing_key,
        cert_registry=signer.cert_registry,
        signature_mechanism=signer.signature_mechanism,
    )


def seal_certificate() -> asn1_x509.Certificate:
    """The certificate the seal is made with (the trust anchor of our own verification)."""
    return seal_signer().signing_cert


def seal_holder_name(cert: asn1_x509.Certificate | None = None) -> str:
    """The organisation named in a seal certificate: its organisation, else its common name."""
    subject = (cert or seal_certificate()).subject.native
    return subject.get("organization_name") or subject.get("common_name") or ""


class _FixedDateMetadata(DocumentMetadata):
    """pyHanko stamps the modification date with "now"; a seal is dated by its document."""

    def __setattr__(self, name: str, value: Any) -> None:
        fixed = self.__dict__.get("fixed_date")
        if name == "last_modified" and value == "now" and fixed is not None:
            value = fixed
        super().__setattr__(name, value)


def _writer(data: bytes, when: datetime.datetime) -> IncrementalPdfFileWriter:
    writer = IncrementalPdfFileWriter(BytesIO(data))
    meta = _FixedDateMetadata(**vars(writer._meta))
    meta.__dict__["fixed_date"] = when
    meta.last_modified = when
    writer._meta = meta
    # The ID's first part stays the document's; the second names this revision by its content.
    first = writer._document_id[0]
    revision = generic.ByteStringObject(hashlib.sha256(data).digest()[:16])
    writer._document_id = generic.ArrayObject([first, revision])
    return writer


def pdf_seal(data: bytes, *, when: datetime.datetime) -> bytes:
    """`data` with the organisation's PAdES seal appended (incremental update), dated `when`,
    timestamped when PDF_SEAL_TSA_URL is set."""
    signer = seal_signer()
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=SEAL_REASON,
        name=seal_holder_name(signer.signing_cert),
        location=settings.PDF_SEAL_LOCATION or None,
    )
    timestamper = HTTPTimeStamper(settings.PDF_SEAL_TSA_URL) if settings.PDF_SEAL_TSA_URL else None
    pdf_signer = _DatedSigner(meta, signer=signer, timestamper=timestamper, when=when)
    # Without a timestamp the signature's size is known: reserving room for it spares pyHanko a
    # dry-run signature to estimate it (a third of the seal's time).
    reserved = None if timestamper else SEAL_BYTES_RESERVED
    output = _outside_event_loop(
        lambda: pdf_signer.sign_pdf(_writer(data, when), bytes_reserved=reserved)
    )
    return bytes(output.getvalue())


def _outside_event_loop(work: Callable[[], T]) -> T:
    """Run `work` here, or in a fresh thread when this thread already runs an event loop:
    pyHanko's synchronous API calls `asyncio.run()`, which refuses to nest (a page rendered inside
    an async server or a browser test's loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


class _DatedSigner(signers.PdfSigner):
    """A PdfSigner whose session is dated by the document, not by the clock."""

    def __init__(self, *args: Any, when: datetime.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.when = when

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> signers.pdf_signer.PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.when
        return session


def seal_demo_generate(*, path: Path, passphrase: str = "") -> asn1_x509.Certificate:
    """Write a self-signed demonstration seal (RSA 3072, 10 years) as PKCS#12 at `path`, mode
    0600; its name says it is a demonstration, worth nothing outside a test."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.CREDENTIALS_ISSUER_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    blob = pkcs12.serialize_key_and_certificates(b"cqpm-seal", key, cert, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.touch(mode=0o600)
    temporary.write_bytes(blob)
    temporary.replace(path)
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class SealReport:
    """What pyHanko finds in a PDF: a seal or not, intact, covering the whole file, ours."""

    readable: bool
    sealed: bool = False
    intact: bool = False
    whole_file: bool = False
    ours: bool = False
    holder: str = ""
    signed_at: datetime.datetime | None = None
    sha256: str = ""

    @property
    def valid(self) -> bool:
        return self.readable and self.sealed and self.intact and self.whole_file and self.ours


def pdf_seal_check(data: bytes) -> SealReport:
    """Validate the last signature of `data` against our seal certificate, without any network
    fetch and with pyHanko's limits for untrusted input; a file it cannot read is reported as
    such, never raised."""
    from pyhanko.pdf_utils.decode_limits import DecodeLimits
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    sha256 = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(
            BytesIO(data), strict=False, decode_limits=DecodeLimits.for_untrusted_input()
        )
        signatures = reader.embedded_regular_signatures
    except Exception:  # noqa: BLE001 - any parse failure of a hostile file is "unreadable"
        return SealReport(readable=False, sha256=sha256)
    if not signatures:
        return SealReport(readable=True, sha256=sha256)
    embedded = signatures[-1]
    try:
        ours = seal_certificate()
        context = ValidationContext(trust_roots=[ours], allow_fetching=False)
        status = _outside_event_loop(
            lambda: validate_pdf_signature(embedded, signer_validation_context=context)
        )
    except Exception:  # noqa: BLE001 - a malformed signature is an altered one
        return SealReport(readable=True, sealed=True, sha256=sha256)
    cert = status.signing_cert
    return SealReport(
        readable=True,
        sealed=True,
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        ours=cert.dump() == ours.dump() and bool(status.trusted),
        holder=seal_holder_name(cert),
        signed_at=status.signer_reported_dt,
        sha256=sha256,
    )
