"""Public, anonymous responses carry an ETag, answer 304 when it matches, and are compressed;
signed-in pages are not compressed (BREACH: their CSRF token beside chosen text)."""

import gzip
import json

import pytest
from django.urls import reverse

from referentials import case
from tests.factories.referentials import referential_with_capacities

pytestmark = pytest.mark.django_db


def _urls(referential):
    # Responses large enough that gzip always wins: Django's GZipMiddleware adds up to 100 random
    # bytes (BREACH) and sends a body uncompressed when that makes it no smaller, which a CFItemType
    # of 344 bytes is in about 16 % of draws; the DID document (576 bytes) never was in 2000.
    return [
        reverse("credentials:did"),
        reverse("case:package", args=[case.document_identifier(referential)]),
    ]


@pytest.mark.parametrize("index", [0, 1])
def test_a_public_response_is_validated_by_its_etag_and_compressed(client, index):
    url = _urls(referential_with_capacities())[index]
    first = client.get(url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == json.loads(first.content)
    assert client.get(url, headers={"If-None-Match": packed["ETag"]}).status_code == 304


def test_a_signed_in_page_is_not_compressed(client_for, staff_a):
    response = client_for(staff_a).get(reverse("home"), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
