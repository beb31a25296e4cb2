"""The pages one centre's people use every day read the large tables through indexes.

On a national instance (100,000+ registrations, scripts/bench_scale.py) a page that reads a whole
table slows down with everybody else's data. Here, on PostgreSQL, the same national data set as
the benchmark's (scripts/bench_scale.Nation), at a smaller size, surrounds one centre; after
ANALYZE, every SELECT its pages run is EXPLAINed, and a large table read whole (a sequential scan,
or an index walked without an index condition) fails the test."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberations.models import Decision
from documents.models import Document
from scripts.bench_scale import Nation

from ..factories.candidates import CampaignFactory, bulk_registrations
from ..factories.deliberations import evaluated_registration

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL plans"),
]

# The tables that grow with the nation; small reference tables may be scanned.
LARGE = (
    "candidates_registration",
    "candidates_candidate",
    "candidates_company",
    "core_auditentry",
    "deliberations_capacityresult",
    "deliberations_resultsheet",
    "deliberations_decision",
    "deliberations_jurycandidate",
    "documents_document",
    "evaluations_commissionassignment",
    "evaluations_evaluationdossier",
    "evaluations_report",
    "evaluations_companyopinion",
)
# At test size the planner rightly prefers reading small tables whole; with these off it still
# does only where no index can serve the access, whatever the volume: what this test is about.
DISCOURAGED = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
SCAN = re.compile(r"(?:Seq Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using \S+)? on (\w+)")


def full_scans(plan: list[str], large=LARGE) -> list[str]:
    """Large tables read by a sequential scan although sequential scans are discouraged: no index
    can serve that access. (Which index the planner then walks, and how far, depends on the
    statistics of the moment; scripts/bench_scale.py measures what that costs at national size.)"""
    found = []
    for line in plan:
        match = SCAN.search(line)
        if match and match.group(1) in large and line.lstrip(" ->").startswith("Seq Scan"):
            found.append(match.group(1))
    return found


def _large_here() -> set[str]:
    """The LARGE tables the test filled (an empty table's plan means nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples >= 1000",
            [list(LARGE)],
        )
        return {row[0] for row in cursor.fetchall()}


def _scans(client, url: str) -> list[tuple[str, str, str]]:
    """(table, query, plan) for every whole read of a large table in the page's SELECTs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    found = []
    large = _large_here()
    with connection.cursor() as cursor:
        for setting in DISCOURAGED:
            cursor.execute(f"SET {setting} = off")
        try:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN {sql}")
                plan = [row[0] for row in cursor.fetchall()]
                found += [(table, sql, "\n".join(plan)) for table in full_scans(plan, large)]
        finally:
            for setting in DISCOURAGED:
                cursor.execute(f"SET {setting} = on")
    return found


@pytest.fixture
def pages(
    client_for,
    campaign,
    session,
    commission,
    evaluator,
    staff_a,
    jury_member,
    jury_president,
    tutor,
    centre_b,
    admissible_reg,
):
    """A centre's pages, with the nation around it (3,000 registrations, 12 campaigns)."""
    bulk_registrations(CampaignFactory(centre=centre_b), 50)
    bulk_registrations(campaign, 50, start=100, tutor=tutor)
    evaluated_registration(campaign=campaign, session=commission)
    decision = Decision.objects.create(
        session=session,
        registration=admissible_reg,
        outcome=Decision.Outcome.ADMISSIBLE,
        proposed=Decision.Outcome.ADMISSIBLE,
        recorded_by=jury_member,
    )
    certificate = Document.objects.create(
        kind=Document.Kind.CERTIFICATE,
        registration=admissible_reg,
        jury_session=session,
        decision=decision,
        status=Document.Status.READY,
        sha256="0" * 64,
    )
    ctx = SimpleNamespace(
        centres=[campaign.centre],
        referential=campaign.referential,
        accounts={
            "evaluator": {campaign.centre.code: evaluator},
            "jury_president": {campaign.centre.code: jury_president},
            "jury_member": {campaign.centre.code: jury_member},
        },
    )
    Nation(ctx, registrations=3000, centres=4, campaigns=12, quiet=True).build()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    listing = reverse("candidates:registration_list", args=[campaign.pk])
    staff = client_for(staff_a)
    return {
        "campaign list": (staff, reverse("candidates:campaign_list")),
        "dashboard": (staff, reverse("candidates:campaign_detail", args=[campaign.pk])),
        "list by name": (staff, listing),
        "list by stage": (staff, f"{listing}?sort=stage"),
        "list by date": (staff, f"{listing}?sort=-date"),
        "list by company": (staff, f"{listing}?sort=company"),
        "search": (staff, f"{listing}?q=helene"),
        "registration": (
            staff,
            reverse("candidates:registration_detail", args=[admissible_reg.pk]),
        ),
        "evaluator home": (client_for(evaluator), reverse("evaluations:evaluator_home")),
        "tutor home": (client_for(tutor), reverse("evaluations:tutor_home")),
        "deliberation": (
            client_for(jury_member),
            reverse("deliberations:jury_deliberation", args=[session.pk]),
        ),
        "verification": (
            Client(),
            reverse("documents:verify", args=[certificate.verification_code]),
        ),
    }


def test_a_centre_s_pages_read_large_tables_through_indexes(pages):
    assert len(_large_here()) >= 8  # the nation is there: registrations, results, documents…
    whole = {name: _scans(client, url) for name, (client, url) in pages.items()}
    report = [
        f"{name}: {table} read whole by\n{sql}\n{plan}"
        for name, scans in whole.items()
        for table, sql, plan in scans
    ]
    assert not report, "\n\n".join(report)


def test_the_guard_sees_a_whole_table_read():
    plan = [
        "Nested Loop  (cost=0.29..10.00 rows=50 width=8)",
        "  ->  Seq Scan on candidates_registration",
        "        Filter: (stage = 'jury')",
        "  ->  Index Scan using candidates_candidate_pkey on candidates_candidate",
        "        Index Cond: (id = 3)",
        "  ->  Seq Scan on candidates_campaign",
    ]
    assert full_scans(plan) == ["candidates_registration"]
