"""What may be missing from a registration, for the candidates list's filters (registered in
seams.py): each an EXISTS on the registration's foreign key, which its index answers."""

from django.db.models import Exists, OuterRef

from .models import CompanyOpinion, EvaluationDossier, Report


def no_dossier():
    return ~Exists(EvaluationDossier.objects.filter(registration=OuterRef("pk")))


def dossier_not_approved():
    approved = EvaluationDossier.objects.filter(
        registration=OuterRef("pk"), status=EvaluationDossier.Status.APPROVED
    )
    return ~Exists(approved)


def report_missing():
    return ~Exists(Report.objects.filter(registration=OuterRef("pk")))


def opinion_awaited():
    sent = CompanyOpinion.objects.filter(
        registration=OuterRef("pk"), status=CompanyOpinion.Status.SUBMITTED
    )
    return ~Exists(sent)
