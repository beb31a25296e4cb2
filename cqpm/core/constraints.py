"""Database constraints built from declarations: a column and its choices never disagree."""

from django.db import models
from django.db.models import Q


def choices_constraint(
    *, app: str, model: str, field: str, choices: type[models.Choices], blank: bool = False
) -> models.CheckConstraint:
    """A CheckConstraint `<app>_<model>_<field>_valid` holding `field` to the values of `choices`
    (and "" when `blank`): a status written by raw SQL or a bulk update cannot leave the map."""
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}),
        name=f"{app}_{model.lower()}_{field}_valid",
    )
