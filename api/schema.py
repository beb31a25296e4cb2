"""The OpenAPI description: every operation also documents its JSON errors."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_STATUSES = {
    "400": "Requête invalide (données, paramètres ou JSON mal formé).",
    "401": "Jeton absent, invalide ou révoqué.",
    "403": "Action refusée (par exemple un jeton en lecture seule qui écrit).",
    "404": "Objet inconnu ou hors de votre périmètre.",
    "409": "Refusé par une règle métier (statut de la campagne, doublon…).",
    "429": "Trop de requêtes pour ce jeton.",
}


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_blank=True, allow_null=True, help_text="Chemin du champ en cause (rows[2].nom)."
    )
    message = serializers.CharField(help_text="Message en français.")
    row = serializers.IntegerField(
        required=False, allow_null=True, help_text="Rang de la ligne (création en lot)."
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code de l'erreur (campaign_status, invalid…).")
    message = serializers.CharField(help_text="Message en français.")
    errors = ErrorItemSerializer(many=True, help_text="Erreurs localisées, champ par champ.")


class CqpmAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_STATUSES.items():
            if code == "409" and self.method == "GET":
                continue
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
