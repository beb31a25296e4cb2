"""seed_demo gains commission results and juries: one open, one closed, idempotently."""

import io

import pytest
from django.core.management import call_command

from deliberations.models import CapacityResult, Decision, JurySession, ResultSheet


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"


def _counts() -> dict[str, int]:
    models = [JurySession, Decision, ResultSheet, CapacityResult]
    return {model.__name__: model.objects.count() for model in models}


def test_it_seeds_an_open_and_a_closed_jury_idempotently(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    closed = JurySession.objects.filter(status="closed")
    deliberating = JurySession.objects.filter(status="deliberating")
    assert closed.count() >= 1 and deliberating.count() >= 1
    outcomes = set(
        Decision.objects.filter(session__in=closed, is_active=True).values_list(
            "outcome", flat=True
        )
    )
    assert {"admissible", "not_admissible"} <= outcomes
    assert CapacityResult.objects.filter(valid_until__isnull=False).exists()
    assert ResultSheet.objects.filter(status="draft").exists()
    assert CapacityResult.objects.filter(disagrees_with_opinion=True).exists()
    assert all("\t" in line for line in out.getvalue().splitlines())
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
