"""A person who went the whole way at centre A — registered through the service (so the audit
log holds their name), a report uploaded, a dossier, a company opinion and its reminder, results,
an admissible decision of a closed jury and a generated certificate — and one never certified."""

import datetime
from types import SimpleNamespace

import pytest

from candidates.models import Campaign, Candidate, Pathway
from candidates.services import PersonData, registration_create
from deliberations.models import Decision
from documents import services as documents
from documents.models import Document
from evaluations.models import OpinionReminder, Rating

from ..factories.candidates import CampaignFactory
from ..factories.deliberations import submitted_opinion
from ..factories.documents import college_members, decide, jury_session
from ..factories.evaluations import dossier_for, report_for

EMAIL = "eloise.kervelegan@exemple.fr"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _register(campaign, by, tutor, **person):
    values = {
        "civility": Candidate.Civility.MADAME,
        "birth_date": datetime.date(1990, 4, 12),
        "phone": "0601020304",
        "address": "12 rue des Forges\n69000 Lyon",
        **person,
    }
    return registration_create(
        campaign=campaign,
        person=PersonData(**values),
        pathway=Pathway.CONTINUING,
        by=by,
        company_siret="73282932000074",
        company_name="Forges de Lyon",
        tutor=tutor,
    )


@pytest.fixture
def journey(centre_a, staff_a, tutor, jury_president, jury_member):
    campaign = CampaignFactory(centre=centre_a, name="Campagne printemps 2027")
    alice = _register(
        campaign, staff_a, tutor, last_name="Kervélégan", first_name="Éloïse", email=EMAIL
    )
    bob = _register(
        campaign,
        staff_a,
        None,
        last_name="Quenderec",
        first_name="Hugo",
        civility=Candidate.Civility.MONSIEUR,
        email="hugo.quenderec@exemple.fr",
        birth_date=datetime.date(1985, 2, 3),
        phone="0699887766",
        address="3 place Bellecour\n69002 Lyon",
    )
    dossier_for(alice)
    report = report_for(alice, by=staff_a)
    bob_report = report_for(bob, by=staff_a)
    opinion = submitted_opinion(alice, {1: Rating.MASTERED}, respondent=tutor)
    OpinionReminder.objects.create(
        opinion=opinion, deadline=campaign.opinion_deadline, kind=OpinionReminder.Kind.DUE_SOON
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.JURY)
    campaign.refresh_from_db()
    alice.campaign = bob.campaign = campaign
    session = jury_session(
        campaign=campaign, members=college_members(president=jury_president, member=jury_member)
    )
    admissible = decide(
        session=session, outcome=Decision.Outcome.ADMISSIBLE, by=jury_president, registration=alice
    )
    decide(
        session=session,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        by=jury_president,
        acquired=[1],
        registration=bob,
    )
    certificate = documents.document_request(
        kind=Document.Kind.CERTIFICATE, registration=alice, by=staff_a
    )
    alice.refresh_from_db()
    return SimpleNamespace(
        campaign=campaign,
        session=session,
        alice=alice,
        bob=bob,
        person=alice.candidate,
        report=report,
        bob_report=bob_report,
        decision=admissible,
        certificate=certificate,
    )


@pytest.fixture
def certified(journey):
    """The journey with its certificate rendered and stored (a real PDF naming the holder)."""
    journey.certificate = documents.document_generate(document_id=journey.certificate.pk)
    return journey
