"""The one access model (cqpm/core/access.py, access/roles.py): its table in the docs, its
rules on roles and actions, and what a person reaches through it."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from access.docs import render
from candidates.models import Registration
from cqpm.core import access
from deliberations.models import JurySession

from .factories.candidates import RegistrationFactory
from .factories.deliberations import jury

ROOT = Path(__file__).resolve().parent.parent


def test_the_docs_table_is_the_one_the_code_generates():
    assert (ROOT / "docs" / "ACCESS.md").read_text(encoding="utf-8") == render(), (
        "docs/ACCESS.md differs from the code: run `manage.py access_table --write`"
    )


def test_the_check_command_fails_on_a_stale_doc(tmp_path, monkeypatch):
    from access.management.commands import access_table

    stale = tmp_path / "ACCESS.md"
    stale.write_text("ancienne table\n", encoding="utf-8")
    monkeypatch.setattr(access_table, "DOC", stale)
    with pytest.raises(CommandError, match="ne correspond plus"):
        call_command("access_table", "--check")
    call_command("access_table", "--write")
    call_command("access_table", "--check")


@pytest.mark.django_db
def test_every_role_grants_declared_actions_only():
    # An action nobody may do is dead weight: every declared action has a role.
    assert [a.code for a, roles in access.table() if not roles] == []

    def sneaky(user):
        return {"registration.fly": Q(pk=1)}

    with _extra_role("sneaky", sneaky), pytest.raises(ImproperlyConfigured):
        access.table_markdown() and access.scope(_fresh_user(), "registration.manage")


def test_a_role_cannot_be_registered_twice_differently():
    with pytest.raises(ImproperlyConfigured):
        access.register_role("staff", lambda user: {}, label="autre", order=0)


def test_an_undeclared_action_is_refused(staff_a):
    with pytest.raises(ImproperlyConfigured):
        access.scope(staff_a, "registration.fly")


def test_the_roles_of_one_person_add_up(
    db, centre_a, centre_b, staff_a, jury_president, jury_member
):
    own = RegistrationFactory(campaign__centre=centre_a)
    other = RegistrationFactory(campaign__centre=centre_b)
    session = jury(campaign=own.campaign, president=jury_president, members=[jury_member])
    assert list(access.scope(staff_a, "registration.manage")) == [own]
    assert access.can(staff_a, "registration.manage", own)
    assert not access.can(staff_a, "registration.manage", other)
    # A jury member reaches their session and nothing of the registrations' files.
    assert list(access.scope(jury_member, "jury_session.view")) == [session]
    assert not access.holds(jury_member, "registration.manage")
    assert access.scope(jury_member, "registration.manage").count() == 0


def test_an_empty_filter_of_one_role_never_widens_another(db, centre_a, centre_b, staff_a):
    """`Q()` OR-ed with a filter is that filter: a role reaching every row must say so."""
    RegistrationFactory(campaign__centre=centre_b)
    with _extra_role("everything_by_mistake", lambda user: {"registration.manage": Q()}):
        # Q() | staff filter == staff filter in Django: the role gives nothing more.
        assert access.scope(staff_a, "registration.manage").count() == 0


def test_permitted_answers_several_actions_in_one_query(
    db, django_assert_num_queries, centre_a, jury_president, jury_member
):
    registration = RegistrationFactory(campaign__centre=centre_a)
    session = jury(campaign=registration.campaign, president=jury_president, members=[jury_member])
    codes = ("jury_session.record", "jury_session.close", "jury_session.view")
    access.holds(jury_president, "jury_session.view")  # the role facts, read once per request
    with django_assert_num_queries(1):
        allowed = access.permitted(jury_president, session, codes)
    assert {"jury_session.close", "jury_session.view"} <= allowed
    assert "jury_session.close" not in access.permitted(jury_member, session, codes)
    assert access.permitted(jury_member, JurySession(pk=None), codes) == frozenset()


def test_anonymous_visitors_reach_nothing():
    from django.contrib.auth.models import AnonymousUser

    for declared, _roles in access.table():
        assert not access.holds(AnonymousUser(), declared.code)
    assert access.scope(AnonymousUser(), "registration.manage").model is Registration


def _fresh_user():
    from .factories.accounts import UserFactory

    return UserFactory()


class _extra_role:
    def __init__(self, name, grants):
        self.name, self.grants = name, grants

    def __enter__(self):
        access.register_role(self.name, self.grants, label=self.name, order=999)

    def __exit__(self, *exc):
        access._roles.pop(self.name, None)


def test_can_answers_from_the_ids_an_object_holds_without_a_query(
    db, django_assert_num_queries, centre_a, centre_b, staff_a, evaluator
):
    own = RegistrationFactory(campaign__centre=centre_a)
    other = RegistrationFactory(campaign__centre=centre_b)
    own = Registration.objects.select_related("campaign").get(pk=own.pk)
    other = Registration.objects.select_related("campaign").get(pk=other.pk)
    access.holds(staff_a, "registration.manage")  # the role facts, read once per request
    with django_assert_num_queries(0):
        assert access.can(staff_a, "registration.manage", own)
        assert not access.can(staff_a, "registration.manage", other)
        assert access.can(staff_a, "campaign.manage", own.campaign)
        assert access.can_id(staff_a, "centre.manage", centre_a.pk)
        assert not access.can_id(staff_a, "centre.manage", centre_b.pk)
        assert access.scope_ids(staff_a, "centre.manage") == [centre_a.pk]
    # A filter the object cannot answer (a subquery) is asked of the database, once.
    access.holds(evaluator, "registration.evaluate")
    with django_assert_num_queries(1):
        assert not access.can(evaluator, "registration.evaluate", own)


def test_the_services_staff_guard_refuses_in_french(db, centre_a, centre_b, staff_a):
    from cqpm.core.errors import DomainError

    access.ensure_centre_staff(staff_a, centre_a.pk)
    access.ensure_centre_staff(None, centre_b.pk)  # the system
    with pytest.raises(DomainError, match="personnel de ce centre"):
        access.ensure_centre_staff(staff_a, centre_b.pk)


def test_the_roles_held_through_rows_are_read_in_one_query(
    db, django_assert_num_queries, centre_a, tutor, jury_president, jury_member
):
    from candidates.models import Registration as R

    from .factories.candidates import CandidateFactory
    from .factories.evaluations import OpinionFactory

    withdrawn = RegistrationFactory(campaign__centre=centre_a, stage=R.Stage.WITHDRAWN)
    OpinionFactory(registration=withdrawn, respondent=tutor)
    candidate = CandidateFactory(account=_fresh_user())
    with django_assert_num_queries(1):
        assert not access.holds_role(tutor, "respondent")  # a withdrawn candidate's only
        assert not access.holds_role(tutor, "jury_member")
        assert not access.holds_role(tutor, "candidate")
    OpinionFactory(registration=RegistrationFactory(campaign__centre=centre_a), respondent=tutor)
    access.forget(tutor)
    assert access.holds_role(tutor, "respondent")
    jury(campaign=withdrawn.campaign, president=jury_president, members=[jury_member])
    assert access.holds_role(jury_member, "jury_member")
    assert access.holds_role(candidate.account, "candidate")
    with pytest.raises(ImproperlyConfigured):
        access.holds_role(tutor, "staff")  # held through the account's memberships, not rows


def test_a_role_filter_given_as_a_function_is_built_only_when_asked(db, staff_a):
    built = []

    def grants(user):
        return {"registration.manage": lambda: built.append(1) or Q(pk__in=[])}

    with _extra_role("lazy", grants):
        access.forget(staff_a)
        assert access.holds(staff_a, "registration.manage")
        assert built == []  # holds() builds no filter
        access.scope(staff_a, "registration.manage")
        access.scope(staff_a, "registration.manage")
        assert built == [1]  # once per user object
