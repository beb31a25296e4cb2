"""Nothing typed is lost: every capacity of a registration in one form, saved whole or not at
all, and a second evaluator working from a stale page gets a conflict that says what changed."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from cqpm.core.models import AuditEntry
from deliberations.models import CapacityResult, ResultSheet
from deliberations.services import (
    ResultRow,
    ResultRowsInvalid,
    ResultsConflict,
    capacity_result_correct,
    capacity_results_record,
    result_sheet_validate,
)

from ..factories.deliberations import evaluated_registration, results

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(campaign, commission, evaluator, other_evaluator):
    commission.evaluators.add(other_evaluator)
    return evaluated_registration(campaign=campaign, session=commission)


def _caps(registration):
    return {c.number: c for c in registration.campaign.referential.capacities.all()}


def _rows(registration, typed: dict[int, tuple]) -> list[ResultRow]:
    caps = _caps(registration)
    return [
        ResultRow(capacity_id=caps[n].pk, outcome=o, justification=j, methods=m)
        for n, (o, j, m) in typed.items()
    ]


def _form(registration, typed: dict[int, tuple], version) -> dict:
    caps, data = _caps(registration), {"version": str(version)}
    for number, (outcome, justification, methods) in typed.items():
        prefix = f"c{caps[number].pk}"
        data |= {f"{prefix}-outcome": outcome, f"{prefix}-justification": justification}
        data[f"{prefix}-methods"] = list(methods)
    return data


def _url(registration, name="results_record"):
    return reverse(f"deliberations:{name}", args=[registration.pk])


def _section(body: str, number: int) -> str:
    """The HTML of one capacity's section of the evaluation page."""
    start = body.index(f'id="capacite-{number}"')
    end = body.find("<section", start + 1)
    return body[start : end if end != -1 else len(body)]


TYPED = {
    1: ("acquired", "", ["interview"]),
    2: ("not_acquired", "Les délais du projet n'ont pas été tenus.", ["professional_project"]),
    3: ("acquired", "Très bonne présentation.", ["interview", "company_opinion"]),
}


def test_it_records_every_capacity_at_once_with_one_version(registration, evaluator):
    sheet = capacity_results_record(
        registration=registration, rows=_rows(registration, TYPED), expected_version=0, by=evaluator
    )
    assert sheet.version == 1
    assert sorted(CapacityResult.objects.values_list("capacity__number", "outcome")) == [
        (1, "acquired"),
        (2, "not_acquired"),
        (3, "acquired"),
    ]
    entries = AuditEntry.objects.filter(action="cqpm.commission.result.recorded")
    assert [e.data["version"] for e in entries] == [1, 1, 1]
    registration.refresh_from_db()
    assert registration.stage == "commission"
    # Saving the same values again changes nothing, not even the version.
    again = capacity_results_record(
        registration=registration, rows=_rows(registration, TYPED), expected_version=1, by=evaluator
    )
    assert again.version == 1 and entries.count() == 3


def test_one_wrong_row_refuses_the_whole_form(registration, evaluator):
    typed = {**TYPED, 2: ("not_acquired", "  ", ["interview"]), 3: ("", "", ["bogus"])}
    with pytest.raises(ResultRowsInvalid) as refused:
        capacity_results_record(
            registration=registration,
            rows=_rows(registration, typed),
            expected_version=0,
            by=evaluator,
        )
    caps = _caps(registration)
    assert set(refused.value.errors) == {caps[2].pk, caps[3].pk}
    assert "justification est obligatoire" in refused.value.errors[caps[2].pk]
    assert refused.value.message == "Rien n'a été enregistré : 2 capacités sont à corriger."
    assert not CapacityResult.objects.exists()
    assert not ResultSheet.objects.filter(version__gt=0).exists()


def test_the_page_gives_back_every_typed_value_with_the_error_next_to_its_row(
    client_for, registration, evaluator
):
    typed = {**TYPED, 2: ("not_acquired", "", ["professional_project"])}
    typed[3] = ("acquired", "Très bonne présentation, à l'oral comme à l'écrit.", ["interview"])
    response = client_for(evaluator).post(_url(registration), _form(registration, typed, 0))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rien n&#x27;a été enregistré : une capacité est à corriger." in body
    assert "La justification est obligatoire" in _section(body, 2)
    assert "La justification est obligatoire" not in _section(body, 3)
    assert "Très bonne présentation, à l&#x27;oral comme à l&#x27;écrit.</textarea>" in _section(
        body, 3
    )
    caps = _caps(registration)
    assert re.search(rf'name="c{caps[1].pk}-outcome" value="acquired"[^>]*checked', body)
    assert re.search(rf'name="c{caps[2].pk}-outcome" value="not_acquired"[^>]*checked', body)
    assert not CapacityResult.objects.exists()


