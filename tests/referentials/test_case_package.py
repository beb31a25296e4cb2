"""The referential in CASE 1.1 at /ims/case/v1p1/: public, drafts hidden, identifiers stable and
equal to referentials.case, the package whole (every association resolves inside it)."""

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from referentials import case
from referentials.models import Criterion, Referential
from referentials.services import referential_import
from tests.factories.referentials import ReferentialFactory, referential_with_capacities

from . import case_schema

pytestmark = pytest.mark.django_db
PREFIX = "/ims/case/v1p1"


@pytest.fixture
def anonymous():
    return Client()


def get(client, kind, identifier):
    return client.get(f"{PREFIX}/{kind}/{identifier}")


def package_of(client, referential) -> dict:
    response = get(client, "CFPackages", case.document_identifier(referential))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_package_follows_the_case_binding_and_holds_together(anonymous, seed):
    data = package_of(anonymous, seed)

    package = case_schema.CFPackage.model_validate(data)
    document = package.CFDocument
    assert (document.identifier, document.language, document.version) == (
        case.document_identifier(seed),
        "fr",
        "1",
    )
    assert document.uri == case.document_uri(seed) and document.title == seed.title
    nodes = {document.identifier} | {item.identifier for item in package.CFItems}
    assert len(nodes) == 1 + len(package.CFItems)
    for association in package.CFAssociations:
        assert association.associationType == "isChildOf"
        assert association.originNodeURI.identifier in nodes
        assert association.destinationNodeURI.identifier in nodes
    # A tree: every item is the child of exactly one node, and the document of none.
    origins = [a.originNodeURI.identifier for a in package.CFAssociations]
    assert sorted(origins) == sorted(item.identifier for item in package.CFItems)
    types = {t.identifier for t in package.CFDefinitions.CFItemTypes}
    assert {item.CFItemTypeURI.identifier for item in package.CFItems} == types


def test_its_identifiers_are_those_of_referentials_case(anonymous, seed):
    data = package_of(anonymous, seed)

    items = {item["humanCodingScheme"]: item for item in data["CFItems"]}
    capacities = list(seed.capacities.order_by("number"))
    assert len(capacities) == 7
    for capacity in capacities:
        item = items[str(capacity.number)]
        assert (item["identifier"], item["uri"]) == (
            case.capacity_identifier(capacity),
            case.capacity_uri(capacity),
        )
        assert item["fullStatement"] == capacity.title
    criteria = Criterion.objects.filter(capacity__referential=seed).select_related("capacity")
    letters = {"results": "R", "methods": "M", "procedures": "P"}
    for criterion in criteria:
        coding = f"{criterion.capacity.number}.{letters[criterion.kind]}{criterion.position}"
        assert items[coding]["identifier"] == case.criterion_identifier(criterion)
        assert items[coding]["fullStatement"] == criterion.text
    assert len(items) == len(capacities) + len(criteria)
    parents = {a["originNodeURI"]["identifier"]: a for a in data["CFAssociations"]}
    first = capacities[0]
    assert parents[case.capacity_identifier(first)]["destinationNodeURI"]["identifier"] == (
        case.document_identifier(seed)
    )
    criterion = criteria.filter(capacity=first).first()
    association = parents[case.criterion_identifier(criterion)]
    assert association["destinationNodeURI"]["identifier"] == case.capacity_identifier(first)
    assert association["identifier"] == case.association_identifier(
        "isChildOf", case.criterion_identifier(criterion), case.capacity_identifier(first)
    )


def test_it_answers_the_same_json_at_every_call(anonymous, seed):
    assert package_of(anonymous, seed) == package_of(anonymous, seed)


def test_each_object_is_served_alone_with_its_links(anonymous, seed):
    data = package_of(anonymous, seed)
    capacity = data["CFItems"][0]
    association = data["CFAssociations"][-1]
    item_type = data["CFDefinitions"]["CFItemTypes"][0]

    document = get(anonymous, "CFDocuments", case.document_identifier(seed)).json()
    item = get(anonymous, "CFItems", capacity["identifier"]).json()
    link = get(anonymous, "CFAssociations", association["identifier"]).json()
    kind = get(anonymous, "CFItemTypes", item_type["identifier"]).json()

    case_schema.CFDocument.model_validate(document)
    case_schema.CFItem.model_validate(item)
    case_schema.CFAssociation.model_validate(link)
    case_schema.CFItemType.model_validate(kind)
    package_link = {"title": seed.title, "identifier": document["identifier"]}
    assert document["CFPackageURI"] | package_link == document["CFPackageURI"]
    assert document["CFPackageURI"]["uri"].endswith(f"/CFPackages/{document['identifier']}")
    assert item == capacity | {"CFDocumentURI": item["CFDocumentURI"]}
    assert item["CFDocumentURI"]["identifier"] == document["identifier"]
    assert link == association | {"CFDocumentURI": link["CFDocumentURI"]}
    assert kind == item_type


