"""Demo data of this app, called by `manage.py seed_demo` after candidates.demo.seed.

Uses the showcase registrations of `ctx.registrations` (three per stage and campaign): dossiers in
every state, reports (one flagged late), company opinions (draft and submitted) answered by the
centre's demo tutor, one commission session with the demo evaluator, and interviews. Works in
lifecycle order: dossiers while the campaign is open, then (for a campaign whose target is
further on) `ctx.reach(campaign, "in_progress")` before the evidence. Idempotent: each step looks
for what a previous run made. Sends no e-mail (the output must stay the accounts
table), so the respondent is named without the notification.
"""

import datetime
from typing import Any

from django.core.files.base import ContentFile

from candidates.models import Campaign, Registration
from cqpm.core.audit import audit_log
from referentials.models import EvaluationMethod

from .models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    EvaluationDossier,
    Interview,
)
from .pdf import tiny_pdf
from .services.commissions import commission_assign, commission_session_create
from .services.dossiers import (
    CapacityChoice,
    dossier_approve,
    dossier_return,
    dossier_save,
    dossier_submit,
)
from .services.interviews import interview_record
from .services.opinions import Answer, OpinionAnswers, opinion_save, opinion_submit
from .services.reports import report_upload

Stage = Registration.Stage
Status = EvaluationDossier.Status
DEMO_PLACE = "Salle des commissions (démonstration)"
# Registrations at these stages have gone through the whole evidence step.
EVIDENCED = (Stage.EVIDENCE, Stage.COMMISSION, Stage.JURY, Stage.ADMISSIBLE, Stage.NOT_ADMISSIBLE)
INTERVIEWED = (Stage.COMMISSION, Stage.JURY, Stage.ADMISSIBLE, Stage.NOT_ADMISSIBLE)


def seed(*, ctx) -> None:
    reviewer = ctx.accounts.get("reviewer", {}).get("")
    for campaign in ctx.campaigns:
        code = campaign.centre.code
        people = {
            "staff": ctx.accounts.get("staff", {}).get(code),
            "tutor": ctx.accounts.get("tutor", {}).get(code),
            "evaluator": ctx.accounts.get("evaluator", {}).get(code),
            "reviewer": reviewer,
        }
        if not all(people.values()):
            ctx.say(f"Démo évaluations : comptes manquants pour {code}, rien n'est créé.")
            continue
        by_stage: dict[str, list[Registration]] = {}
        for registration in ctx.registrations.get(campaign.pk, []):
            by_stage.setdefault(registration.stage, []).append(registration)
        _seed_campaign(ctx, campaign, by_stage, people)
        ctx.say(f"Démo évaluations : campagne « {campaign.name} » ({code}).")


def _seed_campaign(ctx, campaign: Campaign, by_stage: dict, people: dict[str, Any]) -> None:
    staff, reviewer = people["staff"], people["reviewer"]
    for registration, status in zip(
        by_stage.get(Stage.DOSSIER, []),
        (Status.DRAFT, Status.SUBMITTED, Status.RETURNED),
        strict=False,
    ):
        _dossier(registration, status, staff, reviewer)
    evidenced = [r for stage in EVIDENCED for r in by_stage.get(stage, [])]
    for registration in evidenced:
        _dossier(registration, Status.APPROVED, staff, reviewer)
    session = _session(campaign, staff, people["evaluator"])
    # Evidence only once evaluations are in progress (candidates/lifecycle.py).
    if not evidenced or not _evaluating(ctx, campaign):
        return
    for index, registration in enumerate(evidenced):
        _report(registration, staff, late=index == 1)
        if registration.stage == Stage.EVIDENCE:
            state = ("draft", "submitted", "none")[index % 3]
        else:
            state = "submitted"
        _opinion(registration, people["tutor"], staff, state)
    for registration in [r for stage in INTERVIEWED for r in by_stage.get(stage, [])]:
        _assign_and_interview(session, registration, staff, people["evaluator"])


def _evaluating(ctx, campaign: Campaign) -> bool:
    """The campaign is in progress, moved there now if its target allows; already further on
    (a rerun), there is nothing left to do."""
    if campaign.status == Campaign.Status.IN_PROGRESS:
        return True
    if campaign.status != Campaign.Status.OPEN:
        return False
    reach = getattr(ctx, "reach", None)
    return bool(reach and reach(campaign, Campaign.Status.IN_PROGRESS))