def test_a_stale_form_gets_a_conflict_saying_who_changed_what_and_keeps_the_typing(
    client_for, registration, evaluator, other_evaluator
):
    mine, theirs = client_for(evaluator), client_for(other_evaluator)
    page = mine.get(reverse("deliberations:evaluation", args=[registration.pk])).content.decode()
    assert 'name="version" value="0"' in page
    # The other evaluator saves capacity 1 (not acquired) and 2 while the first is typing.
    capacity_results_record(
        registration=registration,
        rows=_rows(
            registration,
            {
                1: ("not_acquired", "Aucune preuve de suivi client.", ["interview"]),
                2: ("acquired", "", ["interview"]),
            },
        ),
        expected_version=0,
        by=other_evaluator,
    )
    # The first evaluator leaves capacity 1 blank, as read, and types 2 and 3.
    typed = {2: TYPED[2], 3: TYPED[3]}
    response = mine.post(_url(registration), _form(registration, typed, 0))
    body = response.content.decode()
    assert "Les résultats ont été modifiés par quelqu&#x27;un d&#x27;autre" in body
    who = str(other_evaluator)
    assert (
        f"capacité 1 : pas de résultat → Non acquise « Aucune preuve de suivi client. » ({who}"
        in body
    )
    # Capacity 1, untouched here, takes the other's value; capacity 2, typed by both, keeps mine.
    assert "Sa nouvelle valeur est reprise ci-dessous." in _section(body, 1)
    assert "Aucune preuve de suivi client.</textarea>" in _section(body, 1)
    assert "Votre saisie est conservée ci-dessous" in _section(body, 2)
    assert "Les délais du projet n&#x27;ont pas été tenus.</textarea>" in _section(body, 2)
    assert "Très bonne présentation.</textarea>" in _section(body, 3)
    assert 'name="version" value="1"' in body
    assert sorted(CapacityResult.objects.values_list("capacity__number", "outcome")) == [
        (1, "not_acquired"),
        (2, "acquired"),
    ]
    assert (
        theirs.get(reverse("deliberations:evaluation", args=[registration.pk])).status_code == 200
    )

    # Having seen it, the first evaluator saves the form as shown: the other's capacity 1 stays.
    caps = _caps(registration)
    resent = _form(registration, typed, 1)
    resent |= {
        f"c{caps[1].pk}-outcome": "not_acquired",
        f"c{caps[1].pk}-justification": "Aucune preuve de suivi client.",
        f"c{caps[1].pk}-methods": ["interview"],
    }
    saved = mine.post(_url(registration), resent, follow=True)
    assert "Les résultats de la commission sont enregistrés." in saved.content.decode()
    assert sorted(CapacityResult.objects.values_list("capacity__number", "outcome")) == [
        (1, "not_acquired"),
        (2, "not_acquired"),
        (3, "acquired"),
    ]
    assert ResultSheet.objects.get().version == 2


def test_the_service_refuses_a_stale_version_with_the_changes(
    registration, evaluator, other_evaluator
):
    capacity_results_record(
        registration=registration,
        rows=_rows(registration, {1: TYPED[1]}),
        expected_version=0,
        by=other_evaluator,
    )
    with pytest.raises(ResultsConflict) as conflict:
        capacity_results_record(
            registration=registration,
            rows=_rows(registration, {1: ("not_acquired", "Non", ["interview"])}),
            expected_version=0,
            by=evaluator,
        )
    assert conflict.value.version == 1
    [change] = conflict.value.changes
    assert (change.capacity_number, change.who, change.before, change.after["outcome"]) == (
        1,
        str(other_evaluator),
        None,
        "acquired",
    )
    assert CapacityResult.objects.get().outcome == "acquired"


def test_validation_makes_an_open_form_stale(registration, evaluator):
    capacity_results_record(
        registration=registration, rows=_rows(registration, TYPED), expected_version=0, by=evaluator
    )
    sheet = result_sheet_validate(
        registration=registration, by=evaluator, reason="Rapport remis sur papier."
    )
    assert sheet.version == 2


