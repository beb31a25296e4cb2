"""Every page each person reaches from their home, pinned at its SQL query count (issue 22).

The demo is seeded (its first campaign grown to a fixed size), then, for each demo account of the
first centre, the reviewer and the branch, the pages two clicks from their home are crawled as
`scripts/bench_pages.py` crawls them (one page per URL shape) and each page's query count is
compared with the table checked in next to this file, `page_queries.json`. The test fails when a
page gains a query, and when a page appears or disappears (the table says which pages are pinned).
A page that loses a query fails too, so that the table follows the gain: regenerate it with

    CQPM_PIN_QUERIES=1 .venv/bin/python -m pytest tests/home/test_page_queries.py

and commit the table with the change that explains it.
"""

import io
import json
import os
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parents[2]
TABLE = Path(__file__).with_name("page_queries.json")
REGISTRATIONS = 12  # more than the demo's showcase rows, so that a per-row query shows

pytestmark = pytest.mark.django_db


def _bench_pages():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench_pages
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return bench_pages


def _count(client: Client, path: str) -> int:
    """The crawl has opened the page already: per-process caches are warm."""
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


@pytest.fixture
def _quiet(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    # the crawl opens the verification page once per person, more than its rate allows
    monkeypatch.setattr("cqpm.core.ratelimit.hit", lambda *args, **kwargs: False)


def test_each_page_keeps_its_query_count(_quiet):
    from candidates import demo

    bench = _bench_pages()
    ctx = demo.run(stdout=io.StringIO(), registrations=REGISTRATIONS)
    first = f"/campagnes/{ctx.campaigns[0].pk}/"
    measured: dict[str, dict[str, int]] = {}
    for role, user in bench._people(ctx).items():
        client = Client()
        client.force_login(user)
        pages = bench._reachable(client, first=first)
        measured[role] = {bench._shape(path): _count(client, path) for path in sorted(pages)}
    if os.environ.get("CQPM_PIN_QUERIES"):
        TABLE.write_text(json.dumps(measured, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"table regenerated: {TABLE.name}")
    pinned = json.loads(TABLE.read_text(encoding="utf-8"))
    changes = []
    for role in sorted(set(pinned) | set(measured)):
        before, now = pinned.get(role, {}), measured.get(role, {})
        for shape in sorted(set(before) | set(now)):
            if before.get(shape) != now.get(shape):
                changes.append(f"{role:<15} {shape}: {before.get(shape)} → {now.get(shape)}")
    assert not changes, (
        "Query counts differ from page_queries.json (pinned → now; None: no such page); "
        "regenerate with CQPM_PIN_QUERIES=1 if the change is meant:\n" + "\n".join(changes)
    )
