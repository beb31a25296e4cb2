"""The API's resources: each reads through the page's scoped selector and writes through the
page's service, so rules and reach are the same whichever door is used."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from candidates import services as candidate_services
from candidates.history import history_entries
from candidates.importing import ImportRefused, registrations_import
from candidates.models import Campaign
from cqpm.core.audit import audit_history, audit_redacted
from cqpm.core.permissions import get_scoped_or_404
from documents.models import Document

from .. import selectors
from ..examples import BULK_CREATE, REGISTRATION_CREATE
from ..exceptions import RowErrors
from ..filters import (
    CampaignFilter,
    DecisionFilter,
    DocumentFilter,
    RegistrationFilter,
    UpdatedSinceFilter,
    checked_filters,
    updated_since,
)
from ..serializers import campaigns as s
from ..serializers import evidence as e
from ..serializers import referentials as r
from .base import PdfRenderer, ScopedViewSet, checked_id


@extend_schema_view(
    list=extend_schema(
        summary="Référentiels",
        description="Les versions publiées des référentiels CQPM (tout compte connecté).",
        parameters=[UpdatedSinceFilter],
    ),
    retrieve=extend_schema(
        summary="Un référentiel",
        description="Une version avec ses blocs, capacités, conditions et critères.",
    ),
)
class ReferentialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    def scoped(self) -> QuerySet:
        if self.action == "retrieve":
            return selectors.api_referential_detail_for(user=self.request.user)
        filters = checked_filters(UpdatedSinceFilter, self.request)
        return updated_since(selectors.api_referential_list_for(user=self.request.user), filters)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return r.ReferentialDetailSerializer
        return r.ReferentialSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Campagnes",
        description="Les campagnes des centres d'examen dont vous êtes personnel.",
        parameters=[CampaignFilter],
    ),
    retrieve=extend_schema(summary="Une campagne"),
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.CampaignSerializer
    selector = staticmethod(selectors.api_campaign_list_for)
    filters = CampaignFilter
    lookups = {"status": "status"}


@extend_schema_view(
    list=extend_schema(
        summary="Candidats",
        description="Les personnes inscrites aux campagnes de vos centres.",
        parameters=[UpdatedSinceFilter],
    ),
    retrieve=extend_schema(summary="Un candidat"),
)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.CandidateSerializer
    selector = staticmethod(selectors.api_candidate_list_for)
    filters = UpdatedSinceFilter


@extend_schema_view(
    list=extend_schema(
        summary="Inscriptions",
        description=(
            "Les inscriptions des campagnes de vos centres, filtrables par campagne, étape et "
            "date de modification (`updated_since`)."
        ),
        parameters=[RegistrationFilter],
    ),
    retrieve=extend_schema(summary="Une inscription"),
    create=extend_schema(
        summary="Inscrire un candidat",
        description=(
            "Les mêmes règles que la page « Inscrire un candidat » : campagne ouverte (ou "
            "évaluations commencées, avec un motif), une inscription par personne et campagne."
        ),
        request=s.RegistrationCreateSerializer,
        responses={201: s.RegistrationSerializer},
        examples=REGISTRATION_CREATE,
    ),
)
class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    serializer_class = s.RegistrationSerializer

    selector = staticmethod(selectors.api_registration_list_for)
    filters = RegistrationFilter
    lookups = {"campaign": "campaign_id", "stage": "stage__in"}

    def _campaign(self, campaign_id: int) -> Campaign:
        return get_scoped_or_404(
            selectors.api_campaign_list_for(user=self.request.user), pk=checked_id(campaign_id)
        )

    def create(self, request, *args, **kwargs):
        form = s.RegistrationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        registration = candidate_services.registration_create(
            campaign=self._campaign(data["campaign"]),
            person=candidate_services.PersonData(
                civility=data["civility"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                birth_date=data["birth_date"],
                email=data["email"],
                phone=data["phone"],
                address=data["address"],
                **{name: data.get(name) for name in s.IDENTITY_FIELDS},
            ),
            pathway=data["pathway"],
            access=candidate_services.AccessData(
                **{name: data.get(name) or "" for name in s.ACCESS_FIELDS}
            ),
            registered_on=data.get("registered_on"),
            company_siret=data["siret"],
            company_name=data["company_name"],
            tutor_email=data["tutor_email"],
            late_reason=data["late_reason"],
            by=request.user,
        )
        created = get_scoped_or_404(self.scoped(), pk=registration.pk)
        return Response(s.RegistrationSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Inscrire plusieurs candidats (tout ou rien)",
        description=(
            "Les contrôles de l'import de fichier, ligne par ligne : une seule erreur et rien "
            "n'est écrit ; chaque erreur donne le rang de la ligne (`row`, à partir de 0) et "
            "le champ (`rows[2].birth_date`)."
        ),
        request=s.BulkCreateSerializer,
        responses={201: s.BulkCreatedSerializer},
        examples=BULK_CREATE,
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        form = s.BulkCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        campaign = self._campaign(data["campaign"])
        rows = data["rows"]
        try:
            report = registrations_import(
                campaign=campaign,
                file=_as_import_file(rows),
                filename="api.csv",
                by=request.user,
                homonyms={
                    FIRST_LINE + i: row["homonym"] for i, row in enumerate(rows) if row["homonym"]
                },
                contact_updates=[
                    FIRST_LINE + i for i, row in enumerate(rows) if row["update_contact"]
                ],
                late_reason=data["late_reason"],
            )
        except ImportRefused as refused:
            raise RowErrors(refused.message, _row_errors(refused), code=refused.code) from None
        ids = list(getattr(report.registrations, "ids", [reg.pk for reg in report.registrations]))
        return Response({"count": len(ids), "registrations": ids}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Dossier et preuves d'une inscription",
        description="Dossier d'évaluation, rapports, avis de l'entreprise, entretien.",
        responses=e.EvidenceSerializer,
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        scope = selectors.api_evidence_registration_list_for(user=request.user)
        return Response(e.EvidenceSerializer(self.object_from(scope)).data)

    @extend_schema(
        summary="Résultats par capacité",
        description="Les résultats de la commission d'évaluation, capacité par capacité.",
        responses=e.ResultsSerializer,
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        scope = selectors.api_results_registration_list_for(user=request.user)
        return Response(e.ResultsSerializer(self.object_from(scope)).data)

    @extend_schema(
        summary="Historique d'une inscription",
        description="Le journal d'audit de l'inscription : les phrases de la page et les données.",
        responses=e.HistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        registration = self.get_object()
        # Redacted as the page reads them: an erased person's values never come back.
        raw = audit_redacted(audit_history(registration_id=registration.pk))
        rows = [
            {"raw": entry, "entry": sentence}
            for entry, sentence in zip(raw, history_entries(raw), strict=True)
        ]
        return Response(e.HistoryEntrySerializer(rows, many=True).data)


# --- Bulk creation through the import ------------------------------------------------------------

FIRST_LINE = 2  # the import's line of the first row, after its header
IMPORT_COLUMNS = {
    "civilite": "civility",
    "nom": "last_name",
    "prenom": "first_name",
    "date_naissance": "birth_date",
    "email": "email",
    "telephone": "phone",
    "entreprise": "company_name",
    "siret": "siret",
    "parcours": "pathway",
    "tuteur_email": "tutor_email",
    # The optional columns of the CDC deposit's identity.
    "nom_naissance": "birth_name",
    "nom_usage": "usage_name",
    "prenom_2": "second_first_name",
    "prenom_3": "third_first_name",
    "sexe": "sex",
    "code_insee_naissance": "birth_place_insee",
    "code_postal_naissance": "birth_postal_code",
    "commune_naissance": "birth_place_label",
    "code_pays_naissance": "birth_country_code",
    "pays_naissance": "birth_country_label",
    "modalite_acces": "access_mode",
    "voie_vae": "vae_way",
    "initiative_inscription": "registration_initiative",
}


def _as_import_file(rows: list[dict]) -> bytes:
    """The rows as the CSV file the import reads (one line per row: line breaks are refused
    with the import's own message for control characters)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(IMPORT_COLUMNS)
    for row in rows:
        values = dict(row)
        day = values["birth_date"]
        values["birth_date"] = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        writer.writerow(
            [_one_line(str(values.get(name) or "")) for name in IMPORT_COLUMNS.values()]
        )
    return out.getvalue().encode()


def _one_line(text: str) -> str:
    # A line break would move every later row to another line; the import refuses control
    # characters anyway, so a visible one takes its place and keeps the row on its line.
    return text.replace("\r", "\x0b").replace("\n", "\x0b")


def _row_errors(refused: ImportRefused) -> list[dict]:
    errors = []
    for issue in refused.issues:
        row = issue.line - FIRST_LINE if issue.line is not None else None
        name = IMPORT_COLUMNS.get(issue.column, "")
        field = name if row is None else f"rows[{row}].{name}".rstrip(".")
        errors.append({"row": row, "field": field, "message": issue.message})
    return errors


# --- Decisions and documents -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Décisions du jury",
        description=(
            "Les décisions des jurys que vous organisez (personnel du centre) ou où vous "
            "siégez, en vigueur et rectifiées."
        ),
        parameters=[DecisionFilter],
    ),
    retrieve=extend_schema(summary="Une décision du jury"),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = e.DecisionSerializer

    selector = staticmethod(selectors.api_decision_list_for)
    filters = DecisionFilter
    lookups = {"registration": "registration_id", "campaign": "session__campaign_id"}


@extend_schema_view(
    list=extend_schema(
        summary="Documents",
        description="Attestations, notifications de capacités acquises et procès-verbaux.",
        parameters=[DocumentFilter],
    ),
    retrieve=extend_schema(summary="Un document"),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = e.DocumentSerializer

    selector = staticmethod(selectors.api_document_list_for)
    filters = DocumentFilter
    lookups = {"registration": "registration_id", "campaign": "jury_session__campaign_id"}

    @extend_schema(
        summary="Télécharger le PDF",
        description="Le PDF d'un document prêt (404 tant qu'il ne l'est pas, ou s'il est révoqué).",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer], url_path="pdf"
    )
    def pdf(self, request, pk=None):
        document = self.object_from(self.scoped().filter(status=Document.Status.READY))
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, ValueError):
            return Response(
                {"code": "not_found", "message": _("Fichier introuvable."), "errors": []},
                status=status.HTTP_404_NOT_FOUND,
            )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document.download_name,
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
