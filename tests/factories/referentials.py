import datetime

import factory

from referentials.models import Block, Capacity, Condition, Criterion, Referential


class ReferentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referential

    code = factory.Sequence(lambda n: f"2020 01 {n:02d} 0001")
    version = 1
    status = Referential.Status.DRAFT
    title = factory.Sequence(lambda n: f"Référentiel d'essai {n}")
    category = "C"
    issuer = "Commission paritaire nationale de l'emploi de la métallurgie"
    last_modified = datetime.date(2020, 1, 1)
    objective = "Le titulaire réalise des essais."
    missions = factory.LazyFunction(lambda: ["Une mission d'essai"])


def referential_with_capacities(n: int = 3, *, criteria_per_kind: int = 2, **kwargs) -> Referential:
    """A published referential of `n` capacities, each with conditions and criteria of 3 kinds."""
    referential = ReferentialFactory(**kwargs)
    for number in range(1, n + 1):
        capacity = Capacity.objects.create(
            referential=referential,
            number=number,
            title=f"Capacité {number}",
            methods=["professional_project", "company_opinion", "interview"],
        )
        Condition.objects.create(capacity=capacity, position=1, text=f"Condition {number}")
        for kind in ("results", "methods", "procedures"):
            for position in range(1, criteria_per_kind + 1):
                Criterion.objects.create(
                    capacity=capacity,
                    kind=kind,
                    position=position,
                    text=f"Critère {kind} {position} de la capacité {number}",
                )
    referential.status = Referential.Status.PUBLISHED
    referential.save()
    return referential


def with_blocks(referential: Referential, blocks: dict[str, list[int]], *, rncp: bool = True):
    """Group the capacities of a referential (published or not) into blocks of competences and
    say whether the CQPM is registered in the RNCP, as an imported version would hold them."""
    status = referential.status
    Referential.objects.filter(pk=referential.pk).update(status=Referential.Status.DRAFT)
    for position, (code, numbers) in enumerate(blocks.items(), start=1):
        block = Block.objects.create(
            referential=referential, position=position, code=code, title=f"Bloc {code}"
        )
        referential.capacities.filter(number__in=numbers).update(block=block)
    Referential.objects.filter(pk=referential.pk).update(
        status=status, rncp_registered=rncp, rncp_code="RNCP12345" if rncp else ""
    )
    referential.refresh_from_db()
    return referential
