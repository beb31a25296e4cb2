"""Examples the OpenAPI schema carries (shown by /api/docs/, checked against their schemas in
tests/api/test_openapi.py): what a client sends and what it gets back."""

from drf_spectacular.utils import OpenApiExample

PERSON = {
    "civility": "Mme",
    "last_name": "Martin",
    "first_name": "Léa",
    "birth_date": "1994-03-12",
    "email": "lea.martin@exemple.fr",
    "phone": "06 12 34 56 78",
    "company_name": "Usinage du Rhône",
    "siret": "73282932000074",
    "pathway": "continuing",
    "tutor_email": "tuteur@usinage-rhone.fr",
    "birth_name": "Durand",
    "birth_place_insee": "69123",
    "birth_place_label": "Lyon",
    "registration_initiative": "EMPLOYEUR",
}

REGISTRATION_CREATE = [
    OpenApiExample(
        "Inscrire une personne",
        value={**PERSON, "campaign": 12, "address": "3 rue des Forges, 69007 Lyon"},
        request_only=True,
    ),
]

BULK_CREATE = [
    OpenApiExample(
        "Deux personnes, dont un homonyme confirmé",
        value={
            "campaign": 12,
            "late_reason": "",
            "rows": [
                PERSON,
                {
                    **PERSON,
                    "first_name": "Paul",
                    "email": "paul.martin@exemple.fr",
                    "homonym": "different",
                    "update_contact": False,
                },
            ],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Lot créé",
        value={"count": 2, "registrations": [341, 342]},
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Lot refusé",
        value={
            "code": "import_refused",
            "message": "Fichier refusé : 1 erreur, rien n'a été importé.",
            "errors": [
                {
                    "row": 1,
                    "field": "rows[1].birth_date",
                    "message": "date de naissance « 01/01/1850 » invraisemblable.",
                }
            ],
        },
        response_only=True,
        status_codes=["400"],
    ),
]
