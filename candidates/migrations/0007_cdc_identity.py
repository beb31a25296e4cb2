"""What the Caisse des Dépôts' deposit needs of a person and a registration (birth name, usage
name, first names, sex, birth place and country; access mode, VAE way, initiative) and the
certifier's ids per centre. Existing people get their last name as birth name (when it fits the
deposit's 60 characters) and the sex of their civility; registrations the access mode of their
pathway. Birth places stay to be filled in."""

import candidates.validators
from django.conf import settings
from django.db import migrations, models

# Frozen copies of candidates.models.SEX_OF_CIVILITY and ACCESS_MODE_OF_PATHWAY.
SEX_OF_CIVILITY = {"Mme": "F", "M.": "M"}
ACCESS_MODE_OF_PATHWAY = {
    "continuing": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    "vae": "VAE",
    "professionalisation": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
    "apprenticeship": "FORMATION_INITIALE_APPRENTISSAGE",
    "job_seeker": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
}


def fill_identity(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    Registration = apps.get_model("candidates", "Registration")
    for civility, sex in SEX_OF_CIVILITY.items():
        Candidate.objects.filter(civility=civility, sex="").update(sex=sex)
    batch = []
    for candidate in (
        Candidate.objects.filter(birth_name="").only("pk", "last_name").iterator(chunk_size=2000)
    ):
        if len(candidate.last_name) <= 60:
            candidate.birth_name = candidate.last_name
            batch.append(candidate)
        if len(batch) >= 2000:
            Candidate.objects.bulk_update(batch, ["birth_name"])
            batch = []
    Candidate.objects.bulk_update(batch, ["birth_name"])
    for pathway, mode in ACCESS_MODE_OF_PATHWAY.items():
        Registration.objects.filter(pathway=pathway, access_mode="").update(access_mode=mode)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0006_candidate_account"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="birth_country_code",
            field=models.CharField(
                blank=True,
                default="FRA",
                help_text="3 lettres (ISO 3166-1), FRA pour la France.",
                max_length=3,
                validators=[candidates.validators.validate_country_code],
                verbose_name="code du pays de naissance",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="birth_country_label",
            field=models.CharField(
                blank=True,
                default="France",
                max_length=60,
                validators=[candidates.validators.validate_place_label],
                verbose_name="pays de naissance",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="birth_name",
            field=models.CharField(
                blank=True,
                help_text="Laissé vide, c'est le nom.",
                max_length=60,
                validators=[candidates.validators.validate_person_name],
                verbose_name="nom de naissance",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="birth_place_insee",
            field=models.CharField(
                blank=True,
                help_text="5 caractères, par exemple 69123 (Lyon) ; pour une naissance en France.",
                max_length=5,
                validators=[candidates.validators.validate_insee_commune],
                verbose_name="code INSEE de la commune de naissance",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="birth_place_label",
            field=models.CharField(
                blank=True,
                max_length=60,
                validators=[candidates.validators.validate_place_label],
                verbose_name="commune de naissance",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="birth_postal_code",
            field=models.CharField(
                blank=True,
                help_text="À défaut du code INSEE (ou pour une naissance à l'étranger).",
                max_length=9,
                validators=[candidates.validators.validate_postal_code],
                verbose_name="code postal de la commune de naissance",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="second_first_name",
            field=models.CharField(
                blank=True,
                max_length=60,
                validators=[candidates.validators.validate_person_name],
                verbose_name="deuxième prénom",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="sex",
            field=models.CharField(
                blank=True,
                choices=[("F", "Féminin"), ("M", "Masculin")],
                help_text="Laissé vide, il suit la civilité.",
                max_length=1,
                verbose_name="sexe",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="third_first_name",
            field=models.CharField(
                blank=True,
                max_length=60,
                validators=[candidates.validators.validate_person_name],
                verbose_name="troisième prénom",
            ),
        ),
        migrations.AddField(
            model_name="candidate",
            name="usage_name",
            field=models.CharField(
                blank=True,
                help_text="Seulement s'il diffère du nom de naissance.",
                max_length=60,
                validators=[candidates.validators.validate_person_name],
                verbose_name="nom d'usage",
            ),
        ),
        migrations.AddField(
            model_name="examcentre",
            name="cdc_client_id",
            field=models.CharField(
                blank=True,
                help_text="8 caractères ; laissez vide pour celui de la branche.",
                max_length=8,
                validators=[candidates.validators.validate_cdc_client_id],
                verbose_name="identifiant client CDC",
            ),
        ),
        migrations.AddField(
            model_name="examcentre",
            name="cdc_contract_id",
            field=models.CharField(
                blank=True,
                help_text="20 caractères au plus ; laissez vide pour celui de la branche.",
                max_length=20,
                validators=[candidates.validators.validate_cdc_contract_id],
                verbose_name="identifiant de contrat CDC",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="access_mode",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "FORMATION_INITIALE_HORS_APPRENTISSAGE",
                        "Formation initiale hors apprentissage",
                    ),
                    ("FORMATION_INITIALE_APPRENTISSAGE", "Formation initiale en apprentissage"),
                    (
                        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
                        "Formation continue hors contrat de professionnalisation",
                    ),
                    (
                        "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
                        "Formation continue en contrat de professionnalisation",
                    ),
                    ("VAE", "Validation des acquis de l'expérience (VAE)"),
                    ("EQUIVALENCE_DIPLOME_ETRANGER", "Équivalence de diplôme étranger"),
                    ("CANDIDAT_LIBRE", "Candidat libre"),
                ],
                help_text="Laissée vide, elle suit le parcours.",
                max_length=56,
                verbose_name="modalité d'accès",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="registration_initiative",
            field=models.CharField(
                blank=True,
                choices=[
                    ("CERTIFIE", "Le candidat lui-même"),
                    ("OF", "L'organisme de formation"),
                    ("POLE_EMPLOI", "France Travail (Pôle emploi)"),
                    ("EMPLOYEUR", "L'employeur"),
                    ("AUTRE", "Autre"),
                ],
                max_length=16,
                verbose_name="initiative de l'inscription",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="vae_way",
            field=models.CharField(
                blank=True,
                choices=[("CONGES_VAE", "Congé VAE"), ("VAE_CLASSIQUE", "VAE classique")],
                max_length=16,
                verbose_name="voie d'accès à la VAE",
            ),
        ),
        migrations.AlterField(
            model_name="candidate",
            name="birth_date",
            field=models.DateField(
                validators=[candidates.validators.validate_birth_date],
                verbose_name="date de naissance",
            ),
        ),
        migrations.AlterField(
            model_name="candidate",
            name="first_name",
            field=models.CharField(
                max_length=150,
                validators=[candidates.validators.validate_person_name],
                verbose_name="prénom",
            ),
        ),
        migrations.AlterField(
            model_name="candidate",
            name="last_name",
            field=models.CharField(
                max_length=150,
                validators=[candidates.validators.validate_person_name],
                verbose_name="nom",
            ),
        ),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.CheckConstraint(
                condition=models.Q(("sex__in", ["F", "M", ""])),
                name="candidates_candidate_sex_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "access_mode__in",
                        [
                            "FORMATION_INITIALE_HORS_APPRENTISSAGE",
                            "FORMATION_INITIALE_APPRENTISSAGE",
                            "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
                            "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
                            "VAE",
                            "EQUIVALENCE_DIPLOME_ETRANGER",
                            "CANDIDAT_LIBRE",
                            "",
                        ],
                    )
                ),
                name="candidates_registration_access_mode_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(("vae_way__in", ["CONGES_VAE", "VAE_CLASSIQUE", ""])),
                name="candidates_registration_vae_way_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "registration_initiative__in",
                        ["CERTIFIE", "OF", "POLE_EMPLOI", "EMPLOYEUR", "AUTRE", ""],
                    )
                ),
                name="candidates_registration_registration_initiative_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(("vae_way", ""), ("access_mode", "VAE"), _connector="OR"),
                name="candidates_registration_vae_way_only_for_vae",
            ),
        ),
        migrations.RunPython(fill_identity, migrations.RunPython.noop),
    ]
