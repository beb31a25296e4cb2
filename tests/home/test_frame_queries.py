"""What every page's frame costs (session, account, TOTP check, menu), pinned per role (issue 22):
a page showing nothing of its own, the privacy notice, costs exactly this; each page's own reads
come on top and are pinned by its app's query-count tests (candidates, evaluations, stats, cdc,
api…). The centre memberships are read once per request and the session is not written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

# session, account, memberships [+ TOTP for the roles that need it], then the menu's one read of
# the roles held through rows (candidate account, opinions to give, jury seat: one query,
# cqpm.core.access.holds_role; staff know their centres already).
FRAME = {
    "staff_a": 5,
    "tutor": 4,
    "evaluator": 4,
    "reviewer": 4,
    "jury_president": 5,
    "jury_member": 5,
    "branch": 5,
}


@pytest.mark.parametrize("role", sorted(FRAME))
def test_the_frame_costs_a_fixed_number_of_queries(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    url = reverse("privacy:notice")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in sql if s.startswith(("UPDATE", "INSERT"))], sql  # no session write
    assert len(sql) == FRAME[role], "\n".join(sql)
