"""The RNCP registration of a referential (code, end, blocks' codes): set on any version, a
published one too, by an administrator, audited; hostile codes refused in French."""

import datetime

import pytest

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from referentials.models import Referential
from referentials.services import RncpData, referential_rncp_update
from tests.factories.accounts import UserFactory
from tests.factories.referentials import referential_with_capacities, with_blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return with_blocks(referential_with_capacities(2), {"B1": [1, 2]}, rncp=False)


def test_an_administrator_records_the_registration_of_a_published_version(published):
    admin = UserFactory(is_superuser=True)
    end = datetime.date(2030, 12, 31)
    data = RncpData(
        registered=True,
        code="rncp 35231",
        registration_end=end,
        block_codes={"B1": "RNCP35231BC01"},
    )
    referential_rncp_update(referential=published, data=data, by=admin)
    published.refresh_from_db()
    assert (published.rncp_code, published.rncp_registration_end) == ("RNCP35231", end)
    assert published.blocks.get().rncp_code == "RNCP35231BC01"
    entry = AuditEntry.objects.get(action="cqpm.referentials.referential.rncp_updated")
    assert entry.data["after"]["rncp_code"] == "RNCP35231"
    assert published.status == Referential.Status.PUBLISHED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (RncpData(registered=True, code="RNCP-35231"), "« RNCP » suivi de chiffres"),
        (RncpData(registered=True, code="RNCP35231😀"), "« RNCP » suivi de chiffres"),
        (RncpData(registered=True, block_codes={"B1": "BC01"}), "RNCP35231BC01"),
        (RncpData(registered=True, block_codes={"B9": "RNCP1BC01"}), "Bloc « B9 » inconnu"),
        (RncpData(registered=False, code="RNCP35231"), "suppose un CQPM inscrit"),
    ],
)
def test_hostile_codes_are_refused_and_nothing_is_written(published, data, message):
    with pytest.raises(DomainError) as caught:
        referential_rncp_update(referential=published, data=data, by=None)
    assert message in caught.value.message
    published.refresh_from_db()
    assert published.rncp_code == "" and published.blocks.get().rncp_code == ""
    assert not AuditEntry.objects.filter(action__endswith="rncp_updated").exists()


def test_only_an_administrator_may(published):
    with pytest.raises(DomainError):
        referential_rncp_update(
            referential=published, data=RncpData(registered=True), by=UserFactory()
        )
