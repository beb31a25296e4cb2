"""pyHanko's own validation of the seal, for the tests of every generated PDF."""

import io

import pikepdf
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cqpm.core.seal import SEAL_FIELD, seal_certificate


def assert_sealed(data: bytes) -> None:
    """One seal, by our certificate, intact, trusted, covering the whole file; the PDF/A-3b
    claims of the file under it still there."""
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_regular_signatures
    assert signature.field_name == SEAL_FIELD
    context = ValidationContext(trust_roots=[seal_certificate()], allow_fetching=False)
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "B")
        assert "/StructTreeRoot" in pdf.Root and "/OutputIntents" in pdf.Root
