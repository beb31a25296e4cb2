import datetime

import factory
from django.core.files.base import ContentFile

from evaluations.models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    DossierCapacity,
    EvaluationDossier,
    Report,
)
from evaluations.pdf import tiny_pdf

from .accounts import UserFactory


def dossier_for(registration, *, status=EvaluationDossier.Status.DRAFT, **kwargs):
    """A complete dossier (professional_project on every capacity) in the given state."""
    if status == EvaluationDossier.Status.RETURNED:
        kwargs.setdefault("review_comment", "À compléter.")
    if status != EvaluationDossier.Status.DRAFT:
        kwargs.setdefault(
            "submitted_at",
            datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC),
        )
    dossier = EvaluationDossier.objects.create(registration=registration, status=status, **kwargs)
    for capacity in registration.campaign.referential.capacities.all():
        DossierCapacity.objects.create(
            dossier=dossier, capacity=capacity, methods=["professional_project"]
        )
    return dossier


def report_for(registration, *, by, version=1, is_late=False):
    report = Report(
        registration=registration,
        version=version,
        original_name="rapport.pdf",
        size=len(tiny_pdf()),
        sha256="0" * 64,
        uploaded_by=by,
        is_late=is_late,
    )
    report.file.save("rapport.pdf", ContentFile(tiny_pdf()), save=False)
    report.save()
    return report


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyOpinion

    respondent = factory.SubFactory(UserFactory)
    respondent_role = CompanyOpinion.RespondentRole.TUTOR


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionSession
        skip_postgeneration_save = True

    date = datetime.date(2027, 4, 10)
    place = "Salle du conseil, UIMM"

    @factory.post_generation
    def evaluators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.evaluators.set(extracted)


def assign(session, registration):
    return CommissionAssignment.objects.create(session=session, registration=registration)
