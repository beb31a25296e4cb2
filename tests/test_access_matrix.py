"""Every URL of the project x every persona: the answer each one gets, from one shared scenario.

The table below has one row per route name (admin/ and allauth's own account and MFA pages are
covered by tests/test_security.py). A row says how to build the route's kwargs from the scenario
and what GET answers for each persona; the default for a persona not named is 404 (outside the
scope, never 403) and 302 to the login page for anonymous visitors. Views that only accept POST
are also POSTed by outsiders (no role, and staff of another centre), who must get 404.

A new route without a row fails `test_it_has_a_row_for_every_route`.
"""

import datetime
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.invitations import invitation_path
from candidates.models import CentreMembership
from cdc.models import CdcEntry, CdcFlux, CdcItem
from credentials.services import credential_issue
from deliberations.models import Decision, JuryCandidate, JuryMember, JurySession
from documents.models import Convocation, Document, DocumentBatch
from evaluations.models import CommissionAssignment, EvaluationDossier, Interview
from evaluations.pdf import tiny_pdf
from portal.models import CorrectionRequest
from referentials import case
from transmissions.models import PackSending, TransmissionPack
from webhooks.models import Delivery, Endpoint

from .factories.accounts import UserFactory
from .factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from .factories.deliberations import jury, results
from .factories.evaluations import OpinionFactory, SessionFactory, dossier_for, report_for

pytestmark = pytest.mark.django_db

PERSONAS = (
    "staff_a",
    "staff_b",
    "reviewer",
    "tutor",
    "other_tutor",
    "evaluator",
    "jury_president",
    "jury_member",
    "branch",
    "no_role",
    "candidate",
    "anonymous",
)
LOGIN = 302  # anonymous visitors are sent to the login page


def expect(*, default=404, anonymous=LOGIN, **answers) -> dict[str, int]:
    """GET answers per persona: `default` for everyone not named, `anonymous` for visitors."""
    unknown = set(answers) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = anonymous
    table.update(answers)
    return table


def staff(code=200, **answers):
    """A page of centre A's staff only."""
    return expect(staff_a=code, **answers)


@dataclass
class Row:
    kwargs: object = None  # a function of the scenario returning the URL kwargs, or None
    get: dict = field(default_factory=dict)
    post_only: bool = False  # POST by outsiders must answer 404


def k(**builders):
    """kwargs from the scenario: `k(pk="campaign")` -> {"pk": scenario.campaign.pk}."""

    def build(s):
        return {name: _value(s, path) for name, path in builders.items()}

    return build


class Lit(str):
    """A literal kwarg value, not a path in the scenario."""


def _value(s, path):
    if isinstance(path, Lit):
        return str(path)
    value = s
    for part in path.split("."):
        value = getattr(value, part)
    return getattr(value, "pk", value)


def _case(*, document=False, association=False):
    """CASE identifiers of the scenario's published referential: its document, its first
    capacity, or the association of that capacity to the document."""

    def build(s):
        referential = s.campaign.referential
        capacity = referential.capacities.order_by("number").first()
        if document:
            return {"identifier": case.document_identifier(referential)}
        if association:
            origin, parent = (
                case.capacity_identifier(capacity),
                case.document_identifier(referential),
            )
            return {"identifier": case.association_identifier("isChildOf", origin, parent)}
        return {"identifier": case.capacity_identifier(capacity)}

    return build


CAMPAIGN = k(pk="campaign")
REG = k(pk="registration")
REG_E = k(registration_pk="registration")
JURY = k(pk="jury")
COMMISSION = k(campaign_pk="campaign", pk="commission")
BULK = k(kind=Lit("dossiers-approuver"))

