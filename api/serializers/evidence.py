"""Dossier and evidence, capacity results, jury decisions, documents, history: read only."""

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deliberations.models import CapacityResult, Decision, ResultSheet
from documents.models import Document
from evaluations.models import CompanyOpinion, DossierCapacity, EvaluationDossier, Interview, Report


class DossierCapacitySerializer(serializers.ModelSerializer):
    capacity = serializers.IntegerField(source="capacity.number", help_text="N° de capacité.")
    methods = serializers.ListField(
        child=serializers.CharField(), help_text="Modalités d'évaluation choisies."
    )

    class Meta:
        model = DossierCapacity
        fields = ["capacity", "methods", "justification"]
        read_only_fields = fields


class DossierSerializer(serializers.ModelSerializer):
    capacities = DossierCapacitySerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationDossier
        fields = [
            "status",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "capacities",
            "updated_at",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["version", "original_name", "size", "sha256", "is_late", "created_at"]
        read_only_fields = fields


class OpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompanyOpinion
        fields = ["status", "respondent_role", "submitted_at", "updated_at"]
        read_only_fields = fields


class InterviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interview
        fields = ["date", "updated_at"]
        read_only_fields = fields


def _one(registration, name: str):
    try:
        return getattr(registration, name)
    except ObjectDoesNotExist:  # nothing yet
        return None


class EvidenceSerializer(serializers.Serializer):
    """Where the dossier and the evidence of one registration stand."""

    registration = serializers.IntegerField(source="pk")
    stage = serializers.CharField()
    dossier = serializers.SerializerMethodField()
    reports = ReportSerializer(many=True, read_only=True, source="reports.all")
    company_opinion = serializers.SerializerMethodField()
    interview = serializers.SerializerMethodField()

    @extend_schema_field(DossierSerializer(allow_null=True))
    def get_dossier(self, registration):
        dossier = _one(registration, "dossier")
        return DossierSerializer(dossier).data if dossier else None

    @extend_schema_field(OpinionSerializer(allow_null=True))
    def get_company_opinion(self, registration):
        opinion = _one(registration, "company_opinion")
        return OpinionSerializer(opinion).data if opinion else None

    @extend_schema_field(InterviewSerializer(allow_null=True))
    def get_interview(self, registration):
        interview = _one(registration, "interview")
        return InterviewSerializer(interview).data if interview else None


class CapacityResultSerializer(serializers.ModelSerializer):
    capacity = serializers.IntegerField(source="capacity.number", help_text="N° de capacité.")
    capacity_title = serializers.CharField(source="capacity.title")
    methods = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = CapacityResult
        fields = [
            "capacity",
            "capacity_title",
            "outcome",
            "justification",
            "methods",
            "source",
            "valid_until",
            "disagrees_with_opinion",
            "updated_at",
        ]
        read_only_fields = fields


class ResultSheetSerializer(serializers.ModelSerializer):
    results = CapacityResultSerializer(many=True, read_only=True)

    class Meta:
        model = ResultSheet
        fields = ["status", "validated_at", "results", "updated_at"]
        read_only_fields = fields


class ResultsSerializer(serializers.Serializer):
    """The commission's results of one registration, capacity by capacity."""

    registration = serializers.IntegerField(source="pk")
    sheet = serializers.SerializerMethodField()

    @extend_schema_field(ResultSheetSerializer(allow_null=True))
    def get_sheet(self, registration):
        sheet = _one(registration, "result_sheet")
        return ResultSheetSerializer(sheet).data if sheet else None


class DecisionSerializer(serializers.ModelSerializer):
    jury_session = serializers.IntegerField(source="session_id")
    jury_date = serializers.DateField(source="session.date")
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "registration",
            "jury_session",
            "jury_date",
            "outcome",
            "proposed",
            "is_active",
            "supersedes",
            "reason",
            "jury_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Téléchargement du PDF (document prêt seulement)."
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "status",
            "registration",
            "jury_session",
            "decision",
            "version",
            "sha256",
            "verification_code",
            "created_at",
            "finished_at",
            "revoked_at",
            "updated_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document: Document) -> str | None:
        if document.status != Document.Status.READY:
            return None
        return reverse("api:document-pdf", args=[document.pk])


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    """One audit entry: the page's French sentence, and the structured fields it comes from."""

    id = serializers.IntegerField(source="raw.pk")
    at = serializers.DateTimeField(source="raw.at")
    action = serializers.CharField(source="raw.action", help_text="Code de l'événement.")
    label = serializers.CharField(source="entry.label")
    sentence = serializers.CharField(source="entry.sentence", help_text="Phrase de l'historique.")
    actor = serializers.CharField(
        source="raw.actor.email", allow_null=True, default=None, help_text="E-mail de l'auteur."
    )
    object_type = serializers.CharField(source="raw.object_type")
    object_id = serializers.CharField(source="raw.object_id")
    changes = ChangeSerializer(many=True, source="entry.changes")
    data = serializers.DictField(source="raw.data", help_text="Données brutes de l'événement.")
