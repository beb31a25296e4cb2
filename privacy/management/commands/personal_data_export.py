"""`manage.py personal_data_export EMAIL`: everything held about the person(s) with this e-mail
and the account with it, as JSON on stdout (contract, DESIGN.md §9; format cqpm-personal-data/1).
The command sees every centre."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from privacy import services
from privacy.export import candidates_for_email, personal_data_export


class Command(BaseCommand):
    help = "Exporte en JSON toutes les données personnelles détenues pour une adresse e-mail."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        email = email.strip()
        if "@" not in email:
            raise CommandError("Adresse e-mail invalide.")
        people = list(candidates_for_email(email=email, centre_ids=None))
        data = personal_data_export(email=email, candidates=people, centre_ids=None)
        for person in people:
            services.person_export_record(candidate=person, fmt="json", by=None)
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