TABLE: dict[str, Row] = {
    # --- Core and accounts
    "home": Row(get=expect(default=200)),
    "healthz": Row(get=expect(default=200, anonymous=200)),
    # Bulk work (tests/evaluations/test_bulk_approval.py): POST only, 404 out of reach.
    "core:bulk_confirm": Row(
        k(kind=Lit("dossiers-approuver")), expect(default=405), post_only=True
    ),
    "core:bulk_start": Row(k(kind=Lit("dossiers-approuver")), expect(default=405), post_only=True),
    "core:bulk_job": Row(k(pk=Lit(999999)), expect()),
    "core:bulk_job_progress": Row(k(pk=Lit(999999)), expect()),
    "favicon": Row(get=expect(default=301, anonymous=301)),
    # Public by design, details for is_staff only (tests/operations/test_health.py); no worker
    # runs here, so the service is "dégradé" for everyone.
    "health": Row(get=expect(default=503, anonymous=503)),
    # The invitation link is public by design: it checks the token, then moves it to the session.
    "invitation_accept": Row(
        k(uidb64="invitation.uidb64", token="invitation.token"),
        expect(default=302, anonymous=302),
    ),
    # --- Referentials: the published catalogue is readable by every signed-in person.
    "referentials:list": Row(get=expect(default=200)),
    "referentials:detail": Row(k(pk="campaign.referential"), expect(default=200)),
    "referentials:export": Row(k(pk="campaign.referential"), expect(default=200)),
    # Administrators only (superusers, not in the personas): every persona's POST answers 404.
    "referentials:publish": Row(k(pk="campaign.referential"), expect(default=405), post_only=True),
    # The RNCP registration (code, end, blocks' codes): the branch (and administrators).
    "referentials:rncp": Row(k(pk="campaign.referential"), expect(branch=200)),
    "referentials:compare": Row(
        k(pk="campaign.referential", other="campaign.referential"), expect(default=200)
    ),
    # CASE 1.1: the published referentials as an open standard, for anyone (drafts: 404).
    "case:package": Row(_case(document=True), expect(default=200, anonymous=200)),
    "case:document": Row(_case(document=True), expect(default=200, anonymous=200)),
    "case:item": Row(_case(), expect(default=200, anonymous=200)),
    "case:association": Row(_case(association=True), expect(default=200, anonymous=200)),
    "case:item_type": Row(
        lambda s: {"identifier": case.item_type_identifier("capacity")},
        expect(default=200, anonymous=200),
    ),
    # --- Candidates (staff of the campaign's centre)
    "candidates:campaign_list": Row(get=staff(staff_b=200)),
    "candidates:campaign_create": Row(get=staff(staff_b=200)),
    "candidates:campaign_detail": Row(CAMPAIGN, staff()),
    "candidates:campaign_update": Row(CAMPAIGN, staff()),
    "candidates:campaign_transition": Row(CAMPAIGN, staff(405, staff_b=405), post_only=True),
    "candidates:registration_list": Row(CAMPAIGN, staff()),
    "candidates:registration_export": Row(k(pk="campaign", fmt=Lit("csv")), staff()),
    "candidates:registration_create": Row(CAMPAIGN, staff()),
    "candidates:registration_detail": Row(REG, staff()),
    "candidates:registration_update": Row(REG, staff()),
    "candidates:registration_withdraw": Row(REG, staff()),
    "candidates:centre_list": Row(get=staff(staff_b=200)),
    "candidates:centre_detail": Row(k(pk="centre"), staff()),
    "candidates:centre_update": Row(k(pk="centre"), staff()),
    "candidates:membership_add": Row(k(pk="centre"), staff()),
    "candidates:membership_remove": Row(
        k(pk="centre", membership_pk="evaluator_membership"),
        staff(405, staff_b=405),
        post_only=True,
    ),
    "candidates:import_upload": Row(CAMPAIGN, staff()),
    "candidates:import_template": Row(k(pk="campaign", fmt=Lit("xlsx")), staff()),
    # A token is bound to the session of the person who uploaded the file: 404 for anyone else.
    "candidates:import_preview": Row(k(pk="campaign", token=Lit("jeton-inconnu")), staff(404)),
    "candidates:import_confirm": Row(
        k(pk="campaign", token=Lit("jeton-inconnu")),
        staff(405, staff_b=405),
        post_only=True,
    ),
    "candidates:import_cancel": Row(
        k(pk="campaign", token=Lit("jeton-inconnu")),
        staff(405, staff_b=405),
        post_only=True,
    ),
    # --- Evaluations
    "evaluations:dossier_edit": Row(REG_E, staff()),
    "evaluations:dossier_submit": Row(REG_E, expect(default=405), post_only=True),
    "evaluations:report_page": Row(REG_E, staff()),
    "evaluations:report_download": Row(
        k(registration_pk="registration", pk="report"), staff(evaluator=200)
    ),
    "evaluations:opinion_staff": Row(REG_E, staff()),
    "evaluations:opinion_reopen": Row(REG_E, expect(default=405), post_only=True),
    "evaluations:interview_page": Row(REG_E, staff(evaluator=200)),
    "evaluations:campaign_dossiers": Row(CAMPAIGN, staff()),
    "evaluations:campaign_commissions": Row(CAMPAIGN, staff()),
    "evaluations:session_detail": Row(COMMISSION, staff()),
    "evaluations:session_reschedule": Row(COMMISSION, staff()),
    "evaluations:session_cancel": Row(COMMISSION, staff()),
    "evaluations:session_add_evaluator": Row(COMMISSION, expect(default=405), post_only=True),
    "evaluations:session_remove_evaluator": Row(
        k(campaign_pk="campaign", pk="commission", user_pk="evaluator"),
        expect(default=405),
        post_only=True,
    ),
    "evaluations:session_assign": Row(COMMISSION, expect(default=405), post_only=True),
    "evaluations:session_unassign": Row(
        k(campaign_pk="campaign", pk="commission", assignment_pk="assignment"),
        expect(default=405),
        post_only=True,
    ),
    "evaluations:review_queue": Row(get=expect(reviewer=200)),
    "evaluations:review_detail": Row(k(pk="submitted_dossier"), expect(reviewer=200)),
    "evaluations:review_approve": Row(
        k(pk="submitted_dossier"), expect(default=405), post_only=True
    ),
    "evaluations:review_return": Row(
        k(pk="submitted_dossier"), expect(default=405), post_only=True
    ),
    "evaluations:tutor_home": Row(get=expect(default=200)),
    "evaluations:opinion_form": Row(k(pk="opinion"), expect(tutor=200)),
    "evaluations:evaluator_home": Row(get=expect(default=200)),
    # --- Deliberations
    "deliberations:evaluation": Row(REG, staff(evaluator=200)),
    "deliberations:results_record": Row(REG, expect(default=405), post_only=True),
    "deliberations:results_validate": Row(REG, expect(default=405), post_only=True),
    "deliberations:result_correct": Row(
        k(pk="registration", result_pk="result"), expect(evaluator=200)
    ),
    "deliberations:campaign_juries": Row(CAMPAIGN, staff()),
    "deliberations:jury_list": Row(get=staff(staff_b=200, jury_president=200, jury_member=200)),
    "deliberations:jury_detail": Row(JURY, staff(jury_president=200, jury_member=200)),
    "deliberations:jury_reschedule": Row(JURY, staff()),
    "deliberations:jury_cancel": Row(JURY, staff()),
    "deliberations:jury_member_add": Row(JURY, expect(default=405), post_only=True),
    "deliberations:jury_member_remove": Row(
        k(pk="jury", member_pk="seat"), expect(default=405), post_only=True
    ),
    "deliberations:jury_candidates": Row(JURY, staff()),
    "deliberations:jury_candidate_remove": Row(
        k(pk="jury", candidate_pk="jury_candidate"), expect(default=405), post_only=True
    ),
    "deliberations:jury_attendance": Row(JURY, expect(default=405), post_only=True),
    "deliberations:jury_start": Row(JURY, expect(default=405), post_only=True),
    "deliberations:jury_deliberation": Row(JURY, staff(jury_president=200, jury_member=200)),
    "deliberations:decision_record": Row(
        k(pk="jury", registration_pk="registration"), expect(default=405), post_only=True
    ),
    "deliberations:jury_close": Row(JURY, expect(default=405), post_only=True),
    "deliberations:decision_amend": Row(k(pk="decision"), expect(jury_president=200)),
    # --- Documents
    "documents:session": Row(JURY, staff()),
    "documents:progress": Row(JURY, staff()),
    "documents:batch_create": Row(JURY, expect(default=405), post_only=True),
    "documents:create": Row(JURY, expect(default=405), post_only=True),
    "documents:retry": Row(k(pk="document"), expect(default=405), post_only=True),
    "documents:download": Row(k(pk="document"), staff()),
    "documents:batch_download": Row(k(pk="batch"), staff()),
    "documents:convocation_print": Row(k(pk="convocation"), staff()),
    # The jury signs its minutes: the members of the session only; staff remind (POST).
    "documents:sign": Row(k(pk="minutes"), expect(jury_president=200, jury_member=200)),
    "documents:sign_download": Row(k(pk="minutes"), expect(jury_president=200, jury_member=200)),
    "documents:sign_remind": Row(k(pk="minutes"), expect(default=405), post_only=True),
    # --- Transmission to the GTP (staff of the session's centre)
    "transmissions:tracker_list": Row(get=staff(staff_b=200)),
    "transmissions:tracker": Row(JURY, staff()),
    "transmissions:prepare": Row(JURY, expect(default=405), post_only=True),
    "transmissions:rebuild": Row(JURY, expect(default=405), post_only=True),
    "transmissions:download": Row(JURY, staff()),
    "transmissions:acknowledgement": Row(k(pk="sending"), staff()),
    "transmissions:acknowledgement_add": Row(k(pk="sending"), expect(default=405), post_only=True),
    # --- The deposit with the CDC (issue 23): the campaigns of the staff's centres. The report's
    # upload names no object: any staff may post (its lines outside their reach are refused).
    "cdc:tracker": Row(get=staff(staff_b=200)),
    "cdc:report_upload": Row(get=expect(default=405)),
    "cdc:campaign": Row(CAMPAIGN, staff()),
    "cdc:export": Row(CAMPAIGN, expect(default=405), post_only=True),
    "cdc:flux_download": Row(k(pk="cdc_flux"), staff()),
    "cdc:flux_deposit": Row(k(pk="cdc_flux"), expect(default=405), post_only=True),
    "cdc:holder_withdraw": Row(k(pk="cdc_holder"), expect(default=405), post_only=True),
    # --- The branch's view (issue 21): statistics for the branch (every centre) and each
    # centre's staff (their own); the public rate for anyone; received packs for the branch.
    "stats:dashboard": Row(get=staff(staff_b=200, branch=200)),
    "stats:export": Row(get=staff(staff_b=200, branch=200)),
    "stats:public_rate": Row(
        lambda s: {"centre": s.centre.code, "cqpm": s.campaign.referential.code.replace(" ", "-")},
        expect(default=200, anonymous=200),
    ),
    "stats:inbox": Row(get=expect(branch=200)),
    "stats:inbox_acknowledge": Row(k(pk="sending"), expect(default=405), post_only=True),
    # The public verification page: anyone, signed in or not.
    "documents:verify_form": Row(get=expect(default=200, anonymous=200)),
    "documents:verify": Row(
        k(code="document.verification_code"), expect(default=200, anonymous=200)
    ),
    # --- Privacy: the public notice; a person's data for the staff of a centre that holds them.
    "privacy:notice": Row(get=expect(default=200, anonymous=200)),
    "privacy:person_search": Row(get=staff(staff_b=200)),
    "privacy:retention_report": Row(get=staff(staff_b=200)),
    "privacy:person_detail": Row(k(pk="registration.candidate"), staff()),
    "privacy:person_export": Row(k(pk="registration.candidate", fmt=Lit("json")), staff()),
    "privacy:person_correct": Row(k(pk="registration.candidate"), staff()),
    "privacy:person_erase": Row(k(pk="registration.candidate"), staff()),
    # The issuer's public identity and the credentials: anyone, signed in or not.
    "credentials:did": Row(get=expect(default=200, anonymous=200)),
    "credentials:issuer": Row(get=expect(default=200, anonymous=200)),
    "credentials:issuer_json": Row(get=expect(default=200, anonymous=200)),
    "credentials:status_list": Row(k(number=Lit("1")), expect(default=200, anonymous=200)),
    "credentials:verify": Row(get=expect(default=200, anonymous=200)),
    "credentials:credential_jwt": Row(
        k(code="document.verification_code"), expect(default=200, anonymous=200)
    ),
    "credentials:credential_json": Row(
        k(code="document.verification_code"), expect(default=200, anonymous=200)
    ),
    # --- Webhooks (staff of the centre; the index sends staff to their one centre)
    "webhooks:index": Row(get=staff(302, staff_b=302)),
    "webhooks:centre": Row(k(pk="centre"), staff()),
    "webhooks:endpoint_create": Row(k(pk="centre"), staff()),
    "webhooks:endpoint_detail": Row(k(pk="webhook"), staff()),
    "webhooks:endpoint_update": Row(k(pk="webhook"), staff()),
    "webhooks:endpoint_rotate": Row(k(pk="webhook"), staff(405, staff_b=405), post_only=True),
    "webhooks:endpoint_ping": Row(k(pk="webhook"), staff(405, staff_b=405), post_only=True),
    "webhooks:delivery_detail": Row(k(pk="webhook_delivery"), staff()),
    "webhooks:delivery_replay": Row(
        k(pk="webhook_delivery"), staff(405, staff_b=405), post_only=True
    ),
    # --- API (session here; tokens in tests/api/test_scoping.py). Anonymous: 401, not a redirect.
    "api:schema": Row(get=expect(default=200, anonymous=200)),
    "api:docs": Row(get=expect(default=200, anonymous=200)),
    **{
        f"api:{name}-list": Row(get=expect(default=200, anonymous=401))
        for name in (
            "referential",
            "campaign",
            "candidate",
            "registration",
            "decision",
            "document",
        )
    },
    "api:registration-bulk": Row(get=expect(default=405, anonymous=401)),
    "api:referential-detail": Row(k(pk="campaign.referential"), expect(default=200, anonymous=401)),
    "api:campaign-detail": Row(CAMPAIGN, staff(anonymous=401)),
    "api:candidate-detail": Row(k(pk="registration.candidate"), staff(anonymous=401)),
    "api:registration-detail": Row(REG, staff(anonymous=401)),
    "api:registration-evidence": Row(REG, staff(evaluator=200, anonymous=401)),
    "api:registration-results": Row(REG, staff(evaluator=200, anonymous=401)),
    "api:registration-history": Row(REG, staff(anonymous=401)),
    "api:decision-detail": Row(
        k(pk="decision"), staff(jury_president=200, jury_member=200, anonymous=401)
    ),
    "api:document-detail": Row(k(pk="document"), staff(anonymous=401)),
    "api:document-pdf": Row(k(pk="document"), staff(anonymous=401)),
    # Everyone manages their own API tokens; nobody revokes another person's.
    "api_tokens:list": Row(get=expect(default=200)),
    "api_tokens:revoke": Row(k(pk=Lit("1")), expect(default=405), post_only=True),
    # --- The candidate's own space: the scenario's candidate only; staff act on theirs by POST.
    "portal:home": Row(get=expect(candidate=200)),
    "portal:registration": Row(REG, expect(candidate=200)),
    "portal:report": Row(REG, expect(candidate=200)),
    "portal:data": Row(REG, expect(candidate=200)),
    "portal:convocation": Row(k(pk="convocation"), expect(candidate=200)),
    "portal:convocation_ics": Row(k(pk="convocation"), expect(candidate=200)),
    "portal:document": Row(k(pk="document"), expect(candidate=200)),
    "portal:export": Row(k(fmt=Lit("json")), expect(candidate=200)),
    "portal:invite": Row(REG, staff(405, staff_b=405), post_only=True),
    "portal:corrections": Row(CAMPAIGN, staff()),
    "portal:correction_decide": Row(k(pk="correction"), staff(405, staff_b=405), post_only=True),
}

