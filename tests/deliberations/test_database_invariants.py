"""The database itself keeps the audit log append-only and jury decisions unchanged (issue 16 §3).

PostgreSQL: triggers from django-pgtrigger refuse any UPDATE or DELETE of an audit entry, any change
to what a decision says, a superseded decision brought back, and the deletion of a superseded one.
SQLite: the same UPDATE refusals through plain SQLite triggers; deletions there are refused by the
ORM only (Django empties a SQLite test database with DELETE), so those tests need PostgreSQL.
Every attempt goes around the services: raw SQL, and the ORM's queryset update/delete.
"""

import pytest
from django.db import DatabaseError, connection, models, transaction

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import Decision, JurySession
from deliberations.services import jury_decision_record

from ..factories.candidates import RegistrationFactory
from ..factories.deliberations import jury, results

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no DELETE trigger (the ORM guard holds there)",
)


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Jury sessions deliberate while the campaign is at the jury."""


@pytest.fixture
def registration(campaign):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    return registration


@pytest.fixture
def amended(campaign, registration, jury_president, jury_member):
    """A decision changed during deliberation: the first stays, superseded, beside the second."""
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        registrations=[registration],
    )
    first = jury_decision_record(
        session=session,
        registration=registration,
        outcome="absent",
        expected_decision_id=None,
        by=jury_member,
    )
    second = jury_decision_record(
        session=session,
        registration=registration,
        outcome="admissible",
        expected_decision_id=first.pk,
        by=jury_president,
    )
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)
    return first, second


def _refused(sql, params):
    """The statement raises in the database and changes nothing (the savepoint is rolled back)."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _row(model, pk):
    return model.objects.filter(pk=pk).values().get()


# --- The audit log -----------------------------------------------------------------------------


@pytest.fixture
def entry(amended):
    entry = AuditEntry.objects.filter(action="cqpm.jury.decision.recorded").first()
    assert entry is not None
    return entry


def test_the_database_refuses_an_update_of_the_audit_log(entry):
    before = _row(AuditEntry, entry.pk)
    _refused("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", entry.pk])
    _refused("UPDATE core_auditentry SET actor_id = NULL", [])
    # Through the ORM: the manager refuses first; a plain queryset reaches the trigger.
    with pytest.raises(DomainError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(AuditEntry).filter(pk=entry.pk).update(action="forged")
    assert _row(AuditEntry, entry.pk) == before


@postgresql_only
def test_postgresql_refuses_a_delete_of_the_audit_log(entry):
    count = AuditEntry.objects.count()
    _refused("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    _refused("DELETE FROM core_auditentry", [])
    with pytest.raises(DomainError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(AuditEntry).filter(pk=entry.pk)._raw_delete(connection.alias)
    assert AuditEntry.objects.count() == count


def test_the_audit_log_still_takes_new_entries(amended, entry):
    """The triggers refuse changes, never an INSERT: the services keep writing the log."""
    assert AuditEntry.objects.filter(action="cqpm.jury.decision.recorded").count() == 2


# --- Jury decisions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("outcome", "excused"),
        ("reason", "Réécrit après coup"),
        ("jury_reason", "Réécrit après coup"),
        ("proposed", "not_admissible"),
    ],
)
def test_the_database_refuses_any_change_to_a_superseded_decision(amended, column, value):
    first, _second = amended
    before = _row(Decision, first.pk)
    _refused(f"UPDATE deliberations_decision SET {column} = %s WHERE id = %s", [value, first.pk])  # noqa: S608 - column from the list above
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=first.pk).update(**{column: value})
    assert _row(Decision, first.pk) == before


def test_the_database_refuses_moving_a_decision_to_another_registration_or_session(
    amended, campaign
):
    first, second = amended
    other = RegistrationFactory(campaign=campaign)
    for decision in (first, second):
        before = _row(Decision, decision.pk)
        _refused(
            "UPDATE deliberations_decision SET registration_id = %s WHERE id = %s",
            [other.pk, decision.pk],
        )
        with pytest.raises(DatabaseError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(registration=other)
        with pytest.raises(DatabaseError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(session_id=decision.session_id + 1000)
        assert _row(Decision, decision.pk) == before


def test_an_active_decision_says_what_it_said(amended):
    """The active decision changes only by being superseded: never in place."""
    _first, second = amended
    before = _row(Decision, second.pk)
    _refused("UPDATE deliberations_decision SET outcome = %s WHERE id = %s", ["absent", second.pk])
    second.outcome = "absent"
    with pytest.raises(DatabaseError), transaction.atomic():
        second.save()
    assert _row(Decision, second.pk) == before


def test_an_active_decision_is_set_inactive_once_and_never_back(amended):
    first, second = amended
    _refused("UPDATE deliberations_decision SET is_active = %s WHERE id = %s", [True, first.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=first.pk).update(is_active=True)
    # What the services do when superseding: allowed, once.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deliberations_decision SET is_active = %s WHERE id = %s", [False, second.pk]
        )
    second.refresh_from_db()
    assert second.is_active is False
    _refused("UPDATE deliberations_decision SET is_active = %s WHERE id = %s", [True, second.pk])
    assert not Decision.objects.filter(registration=second.registration, is_active=True).exists()


def test_the_orm_refuses_to_delete_a_superseded_decision(amended):
    first, _second = amended
    with pytest.raises(DomainError, match="ne peut pas être effacée"):
        first.delete()
    with pytest.raises(DomainError, match="ne peut pas être effacée"):
        Decision.objects.filter(registration=first.registration).delete()
    assert Decision.objects.filter(registration=first.registration).count() == 2


@postgresql_only
def test_postgresql_refuses_to_delete_a_superseded_decision(amended):
    first, second = amended
    # The newer decision points at the one it supersedes: detach nothing, delete nothing.
    _refused("DELETE FROM deliberations_decision WHERE id = %s", [first.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        models.QuerySet(Decision).filter(pk=first.pk)._raw_delete(connection.alias)
    assert set(Decision.objects.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_the_triggers_are_installed_on_this_database():
    """The migrations put the triggers in place on this very engine (not only in the model)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid IN "
                "('core_auditentry'::regclass, 'deliberations_decision'::regclass) "
                "AND NOT tgisinternal"
            )
            names = {name.rsplit("_", 1)[0] for (name,) in cursor.fetchall()}
            assert names == {
                "pgtrigger_audit_append_only",
                "pgtrigger_decision_content_frozen",
                "pgtrigger_decision_never_reactivated",
                "pgtrigger_decision_superseded_kept",
            }
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {name for (name,) in cursor.fetchall()}
            assert {
                "core_auditentry_append_only",
                "deliberations_decision_content_frozen",
                "deliberations_decision_never_reactivated",
            } <= names
