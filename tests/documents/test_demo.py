"""The demo seeder generates the documents of the closed demo juries, once."""

from types import SimpleNamespace

from documents.demo import seed
from documents.models import Document, DocumentBatch


def test_it_generates_the_closed_jury_documents_once(jury, staff_a, centre_a):
    said: list[str] = []
    ctx = SimpleNamespace(
        campaigns=[jury.campaign], accounts={"staff": {centre_a.code: staff_a}}, say=said.append
    )

    seed(ctx=ctx)
    seed(ctx=ctx)

    documents = Document.objects.all()
    assert documents.count() == 3
    assert {d.status for d in documents} == {Document.Status.READY}
    batch = DocumentBatch.objects.get()
    assert batch.archive
    assert said == [f"Démo documents : 3 documents pour « {jury.session} »."]


def test_it_does_nothing_without_a_closed_jury(db):
    seed(ctx=SimpleNamespace(campaigns=[], accounts={}))

    assert not Document.objects.exists()