# The candidate's own pages (the scenario's registration is theirs).
CANDIDATE_PAGES = {name for name in TABLE if name.startswith("portal:")} - {
    "portal:invite",
    "portal:corrections",
    "portal:correction_decide",
}

EXCLUDED_PREFIXES = ("admin/",)


def project_routes() -> dict[str, str]:
    """Route name -> pattern, for every named URL of the project but admin/ and allauth's own."""
    routes = {}

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                name_space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern.url_patterns, route, name_space)
            elif isinstance(pattern, URLPattern):
                if pattern.callback.__module__.startswith("allauth."):
                    continue
                assert pattern.name, f"unnamed URL pattern {route}"
                routes[f"{namespace}:{pattern.name}" if namespace else pattern.name] = route

    walk(get_resolver().url_patterns, "", None)
    return routes


def test_it_has_a_row_for_every_route():
    routes = project_routes()
    missing = sorted(set(routes) - set(TABLE))
    stale = sorted(set(TABLE) - set(routes))
    assert not missing, "routes without a row in the access table: " + ", ".join(missing)
    assert not stale, "rows for routes that no longer exist: " + ", ".join(stale)


# --- The scenario --------------------------------------------------------------------------------


@pytest.fixture
def scenario(
    centre_a, staff_a, staff_b, reviewer, tutor, other_tutor, evaluator, jury_president, jury_member
):
    """A campaign of centre A whose registration went through every stage, up to its document."""
    cache.clear()  # the verification page's rate limit counts per address in the cache
    campaign = CampaignFactory(centre=centre_a, name="Campagne d'accès")
    registration = RegistrationFactory(campaign=campaign, tutor=tutor)
    other = RegistrationFactory(campaign=campaign, candidate=CandidateFactory(), tutor=other_tutor)
    dossier_for(
        registration,
        status=EvaluationDossier.Status.APPROVED,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )
    submitted = dossier_for(other, status=EvaluationDossier.Status.SUBMITTED)
    report = report_for(registration, by=staff_a)
    opinion = OpinionFactory(registration=registration, respondent=tutor)
    OpinionFactory(registration=other, respondent=other_tutor)
    commission = SessionFactory(campaign=campaign, evaluators=[evaluator])
    assignment = CommissionAssignment.objects.create(session=commission, registration=registration)
    interview = Interview.objects.create(
        registration=registration, date=datetime.date(2027, 4, 10), recorded_by=evaluator
    )
    interview.evaluators.set([evaluator])
    sheet = results(registration)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.CLOSED,
        registrations=[registration],
    )
    decision = Decision.objects.create(
        session=session,
        registration=registration,
        outcome=Decision.Outcome.ADMISSIBLE,
        proposed=Decision.Outcome.ADMISSIBLE,
        recorded_by=jury_president,
    )
    document = Document(
        kind=Document.Kind.CERTIFICATE,
        registration=registration,
        jury_session=session,
        decision=decision,
        status=Document.Status.READY,
    )
    document.file.save("attestation.pdf", ContentFile(tiny_pdf("Attestation")), save=False)
    document.sha256 = "0" * 64
    document.save()
    credential_issue(document=document)
    minutes = Document(
        kind=Document.Kind.JURY_MINUTES, jury_session=session, status=Document.Status.READY
    )
    minutes.file.save("pv.pdf", ContentFile(tiny_pdf("Procès-verbal")), save=False)
    minutes.sha256 = "1" * 64
    minutes.save()
    batch = DocumentBatch(jury_session=session, requested_by=staff_a)
    batch.archive.save("lot.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    batch.save()
    pack = TransmissionPack(session=session, due_on=datetime.date(2027, 8, 15), outdated=False)
    pack.archive.save("transmission.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    pack.save()
    sending = PackSending(
        pack=pack,
        sent_on=datetime.date(2027, 6, 1),
        channel=PackSending.Channel.EMAIL,
        archive_sha256="0" * 64,
        archive_version=1,
        recorded_by=staff_a,
    )
    sending.acknowledgement.save("accuse.pdf", ContentFile(tiny_pdf("Accusé")), save=False)
    sending.save()
    # A respondent named by staff who has not chosen a password yet: the link is still valid.
    webhook = Endpoint.objects.create(
        centre=centre_a, url="https://logiciel.exemple.fr/hook", events=["ping"], created_by=staff_a
    )
    webhook_delivery = Delivery.objects.create(
        endpoint=webhook, event="ping", occurred_at=timezone.now(), payload={"event": "ping"}
    )
    invitee = UserFactory(email="invite@exemple.fr", password=None)
    # The registration's candidate, invited to their space; a convocation and a request of theirs.
    holder = UserFactory(email="candidat@exemple.fr", password=None)
    registration.candidate.account = holder
    registration.candidate.save(update_fields=["account"])
    convocation = Convocation.objects.create(
        registration=registration,
        kind=Convocation.Kind.JURY,
        session_id=session.pk,
        date=session.date,
        place="Lyon",
        sha256="0" * 64,
        printable=ContentFile(tiny_pdf(), name="convocation.pdf"),  # no e-mail: kept to print
    )
    correction = CorrectionRequest.objects.create(
        candidate=registration.candidate,
        registration=registration,
        message="Mon téléphone a changé.",
        requested_by=holder,
    )
    _uid, token = invitation_path(invitee).rstrip("/").split("/")[-2:]
    cdc_flux = CdcFlux(id_flux="cqpm-acces", campaign=campaign, scope_label="Accès", sha256="0")
    cdc_flux.file.save("flux.xml", ContentFile(b"<flux/>"), save=False)
    cdc_flux.save()
    cdc_entry = CdcEntry.objects.create(flux=cdc_flux, registration=registration, fingerprint="0")
    cdc_holder = CdcItem.objects.create(
        registration=registration,
        status="deposited",
        entry=cdc_entry,
        id_technique=cdc_entry.id_technique,
    )
    return SimpleNamespace(
        centre=centre_a,
        campaign=campaign,
        registration=registration,
        submitted_dossier=submitted,
        report=report,
        opinion=opinion,
        commission=commission,
        assignment=assignment,
        evaluator=evaluator,
        evaluator_membership=CentreMembership.objects.get(user=evaluator),
        capacity=campaign.referential.capacities.order_by("number").first(),
        result=sheet.results.order_by("capacity__number").first(),
        jury=session,
        seat=JuryMember.objects.get(session=session, user=jury_member),
        jury_candidate=JuryCandidate.objects.get(session=session),
        decision=decision,
        document=document,
        minutes=minutes,
        batch=batch,
        sending=sending,
        webhook=webhook,
        webhook_delivery=webhook_delivery,
        invitation=SimpleNamespace(uidb64=_uid, token=token),
        holder=holder,
        convocation=convocation,
        correction=correction,
        cdc_flux=cdc_flux,
        cdc_holder=cdc_holder,
    )


@pytest.fixture(autouse=True)
def _quiet_requests():
    # Hundreds of expected 404 and 405 answers would flood the log.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _short_health_ping(settings):
    # /sante/ waits this long for a worker that never answers here, once per persona.
    settings.HEALTH_CELERY_TIMEOUT = 0.05


@pytest.fixture
def clients(
    scenario,
    staff_a,
    staff_b,
    reviewer,
    tutor,
    other_tutor,
    evaluator,
    jury_president,
    jury_member,
    branch,
    outsider,
):
    users = {
        "candidate": scenario.holder,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "reviewer": reviewer,
        "tutor": tutor,
        "other_tutor": other_tutor,
        "evaluator": evaluator,
        "jury_president": jury_president,
        "jury_member": jury_member,
        "branch": branch,
        "no_role": outsider,
    }
    result = {"anonymous": Client()}
    for persona, user in users.items():
        client = Client()
        client.force_login(user)
        result[persona] = client
    return result


def _url(name, row, scenario):
    return reverse(name, kwargs=row.kwargs(scenario) if row.kwargs else None)


def test_it_answers_each_persona_as_the_table_says(scenario, clients):
    wrong = []
    for name, row in TABLE.items():
        url = _url(name, row, scenario)
        for persona in PERSONAS:
            cache.clear()  # rate limits count per address and account: each visit starts afresh
            status = clients[persona].get(url).status_code
            if status != row.get[persona]:
                wrong.append(
                    f"{name:42} {persona:15} GET {url}: {status}, expected {row.get[persona]}"
                )
    assert not wrong, "unexpected answers:\n" + "\n".join(wrong)


def test_it_never_answers_200_outside_the_scope(scenario, clients):
    """Someone with no role reaches only their own (empty) pages and the public ones."""
    own_pages = {
        "home",
        "healthz",
        "referentials:list",
        "referentials:detail",
        "referentials:export",
        "referentials:compare",
        "case:package",
        "case:document",
        "case:item",
        "case:association",
        "case:item_type",
        "evaluations:tutor_home",
        "evaluations:evaluator_home",
        "documents:verify_form",
        "documents:verify",
        "privacy:notice",
        "credentials:did",
        "credentials:issuer",
        "credentials:issuer_json",
        "credentials:status_list",
        "credentials:verify",
        "credentials:credential_jwt",
        "credentials:credential_json",
        # The API's schema and documentation are public; its lists are scoped (empty here).
        "api:schema",
        "api:docs",
        "api:referential-list",
        "api:referential-detail",
        "api:campaign-list",
        "api:candidate-list",
        "api:registration-list",
        "api:decision-list",
        "api:document-list",
        "api_tokens:list",
        "stats:public_rate",
    }
    for name, row in TABLE.items():
        if name not in own_pages:
            assert row.get["no_role"] != 200, name
            assert row.get["anonymous"] != 200, name
            assert row.get["staff_b"] != 200 or row.kwargs is None, name
        if name not in own_pages | CANDIDATE_PAGES:
            assert row.get["candidate"] != 200, name


@pytest.mark.parametrize("persona", ["no_role", "staff_b", "candidate"])
def test_it_answers_404_to_outsiders_posting(scenario, clients, persona):
    wrong = []
    for name, row in TABLE.items():
        if not row.post_only:
            continue
        url = _url(name, row, scenario)
        status = clients[persona].post(url, {}).status_code
        if status != 404:
            wrong.append(f"{name:42} POST {url}: {status}")
    assert not wrong, f"{persona} posting got:\n" + "\n".join(wrong)