def test_a_stale_correction_is_refused_and_the_page_keeps_it(
    client_for, campaign, commission, evaluator, other_evaluator
):
    commission.evaluators.add(other_evaluator)
    registration = evaluated_registration(campaign=campaign, session=commission)
    results(registration)
    result = CapacityResult.objects.get(capacity__number=1)
    url = reverse("deliberations:result_correct", args=[registration.pk, result.pk])
    client = client_for(evaluator)
    assert 'name="version" value="0"' in client.get(url).content.decode()
    capacity_result_correct(
        result=result,
        outcome="not_acquired",
        justification="Preuve absente du dossier.",
        methods=["interview"],
        reason="Relecture du dossier.",
        expected_version=0,
        by=other_evaluator,
    )
    typed = {
        "outcome": "acquired",
        "justification": "Acquise à l'entretien.",
        "methods": ["interview"],
        "reason": "Entretien complémentaire.",
        "version": "0",
    }
    body = client.post(url, typed).content.decode()
    assert "Les résultats ont été modifiés par quelqu&#x27;un d&#x27;autre" in body
    assert "Acquise → Non acquise « Preuve absente du dossier. »" in body
    assert "Entretien complémentaire.</textarea>" in body
    assert 'name="version" value="1"' in body
    result.refresh_from_db()
    assert result.outcome == "not_acquired"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_two_evaluators_saving_at_once_lose_nothing(
    campaign, commission, evaluator, other_evaluator
):
    commission.evaluators.add(other_evaluator)
    registration = evaluated_registration(campaign=campaign, session=commission)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    typed = {
        "first": {1: ("acquired", "", ["interview"])},
        "second": {1: ("not_acquired", "Pas de preuve.", ["interview"])},
    }

    def save(name, user):
        try:
            barrier.wait(timeout=10)
            capacity_results_record(
                registration=registration,
                rows=_rows(registration, typed[name]),
                expected_version=0,
                by=user,
            )
            outcomes[name] = "saved"
        except ResultsConflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("first", evaluator)),
        threading.Thread(target=save, args=("second", other_evaluator)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, result in outcomes.items() if result == "saved")
    assert CapacityResult.objects.get().outcome == typed[winner][1][0]
    assert ResultSheet.objects.get().version == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_two_requests_posting_at_once_lose_nothing(
    campaign, commission, evaluator, other_evaluator, client_for
):
    """The same race through two real HTTP requests, each on its own connection."""
    commission.evaluators.add(other_evaluator)
    registration = evaluated_registration(campaign=campaign, session=commission)
    barrier = threading.Barrier(2)
    bodies: dict[str, str] = {}
    typed = {
        "first": {1: ("acquired", "", ["interview"])},
        "second": {1: ("not_acquired", "Pas de preuve.", ["interview"])},
    }
    clients = {"first": client_for(evaluator), "second": client_for(other_evaluator)}

    def post(name):
        try:
            barrier.wait(timeout=10)
            response = clients[name].post(
                _url(registration), _form(registration, typed[name], 0), follow=True
            )
            bodies[name] = response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = [n for n, b in bodies.items() if "Les résultats de la commission sont enregistrés" in b]
    refused = [n for n, b in bodies.items() if "modifiés par quelqu&#x27;un d&#x27;autre" in b]
    assert len(saved) == 1 and len(refused) == 1
    assert CapacityResult.objects.get().outcome == typed[saved[0]][1][0]
    # The refused page still holds what its evaluator typed.
    if refused[0] == "second":
        assert "Pas de preuve.</textarea>" in bodies["second"]


def test_validated_meanwhile_the_page_keeps_the_typing_to_correct_from(
    client_for, registration, evaluator, other_evaluator
):
    """Another evaluator validates while one types: nothing is saved over the validated sheet,
    the page says so and gives back what was typed (read-only), for a motivated correction."""
    capacity_results_record(
        registration=registration, rows=_rows(registration, TYPED), expected_version=0, by=evaluator
    )
    result_sheet_validate(registration=registration, by=other_evaluator, reason="Rapport oral.")
    typed = {**TYPED, 3: ("not_acquired", "Présentation confuse, à reprendre.", ["interview"])}
    response = client_for(evaluator).post(_url(registration), _form(registration, typed, 1))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Les résultats sont validés" in body
    assert "Présentation confuse, à reprendre." in body
    assert ResultSheet.objects.get(registration=registration).version == 2
    assert not CapacityResult.objects.filter(justification__startswith="Présentation").exists()
