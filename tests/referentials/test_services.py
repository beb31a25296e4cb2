"""Versions: identical re-import is a no-op, changed content makes version N+1, published
versions refuse every edit, drafts are published through the workflow with an audit trail."""

import copy

import pytest
from django.db import IntegrityError, transaction

from cqpm.core.errors import DomainError, InvalidTransition
from cqpm.core.models import AuditEntry
from referentials.files import ReferentialFileError, referential_file_dump, referential_file_parse
from referentials.models import Capacity, Condition, Criterion, Referential
from referentials.services import (
    referential_export,
    referential_import,
    referential_new_draft,
    referential_publish,
    referential_update,
)
from tests.factories.referentials import ReferentialFactory, referential_with_capacities

Status = Referential.Status


def _changed(data: dict) -> dict:
    changed = copy.deepcopy(data)
    changed["capacities"][0]["criteria"]["procedures"] = ["Les consignes sont respectées."]
    return changed


def test_it_imports_a_second_different_referential_and_round_trips(db, other_data):
    referential = referential_import(data=other_data)
    assert (referential.code, referential.category, referential.version) == (
        "2001 01 89 0195",
        "C*",
        1,
    )
    assert referential.capacities.count() == 8
    assert list(referential.blocks.values_list("code", flat=True)) == ["B1", "B2"]
    assert referential.capacities.get(number=8).block is None
    exported = referential_export(referential=Referential.objects.get(pk=referential.pk))
    assert exported == other_data
    assert referential_file_parse(text=referential_file_dump(data=exported)) == other_data


def test_it_keeps_a_level_when_there_is_no_category(db, other_data):
    data = {k: v for k, v in other_data.items() if k != "category"} | {"level": "5"}
    referential = referential_import(data=data)
    assert (referential.category, referential.level) == ("", "5")
    assert referential_export(referential=referential) == data


def test_it_does_nothing_when_the_content_is_identical(seed, seed_data):
    entries = AuditEntry.objects.count()
    again = referential_import(data=copy.deepcopy(seed_data))
    assert again.pk == seed.pk
    assert Referential.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_it_makes_version_two_and_archives_version_one(seed, seed_data):
    draft = referential_import(data=_changed(seed_data))
    assert (draft.version, draft.status) == (2, Status.DRAFT)  # published only when asked
    seed.refresh_from_db()
    assert seed.status == Status.PUBLISHED
    assert referential_import(data=_changed(seed_data)).pk == draft.pk  # same file, same draft
    second = referential_import(data=_changed(seed_data), publish=True)
    seed.refresh_from_db()
    assert (second.version, second.status) == (2, Status.PUBLISHED)
    assert seed.status == Status.ARCHIVED
    assert seed.capacities.get(number=1).criteria.filter(kind="procedures").count() == 0
    assert second.capacities.get(number=1).criteria.filter(kind="procedures").count() == 1
    assert referential_import(data=_changed(seed_data)).pk == second.pk


def test_it_audits_import_publication_and_archiving(seed, seed_data):
    second = referential_import(data=_changed(seed_data), publish=True)
    actions = list(
        AuditEntry.objects.order_by("id").values_list("action", "object_id", "data__after")
    )
    assert actions == [
        ("cqpm.referentials.referential.imported", str(seed.pk), None),
        ("cqpm.referentials.referential.published", str(seed.pk), "published"),
        ("cqpm.referentials.referential.imported", str(second.pk), None),
        ("cqpm.referentials.referential.archived", str(seed.pk), "archived"),
        ("cqpm.referentials.referential.published", str(second.pk), "published"),
    ]


def test_it_refuses_invalid_data_and_writes_nothing(db, seed_data):
    bad = copy.deepcopy(seed_data)
    bad["capacities"][2]["criteria"]["results"][0] = " "
    with pytest.raises(ReferentialFileError) as caught:
        referential_import(data=bad)
    assert "capacities[2].criteria.results[0] : texte vide" in caught.value.errors
    assert not Referential.objects.exists()
    assert not AuditEntry.objects.exists()


def test_it_copies_a_published_version_into_a_new_draft(seed, seed_data, superuser):
    draft = referential_new_draft(referential=seed, by=superuser)
    assert (draft.version, draft.status) == (2, Status.DRAFT)
    assert referential_export(referential=draft) == seed_data
    entry = AuditEntry.objects.get(action="cqpm.referentials.referential.draft_created")
    assert entry.actor == superuser
    with pytest.raises(DomainError, match="Un brouillon existe déjà pour ce référentiel"):
        referential_new_draft(referential=seed, by=superuser)
    with pytest.raises(DomainError, match="Le brouillon 2 du référentiel"):
        referential_import(data=_changed(seed_data))


def test_it_edits_a_draft_then_publishes_it(seed, seed_data, superuser):
    draft = referential_new_draft(referential=seed, by=superuser)
    referential_update(referential=draft, data=_changed(seed_data), by=superuser)
    published = referential_publish(referential=draft, by=superuser)
    seed.refresh_from_db()
    assert (published.status, seed.status) == (Status.PUBLISHED, Status.ARCHIVED)
    assert published.published_at is not None
    assert referential_export(referential=published) == _changed(seed_data)


def test_it_refuses_to_publish_an_incomplete_draft(db, superuser):
    draft = ReferentialFactory()
    with pytest.raises(ReferentialFileError) as caught:
        referential_publish(referential=draft, by=superuser)
    assert "capacities : liste vide" in caught.value.errors
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_it_refuses_to_publish_twice(seed, superuser):
    with pytest.raises(InvalidTransition, match="Seul un brouillon peut être publié"):
        referential_publish(referential=seed, by=superuser)


def test_services_refuse_to_edit_a_published_version(seed, seed_data, superuser):
    with pytest.raises(DomainError, match="Un référentiel publié ne peut pas être modifié"):
        referential_update(referential=seed, data=_changed(seed_data), by=superuser)
    assert referential_export(referential=Referential.objects.get(pk=seed.pk)) == seed_data


def test_models_refuse_to_edit_a_published_version(db):
    referential = referential_with_capacities(2)
    capacity = referential.capacities.get(number=1)
    guarded = [
        lambda: Capacity.objects.get(pk=capacity.pk).save(),
        lambda: Condition.objects.create(capacity=capacity, position=9, text="Ajout"),
        lambda: Criterion.objects.filter(capacity=capacity).first().delete(),
    ]
    for action in guarded:
        with pytest.raises(DomainError, match="Un référentiel publié ne peut pas être modifié"):
            action()
    referential.title = "Autre intitulé"
    with pytest.raises(DomainError, match="Un référentiel publié ne peut pas être modifié"):
        referential.save()
    referential.refresh_from_db()
    referential.status = Status.ARCHIVED
    referential.save()  # status may still move


def test_the_database_allows_one_draft_and_one_published_version_per_code(db):
    ReferentialFactory(code="2001 01 01 0001", version=1, status=Status.PUBLISHED)
    ReferentialFactory(code="2001 01 01 0001", version=2, status=Status.DRAFT)
    for version, status in ((3, Status.PUBLISHED), (3, Status.DRAFT)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReferentialFactory(code="2001 01 01 0001", version=version, status=status)


def test_the_factory_used_by_other_apps_still_builds_published_referentials(db):
    referential = referential_with_capacities(3)
    assert referential.status == Status.PUBLISHED
    assert referential.capacities.count() == 3
