from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from referentials.models import Block, Capacity, CriterionKind, Referential


class ReferentialSerializer(serializers.ModelSerializer):
    capacity_count = serializers.IntegerField(read_only=True, help_text="Nombre de capacités.")

    class Meta:
        model = Referential
        fields = [
            "id",
            "code",
            "version",
            "status",
            "title",
            "category",
            "level",
            "issuer",
            "last_modified",
            "published_at",
            "updated_at",
            "capacity_count",
        ]
        read_only_fields = fields


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Block
        fields = ["code", "title", "position"]
        read_only_fields = fields


class CriteriaSerializer(serializers.Serializer):
    results = serializers.ListField(
        child=serializers.CharField(), help_text="Critères en termes de résultats."
    )
    methods = serializers.ListField(
        child=serializers.CharField(),
        help_text="Critères en termes de méthodes et justification des moyens employés.",
    )
    procedures = serializers.ListField(
        child=serializers.CharField(),
        help_text="Critères en termes de respect des procédures et instructions.",
    )


class CapacitySerializer(serializers.ModelSerializer):
    block = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    methods = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Modalités d'évaluation permises."
    )
    conditions = serializers.SerializerMethodField(help_text="Conditions de réalisation.")
    criteria = serializers.SerializerMethodField(
        help_text="Critères observables et/ou mesurables, par type."
    )

    class Meta:
        model = Capacity
        fields = ["number", "title", "block", "methods", "conditions", "criteria"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_conditions(self, capacity: Capacity) -> list[str]:
        return [c.text for c in sorted(capacity.conditions.all(), key=lambda c: c.position)]

    @extend_schema_field(CriteriaSerializer)
    def get_criteria(self, capacity: Capacity) -> dict[str, list[str]]:
        criteria = sorted(capacity.criteria.all(), key=lambda c: c.position)
        return {kind: [c.text for c in criteria if c.kind == kind] for kind in CriterionKind.values}


class ReferentialDetailSerializer(serializers.ModelSerializer):
    blocks = BlockSerializer(many=True, read_only=True)
    missions = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Exemples de missions."
    )
    capacities = CapacitySerializer(many=True, read_only=True)

    class Meta:
        model = Referential
        fields = [
            "id",
            "code",
            "version",
            "status",
            "title",
            "category",
            "level",
            "issuer",
            "last_modified",
            "published_at",
            "updated_at",
            "objective",
            "missions",
            "notes",
            "blocks",
            "capacities",
        ]
        read_only_fields = fields