def _dossier(registration: Registration, status: str, staff: Any, reviewer: Any) -> None:
    if EvaluationDossier.objects.filter(registration=registration).exists():
        return
    capacities = list(registration.campaign.referential.capacities.all())
    choices = {
        c.pk: CapacityChoice(
            methods=[
                m
                for m in (EvaluationMethod.PROFESSIONAL_PROJECT, EvaluationMethod.COMPANY_OPINION)
                if m in c.methods
            ]
            or c.methods[:1]
        )
        for c in capacities
    }
    dossier = dossier_save(registration=registration, choices=choices, by=staff)
    if status == Status.DRAFT:
        return
    dossier = dossier_submit(dossier=dossier, by=staff)
    if status == Status.RETURNED:
        dossier_return(
            dossier=dossier,
            comment="Capacité 2 : préciser le projet présenté (démonstration).",
            by=reviewer,
        )
    elif status == Status.APPROVED:
        dossier_approve(dossier=dossier, by=reviewer)


def _report(registration: Registration, staff: Any, *, late: bool) -> None:
    if registration.reports.exists():
        return
    content = ContentFile(tiny_pdf(f"Rapport de {registration.candidate}"), name="rapport.pdf")
    deadline = registration.campaign.report_deadline
    report_upload(
        registration=registration,
        upload=content,
        original_name=f"rapport-{registration.candidate.last_name.lower()}.pdf",
        by=staff,
        accept_late=late,
        today=deadline + datetime.timedelta(days=2) if late else deadline,
    )


def _opinion(registration: Registration, tutor: Any, staff: Any, state: str) -> None:
    if state == "none":
        return
    # The registration's tutor is named on creation (opinion_respondents_from_tutors); an
    # opinion already answered is left as it is (seed_demo runs twice alike).
    opinion = CompanyOpinion.objects.filter(registration=registration).first()
    if opinion is not None and (opinion.revision or opinion.is_locked):
        return
    if opinion is not None:
        if opinion.respondent_id != tutor.pk:  # a demo respondent other than the tutor
            opinion.respondent = tutor
            opinion.save()
        _answer(registration, opinion, tutor, state)
        return
    opinion = CompanyOpinion.objects.create(
        registration=registration,
        respondent=tutor,
        respondent_role=CompanyOpinion.RespondentRole.TUTOR,
    )
    audit_log(
        action="cqpm.opinion.respondent_named",
        obj=opinion,
        by=staff,
        data={"before": None, "after": {"respondent": tutor.email, "role": "tutor"}},
        registration_id=registration.pk,
        centre_id=registration.campaign.centre_id,
    )
    _answer(registration, opinion, tutor, state)


def _answer(registration: Registration, opinion: CompanyOpinion, tutor: Any, state: str) -> None:
    capacities = list(registration.campaign.referential.capacities.all())
    weak = registration.stage == Stage.NOT_ADMISSIBLE
    answers = OpinionAnswers(
        overall_comment="Salarié impliqué, autonome sur ses dossiers (démonstration).",
        capacities={
            c.pk: Answer(
                "not_mastered" if weak and c.number == 1 else "mastered",
                f"Observé sur les affaires suivies en {2025 + c.number % 2}.",
            )
            for c in capacities
        },
    )
    if state == "draft":
        partial = OpinionAnswers(
            overall_comment="", capacities=dict(list(answers.capacities.items())[:2])
        )
        opinion_save(opinion=opinion, answers=partial, revision=opinion.revision, by=tutor)
    else:
        opinion_submit(opinion=opinion, answers=answers, revision=opinion.revision, by=tutor)


def _session(campaign: Campaign, staff: Any, evaluator: Any) -> CommissionSession:
    session = CommissionSession.objects.filter(campaign=campaign, place=DEMO_PLACE).first()
    if session is None:
        session = commission_session_create(
            campaign=campaign,
            date=campaign.commission_starts,
            place=DEMO_PLACE,
            evaluators=[evaluator],
            by=staff,
        )
    return session


def _assign_and_interview(
    session: CommissionSession, registration: Registration, staff: Any, evaluator: Any
) -> None:
    if not CommissionAssignment.objects.filter(registration=registration).exists():
        commission_assign(session=session, registration=registration, by=staff)
    if Interview.objects.filter(registration=registration).exists():
        return
    capacities = registration.campaign.referential.capacities.all()
    interview_record(
        registration=registration,
        date=session.date,
        evaluators=[evaluator],
        general_notes="Entretien d'une heure ; le candidat présente deux affaires (démonstration).",
        notes={c.pk: f"Capacité {c.number} : exemples concrets donnés." for c in capacities},
        by=evaluator,
    )
