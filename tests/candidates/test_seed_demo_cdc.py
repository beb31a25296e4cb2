"""The demo and the CDC deposit (issue 23, point 6): the closed campaign carries every field,
so its flux validates against the XSD; one person of the jury campaign lacks a birth place, so
the check shows what to fill in. Reruns change nothing."""

import io

import pytest
from django.core.management import call_command

from candidates.demo import CLOSED_CAMPAIGN_NAME
from candidates.models import Campaign, Candidate, ExamCentre
from cdc.selectors import Target, check_report
from cdc.services import cdc_export
from referentials.models import Referential

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"


def test_the_demo_closed_campaign_exports_and_the_jury_campaign_misses_one_birth_place():
    call_command("seed_demo", stdout=io.StringIO())
    referential = Referential.objects.get(status=Referential.Status.PUBLISHED)
    assert referential.rncp_registered and referential.rncp_code.startswith("RNCP")
    assert all(
        c.cdc_certifier_ids()[0] for c in ExamCentre.objects.filter(code__startswith="demo-")
    )

    for closed in Campaign.objects.filter(name=CLOSED_CAMPAIGN_NAME):
        report = check_report(Target(campaign=closed))
        assert report.ok and report.exportable, [line.problems for line in report.refused]
        result = cdc_export(target=Target(campaign=closed), by=None)
        assert result.flux.pk and not result.refused

    jury = Campaign.objects.filter(name__endswith="jury (démonstration)").order_by("centre__code")
    first, second = (check_report(Target(campaign=c)) for c in jury)
    assert len(first.refused) == 1 and second.ok
    assert "naissance" in " ".join(first.refused[0].problems)
    assert Candidate.objects.filter(birth_place_insee="", birth_postal_code="").count() >= 1

    before = list(Candidate.objects.order_by("pk").values_list("birth_place_insee", flat=True))
    call_command("seed_demo", stdout=io.StringIO())
    after = list(Candidate.objects.order_by("pk").values_list("birth_place_insee", flat=True))
    assert after == before
