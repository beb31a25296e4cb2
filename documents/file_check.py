"""What /verifier/ says of an uploaded PDF: its seal (pyHanko, against our certificate), whether
it is the very file we issued (its SHA-256 among the recorded ones), and whether it still holds."""

from __future__ import annotations

from dataclasses import dataclass

from cqpm.core.seal import SealReport, pdf_seal_check

from . import selectors
from .models import Convocation, Document


@dataclass(frozen=True)
class FileCheck:
    seal: SealReport
    document: Document | None = None
    convocation: Convocation | None = None

    @property
    def issued(self) -> bool:
        return self.document is not None or self.convocation is not None

    @property
    def still_valid(self) -> bool:
        if self.document is not None:
            # A file replaced by a later one of the same document (the minutes once signed).
            document = self.document
            latest = document.sha256 == self.seal.sha256
            return latest and document.status == Document.Status.READY and document.is_current
        if self.convocation is not None:
            latest = selectors.last_convocation_of(convocation=self.convocation)
            return latest is not None and latest.pk == self.convocation.pk
        return False


def pdf_file_check(*, data: bytes) -> FileCheck:
    """Check an uploaded file; never raises on a hostile one (the seal report says unreadable)."""
    seal = pdf_seal_check(data)
    if not seal.readable:
        return FileCheck(seal=seal)
    document = selectors.document_for_file(sha256=seal.sha256)
    convocation = None if document else selectors.convocation_for_file(sha256=seal.sha256)
    return FileCheck(seal=seal, document=document, convocation=convocation)
