"""Every page: staff of the centre get it, anyone else gets a 404, anonymous users log in."""

import pytest
from django.urls import reverse

from candidates.models import CentreMembership

pytestmark = pytest.mark.django_db

# (url name, method, which object the url takes, status for staff of centre A)
PAGES = [
    ("campaign_detail", "get", "campaign", 200),
    ("campaign_update", "get", "campaign", 200),
    ("campaign_transition", "post", "campaign", 200),  # its confirmation step
    ("registration_list", "get", "campaign", 200),
    ("registration_create", "get", "campaign", 200),
    ("registration_detail", "get", "registration", 200),
    ("registration_update", "get", "registration", 200),
    ("registration_withdraw", "get", "registration", 200),
    ("centre_detail", "get", "centre", 200),
    ("centre_update", "get", "centre", 200),
    ("membership_add", "get", "centre", 200),
    ("membership_remove", "post", "membership", 200),  # its confirmation step
]


def _url(name, kind, registration_a, evaluator):
    campaign = registration_a.campaign
    if kind == "campaign":
        return reverse(f"candidates:{name}", args=[campaign.pk])
    if kind == "registration":
        return reverse(f"candidates:{name}", args=[registration_a.pk])
    if kind == "centre":
        return reverse(f"candidates:{name}", args=[campaign.centre_id])
    membership = CentreMembership.objects.get(user=evaluator)
    return reverse(f"candidates:{name}", args=[campaign.centre_id, membership.pk])


@pytest.mark.parametrize(("name", "method", "kind", "status"), PAGES)
def test_it_serves_staff_of_the_centre(
    client_for, staff_a, registration_a, evaluator, name, method, kind, status
):
    url = _url(name, kind, registration_a, evaluator)
    response = getattr(client_for(staff_a), method)(url, {"to": "in_progress"})
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["staff_b", "outsider", "evaluator", "jury_president", "tutor"])
@pytest.mark.parametrize(("name", "method", "kind", "status"), PAGES)
def test_it_answers_404_to_everyone_else(
    request, client_for, registration_a, evaluator, persona, name, method, kind, status
):
    user = request.getfixturevalue(persona)
    url = _url(name, kind, registration_a, evaluator)
    response = getattr(client_for(user), method)(url, {"to": "in_progress"})
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "kind", "status"), PAGES)
def test_it_sends_anonymous_users_to_login(
    client, registration_a, evaluator, name, method, kind, status
):
    url = _url(name, kind, registration_a, evaluator)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_guards_the_exports(client, client_for, staff_a, staff_b, outsider, registration_a, fmt):
    url = reverse("candidates:registration_export", args=[registration_a.campaign_id, fmt])
    assert client_for(staff_a).get(url).status_code == 200
    assert client_for(staff_b).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("name", ["campaign_list", "campaign_create", "centre_list"])
def test_it_keeps_the_staff_lists_to_staff(client, client_for, staff_b, outsider, tutor, name):
    url = reverse(f"candidates:{name}")
    assert client_for(staff_b).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(tutor).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_it_lists_only_the_campaigns_and_centres_of_the_user(
    client_for, staff_b, campaign_a, campaign_b
):
    body = client_for(staff_b).get(reverse("candidates:campaign_list")).content.decode()
    assert "Session printemps B" in body
    assert "Session printemps A" not in body
    body = client_for(staff_b).get(reverse("candidates:centre_list")).content.decode()
    assert "UIMM Centre B" in body
    assert "UIMM Centre A" not in body


def test_it_shows_staff_their_navigation(client_for, staff_a, tutor):
    body = client_for(staff_a).get(reverse("home")).content.decode()
    assert reverse("candidates:campaign_list") in body
    assert reverse("candidates:centre_list") in body
    body = client_for(tutor).get(reverse("home")).content.decode()
    assert reverse("candidates:campaign_list") not in body
