"""Two tabs (or two people) on the same company opinion: the stale one is refused with what
changed (who, when, before → after), and what it typed comes back; never a silent overwrite."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from evaluations.models import CompanyOpinion, OpinionCapacity
from evaluations.services.opinions import (
    Answer,
    OpinionAnswers,
    OpinionConflict,
    opinion_reopen,
    opinion_save,
)
from tests.evaluations.helpers import text
from tests.factories.evaluations import OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinion(registration_a, tutor):
    return OpinionFactory(registration=registration_a, respondent=tutor)


def _caps(opinion):
    return {c.number: c for c in opinion.registration.campaign.referential.capacities.all()}


def _answers(opinion, ratings: dict[int, str], overall="") -> OpinionAnswers:
    caps = _caps(opinion)
    return OpinionAnswers(
        overall_comment=overall,
        capacities={caps[n].pk: Answer(rating, "") for n, rating in ratings.items()},
    )


def _form(opinion, ratings: dict[int, str], revision, overall="", comments=None) -> dict:
    caps, data = _caps(opinion), {"revision": str(revision), "overall_comment": overall}
    for number, capacity in caps.items():
        data[f"rating_{capacity.pk}"] = ratings.get(number, "")
        data[f"comment_{capacity.pk}"] = (comments or {}).get(number, "")
    data["brouillon"] = "1"
    return data


def test_the_service_says_who_changed_what_since_the_form_was_read(opinion, tutor):
    opinion_save(opinion=opinion, answers=_answers(opinion, {1: "mastered"}), revision=0, by=tutor)
    opinion_save(
        opinion=opinion, answers=_answers(opinion, {1: "not_mastered"}), revision=1, by=tutor
    )
    with pytest.raises(OpinionConflict) as conflict:
        opinion_save(
            opinion=opinion, answers=_answers(opinion, {1: "in_progress"}), revision=0, by=tutor
        )
    message = conflict.value.message
    assert "Cet avis a été modifié entre-temps" in message
    assert f"{tutor}, le " in message
    assert "capacité 1 : sans appréciation → Maîtrisée" in message
    assert "capacité 1 : Maîtrisée → Non maîtrisée" in message
    assert conflict.value.revision == 2
    assert OpinionCapacity.objects.get(capacity=_caps(opinion)[1]).rating == "not_mastered"


def test_a_reopening_is_named_in_the_conflict(opinion, tutor, staff_a):
    CompanyOpinion.objects.filter(pk=opinion.pk).update(status=CompanyOpinion.Status.SUBMITTED)
    opinion_reopen(opinion=opinion, reason="Capacité 2 à revoir.", by=staff_a)
    with pytest.raises(OpinionConflict, match="avis rouvert \\(Capacité 2 à revoir.\\)"):
        opinion_save(opinion=opinion, answers=_answers(opinion, {}), revision=0, by=tutor)


def test_the_stale_tab_keeps_its_typing_and_takes_what_it_did_not_touch(client_for, opinion, tutor):
    url = reverse("evaluations:opinion_form", args=[opinion.pk])
    first_tab, second_tab = client_for(tutor), client_for(tutor)
    assert 'name="revision" value="0"' in first_tab.get(url).content.decode()
    # The second tab rates capacity 1 and saves.
    second_tab.post(url, _form(opinion, {1: "mastered"}, 0))
    # The first tab, read before, leaves capacity 1 as it was and types capacity 2 and a comment.
    typed = _form(opinion, {2: "in_progress"}, 0, overall="Bonne progression sur l'année.")
    response = first_tab.post(url, typed)
    body = text(response)
    assert "Cet avis a été modifié entre-temps" in body
    assert "capacité 1 : sans appréciation → Maîtrisée" in body
    assert "Bonne progression sur l'année.</textarea>" in body
    caps = _caps(opinion)
    html = response.content.decode()
    # Capacity 1, untouched in this tab, now shows the rating saved by the other one.
    assert re.search(rf'name="rating_{caps[1].pk}" value="mastered"[^>]*checked', html)
    assert re.search(rf'name="rating_{caps[2].pk}" value="in_progress"[^>]*checked', html)
    assert 'name="revision" value="1"' in html
    opinion.refresh_from_db()
    assert opinion.overall_comment == ""
    # Saved again as shown: capacity 1 keeps the second tab's rating.
    shown = {**typed, "revision": "1", f"rating_{caps[1].pk}": "mastered"}
    saved = first_tab.post(url, shown, follow=True)
    assert "Le brouillon est enregistré." in text(saved)
    ratings = dict(
        OpinionCapacity.objects.filter(opinion=opinion).values_list("capacity__number", "rating")
    )
    assert (ratings[1], ratings[2]) == ("mastered", "in_progress")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_two_requests_saving_at_once_lose_nothing(client_for, registration_a, tutor):
    opinion = OpinionFactory(registration=registration_a, respondent=tutor)
    url = reverse("evaluations:opinion_form", args=[opinion.pk])
    barrier = threading.Barrier(2)
    bodies: dict[str, str] = {}
    typed = {
        "first": _form(opinion, {1: "mastered"}, 0, overall="Premier onglet"),
        "second": _form(opinion, {1: "not_mastered"}, 0, overall="Second onglet"),
    }

    def post(name):
        try:
            client = client_for(tutor)
            barrier.wait(timeout=10)
            bodies[name] = text(client.post(url, typed[name], follow=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in typed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    saved = [n for n, b in bodies.items() if "Le brouillon est enregistré." in b]
    refused = [n for n, b in bodies.items() if "Cet avis a été modifié entre-temps" in b]
    assert len(saved) == 1 and len(refused) == 1
    opinion.refresh_from_db()
    assert opinion.revision == 1
    assert opinion.overall_comment == typed[saved[0]]["overall_comment"]
    assert typed[refused[0]]["overall_comment"] + "</textarea>" in bodies[refused[0]]
