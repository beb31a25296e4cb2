"""Every endpoint x every persona, through tokens: the API reaches exactly what the pages reach
(DESIGN.md §7). Outside the scope an object answers 404 and a list leaves it out."""

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = (
    "staff_a",
    "staff_b",
    "reviewer",
    "tutor",
    "evaluator",
    "jury_president",
    "jury_member",
    "outsider",
)
JURY = {"staff_a", "jury_president", "jury_member"}

# URL (from the scenario) -> personas answered 200; everyone else gets 404.
DETAILS = {
    "referential": (lambda s: f"/api/v1/referentials/{s.referential.pk}/", set(PERSONAS)),
    "campaign": (lambda s: f"/api/v1/campaigns/{s.campaign.pk}/", {"staff_a"}),
    "candidate": (lambda s: f"/api/v1/candidates/{s.registration.candidate_id}/", {"staff_a"}),
    "registration": (lambda s: f"/api/v1/registrations/{s.registration.pk}/", {"staff_a"}),
    "evidence": (
        lambda s: f"/api/v1/registrations/{s.registration.pk}/evidence/",
        {"staff_a", "evaluator"},
    ),
    "results": (
        lambda s: f"/api/v1/registrations/{s.registration.pk}/results/",
        {"staff_a", "evaluator"},
    ),
    "history": (lambda s: f"/api/v1/registrations/{s.registration.pk}/history/", {"staff_a"}),
    "decision": (lambda s: f"/api/v1/decisions/{s.decision.pk}/", JURY),
    "document": (lambda s: f"/api/v1/documents/{s.document.pk}/", {"staff_a"}),
    "pdf": (lambda s: f"/api/v1/documents/{s.document.pk}/pdf/", {"staff_a"}),
    "campaign_b": (lambda s: f"/api/v1/campaigns/{s.campaign_b.pk}/", {"staff_b"}),
    "registration_b": (
        lambda s: f"/api/v1/registrations/{s.registration_b.pk}/",
        {"staff_b"},
    ),
}

# List URL -> persona -> the ids it lists (from the scenario); everyone else lists nothing.
LISTS = {
    "/api/v1/campaigns/": {
        "staff_a": lambda s: {s.campaign.pk},
        "staff_b": lambda s: {s.campaign_b.pk},
    },
    "/api/v1/registrations/": {
        "staff_a": lambda s: {s.registration.pk, s.other.pk},
        "staff_b": lambda s: {s.registration_b.pk},
    },
    "/api/v1/candidates/": {
        "staff_a": lambda s: {s.registration.candidate_id, s.other.candidate_id},
        "staff_b": lambda s: {s.registration_b.candidate_id},
    },
    "/api/v1/decisions/": {persona: (lambda s: {s.decision.pk}) for persona in JURY},
    "/api/v1/documents/": {"staff_a": lambda s: {s.document.pk}},
    "/api/v1/referentials/": {
        persona: (lambda s: {s.referential.pk, s.campaign_b.referential_id}) for persona in PERSONAS
    },
}


@pytest.fixture
def clients(request, scenario, api_for):
    return {persona: api_for(request.getfixturevalue(persona)) for persona in PERSONAS}


def test_it_answers_each_persona_404_outside_their_reach(scenario, clients):
    wrong = []
    for name, (url_of, allowed) in DETAILS.items():
        url = url_of(scenario)
        for persona in PERSONAS:
            expected = 200 if persona in allowed else 404
            answer = clients[persona].get(url)
            if answer.status_code != expected:
                wrong.append(f"{name:15} {persona:15} {url}: {answer.status_code} != {expected}")
            elif expected == 404:
                assert answer.json()["code"] == "not_found"
    assert not wrong, "\n".join(wrong)


def test_it_lists_only_what_each_persona_reaches(scenario, clients):
    wrong = []
    for url, reach in LISTS.items():
        for persona in PERSONAS:
            expected = reach[persona](scenario) if persona in reach else set()
            answer = clients[persona].get(url)
            assert answer.status_code == 200, (url, persona)
            listed = {row["id"] for row in answer.json()["results"]}
            if listed != expected:
                wrong.append(f"{url:25} {persona:15} {sorted(listed)} != {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def test_centre_b_cannot_register_into_centre_a(scenario, api_for, staff_b):
    answer = api_for(staff_b).post(
        "/api/v1/registrations/",
        {
            "campaign": scenario.campaign.pk,
            "civility": "Mme",
            "last_name": "Intruse",
            "first_name": "Iris",
            "birth_date": "1990-02-03",
            "pathway": "vae",
        },
        format="json",
    )
    assert answer.status_code == 404
    bulk = api_for(staff_b).post(
        "/api/v1/registrations/bulk/",
        {"campaign": scenario.campaign.pk, "rows": [{"civility": "M.", "last_name": "X"}]},
        format="json",
    )
    assert bulk.status_code in (400, 404)  # shape first, then reach: never written
    assert not scenario.campaign.registrations.filter(candidate__last_name="Intruse").exists()


def test_anonymous_gets_401_with_a_french_message(scenario, client):
    answer = client.get("/api/v1/registrations/")
    assert answer.status_code == 401
    assert answer.json()["message"] == "Informations d'authentification non fournies."
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_reads_too_and_its_writes_need_csrf(scenario, staff_a):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_a)
    assert browser.get(f"/api/v1/registrations/{scenario.registration.pk}/").status_code == 200
    refused = browser.post(
        "/api/v1/registrations/",
        {"campaign": scenario.campaign.pk},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]


def test_the_api_registration_scope_is_the_candidate_lists(scenario, request):
    from api.selectors import api_registration_list_for
    from candidates.selectors import registration_list_for

    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        api = set(api_registration_list_for(user=user).values_list("pk", flat=True))
        page = set(registration_list_for(user=user).values_list("pk", flat=True))
        assert api == page, persona
