import datetime

import factory

from candidates.models import (
    Campaign,
    Candidate,
    CentreMembership,
    Company,
    ExamCentre,
    Pathway,
    Registration,
)

from .accounts import UserFactory
from .referentials import referential_with_capacities


def luhn_siret(prefix: str) -> str:
    """Complete a 13-digit prefix into a 14-digit SIRET with a valid Luhn key."""
    for last in "0123456789":
        candidate = prefix + last
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


class ExamCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamCentre

    name = factory.Sequence(lambda n: f"UIMM territoriale {n}")
    code = factory.Sequence(lambda n: f"centre-{n}")
    region = "Auvergne-Rhône-Alpes"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Métallerie {n}")
    siret = factory.Sequence(lambda n: luhn_siret(f"{n:013d}"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreMembership

    centre = factory.SubFactory(ExamCentreFactory)
    user = factory.SubFactory(UserFactory)
    role = CentreMembership.Role.STAFF


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    centre = factory.SubFactory(ExamCentreFactory)
    referential = factory.LazyFunction(lambda: referential_with_capacities(3))
    name = factory.Sequence(lambda n: f"Campagne {n}")
    status = Campaign.Status.OPEN
    registration_opens = datetime.date(2026, 9, 1)
    registration_closes = datetime.date(2026, 12, 31)
    report_deadline = datetime.date(2027, 3, 1)
    opinion_deadline = datetime.date(2027, 3, 15)
    commission_starts = datetime.date(2027, 4, 1)
    commission_ends = datetime.date(2027, 4, 30)
    jury_date = datetime.date(2027, 5, 15)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    civility = Candidate.Civility.MADAME
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name_female", locale="fr_FR")  # civility: Madame
    birth_date = factory.Sequence(lambda n: datetime.date(1980, 1, 1) + datetime.timedelta(days=n))
    email = factory.Sequence(lambda n: f"candidat{n}@exemple.fr")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    campaign = factory.SubFactory(CampaignFactory)
    candidate = factory.SubFactory(CandidateFactory)
    company = factory.SubFactory(CompanyFactory)
    pathway = Pathway.CONTINUING
    registered_on = datetime.date(2026, 10, 1)


def bulk_registrations(
    campaign: Campaign, n: int, *, start: int = 0, **fields
) -> list[Registration]:
    """`n` registrations of new people in `campaign`, written with two bulk inserts (fast)."""
    company = fields.pop("company", None) or CompanyFactory()
    people = Candidate.objects.bulk_create(
        Candidate(
            civility=Candidate.Civility.MONSIEUR,
            last_name=f"Nom{start + i:05d}",
            first_name=f"Prénom{start + i:05d}",
            birth_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=start + i),
        )
        for i in range(n)
    )
    defaults = {"pathway": Pathway.CONTINUING, "registered_on": datetime.date(2026, 10, 1)}
    return Registration.objects.bulk_create(
        Registration(campaign=campaign, candidate=person, company=company, **{**defaults, **fields})
        for person in people
    )