def test_blocks_are_items_their_capacities_are_children_of(anonymous, seed_data):
    data = copy.deepcopy(seed_data) | {"code": "2099 01 01 0001"}
    data["blocks"] = [{"code": "B1", "title": "Relation client", "capacities": [1, 2]}]
    referential = referential_import(data=data)

    package = package_of(anonymous, referential)

    block = next(item for item in package["CFItems"] if item["humanCodingScheme"] == "B1")
    assert block["identifier"] == case.block_identifier(referential.blocks.get())
    assert block["CFItemType"] == "Bloc de compétences"
    parents = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in package["CFAssociations"]
    }
    capacities = {c.number: c for c in referential.capacities.all()}
    assert parents[case.capacity_identifier(capacities[1])] == block["identifier"]
    assert parents[case.capacity_identifier(capacities[3])] == case.document_identifier(referential)
    assert parents[block["identifier"]] == case.document_identifier(referential)


def test_drafts_and_unknown_identifiers_answer_404(anonymous, seed, seed_data):
    changed = copy.deepcopy(seed_data)
    changed["capacities"][0]["title"] = "Un intitulé encore en brouillon"
    draft = referential_import(data=changed)
    assert draft.status == Referential.Status.DRAFT
    capacity = draft.capacities.get(number=1)
    unpublished = ReferentialFactory()

    answers = [
        get(anonymous, "CFPackages", case.document_identifier(draft)),
        get(anonymous, "CFDocuments", case.document_identifier(draft)),
        get(anonymous, "CFItems", case.capacity_identifier(capacity)),
        get(anonymous, "CFPackages", case.document_identifier(unpublished)),
        get(anonymous, "CFItems", case.document_identifier(seed)),  # a document is no item
        get(anonymous, "CFItems", "00000000-0000-5000-8000-000000000000"),
    ]

    assert [r.status_code for r in answers] == [404] * 6
    assert answers[0].json()["imsx_codeMinor"]["imsx_codeMinorField"][0] == {
        "imsx_codeMinorFieldName": "sourcedId",
        "imsx_codeMinorFieldValue": "unknownobject",
    }
    assert get(anonymous, "CFItems", "pas-un-uuid").status_code == 404
    assert "brouillon" not in str(package_of(anonymous, seed))


def test_a_version_is_served_once_published_and_still_when_archived(anonymous, seed, seed_data):
    changed = copy.deepcopy(seed_data)
    changed["capacities"][0]["title"] = "Nouvel intitulé"
    draft = referential_import(data=changed)
    assert get(anonymous, "CFPackages", case.document_identifier(draft)).status_code == 404

    published = referential_import(data=changed, publish=True)
    seed.refresh_from_db()

    assert (published.pk, seed.status) == (draft.pk, Referential.Status.ARCHIVED)
    assert package_of(anonymous, published)["CFDocument"]["adoptionStatus"] == "Adopted"
    assert package_of(anonymous, seed)["CFDocument"]["adoptionStatus"] == "Deprecated"
    capacity = published.capacities.get(number=1)
    item = get(anonymous, "CFItems", case.capacity_identifier(capacity)).json()
    assert item["fullStatement"] == "Nouvel intitulé"


def _queries(client, url) -> int:
    client.get(url)  # the identifier index is built once per change of the public versions
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_reads_in_a_fixed_number_of_queries_whatever_the_size(anonymous):
    counts = []
    for size in (3, 30):
        referential = referential_with_capacities(size)
        last = referential.capacities.get(number=size)
        criterion = last.criteria.order_by("kind", "position").last()
        counts.append(
            (
                _queries(anonymous, f"{PREFIX}/CFPackages/{case.document_identifier(referential)}"),
                _queries(anonymous, f"{PREFIX}/CFItems/{case.criterion_identifier(criterion)}"),
            )
        )
        assert len(package_of(anonymous, referential)["CFItems"]) == size * 7
    assert counts[0] == counts[1]
    assert counts[0][0] <= 7


def test_the_export_command_writes_the_package_of_a_public_version(anonymous, seed, seed_data):
    out = io.StringIO()
    call_command("export_referential", seed.code, "--format", "case", stdout=out)
    assert json.loads(out.getvalue()) == package_of(anonymous, seed)

    changed = copy.deepcopy(seed_data)
    changed["capacities"][0]["title"] = "Brouillon"
    referential_import(data=changed)
    with pytest.raises(CommandError, match="brouillon"):
        call_command("export_referential", seed.code, "--version", "2", "--format", "case")
