import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import User

PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def enable_totp(user: User) -> str:
    """Give the user a TOTP authenticator; returns its base32 secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
