"""The admin shows every part of a referential and leaves published versions read-only."""

import pytest
from django.urls import reverse

from referentials.models import Referential
from referentials.services import referential_new_draft


@pytest.fixture
def admin_client(client_for, superuser):
    return client_for(superuser)


def test_it_lists_referentials_with_their_capacity_count(admin_client, seed):
    response = admin_client.get(reverse("admin:referentials_referential_changelist"))
    assert response.status_code == 200
    assert "2015 04 54 0303" in response.content.decode()


def test_it_shows_a_published_version_read_only_with_its_capacities(admin_client, seed):
    url = reverse("admin:referentials_referential_change", args=[seed.pk])
    html = admin_client.get(url).content.decode()
    assert "Développer et gérer un portefeuille clients" in html
    assert 'name="_save"' not in html
    response = admin_client.post(url, {"title": "Changé"})
    assert response.status_code == 403
    seed.refresh_from_db()
    assert seed.title == "Responsable d'affaires"


def test_it_shows_a_capacity_with_its_conditions_and_criteria(admin_client, seed):
    capacity = seed.capacities.get(number=5)
    html = admin_client.get(
        reverse("admin:referentials_capacity_change", args=[capacity.pk])
    ).content.decode()
    assert "En relation avec les encadrants et les membres de l&#x27;équipe" in html
    assert "La qualité de la relation client est assurée." in html
    assert 'name="_save"' not in html


def test_it_lets_a_draft_be_edited(admin_client, seed, superuser):
    draft = referential_new_draft(referential=seed, by=superuser)
    html = admin_client.get(
        reverse("admin:referentials_referential_change", args=[draft.pk])
    ).content.decode()
    assert 'name="_save"' in html


def test_admin_actions_create_a_draft_then_publish_it(admin_client, seed):
    changelist = reverse("admin:referentials_referential_changelist")
    admin_client.post(changelist, {"action": "new_draft", "_selected_action": [seed.pk]})
    draft = Referential.objects.get(code=seed.code, version=2)
    assert draft.status == Referential.Status.DRAFT
    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk, seed.pk]}, follow=True
    )
    html = response.content.decode()
    assert "1 référentiel(s) publié(s)." in html
    assert "Seul un brouillon peut être publié" in html
    draft.refresh_from_db()
    seed.refresh_from_db()
    assert (draft.status, seed.status) == ("published", "archived")
