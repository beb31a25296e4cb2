"""The paritaire jury composed by the rules (DESIGN.md §5.5, issue 20 part 4).

A jury seats both colleges (employers and employees), one president and at least
`settings.JURY_QUORUM` members: checked on its seats when staff convene it, on its members
present when it deliberates, and on the members who may decide when it decides on a candidate.
A member who works for a candidate's company is kept out of that candidate's decision, as an
evaluator is never given a candidate of their own company (evaluations.services.commissions):
the recusal is written once (JuryRecusal), audited and shown on the minutes. Refusals name the
rule, in French.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import CentreMembership, Registration
from cqpm.core.errors import DomainError

from ..models import JuryMember, JuryRecusal, JurySession
from ._jury import audit_jury

College = CentreMembership.College


def jury_quorum() -> int:
    """The fewest members a jury sits with (JURY_QUORUM, at least one per college)."""
    return max(int(getattr(settings, "JURY_QUORUM", 2)), len(College.values))


def _missing_colleges(members: Iterable[JuryMember]) -> list[str]:
    seated = {m.college for m in members}
    return [str(label).lower() for value, label in College.choices if value not in seated]


def jury_composition_check(*, members: Sequence[JuryMember]) -> None:
    """The seats of a jury being convened: both colleges, a president, the quorum; raises
    DomainError (code "composition") naming every rule broken."""
    quorum = jury_quorum()
    gaps = [
        _("le %(college)s n'y est pas représenté") % {"college": college}
        for college in _missing_colleges(members)
    ]
    if not any(m.is_president for m in members):
        gaps.append(_("il n'a pas de président"))
    if len(members) < quorum:
        gaps.append(
            _("il ne compte que %(count)s membre(s) pour un quorum de %(quorum)s")
            % {"count": len(members), "quorum": quorum}
        )
    if gaps:
        raise DomainError(
            _(
                "Composition du jury non conforme : %(gaps)s. Un jury paritaire réunit les deux "
                "collèges (employeurs et salariés), un président et au moins %(quorum)s membres."
            )
            % {"gaps": " ; ".join(gaps), "quorum": quorum},
            code="composition",
        )


def jury_presence_check(*, members: Sequence[JuryMember]) -> None:
    """The members present when deliberation opens: both colleges, the president among them,
    the quorum; raises DomainError naming the rule."""
    present = [m for m in members if m.present]
    missing = _missing_colleges(present)
    if missing:
        raise DomainError(
            _(
                "La délibération ne peut commencer que si les deux collèges sont présents "
                "(règle du jury paritaire) : aucun membre présent pour le %(colleges)s."
            )
            % {"colleges": " et le ".join(missing)},
            code="colleges_missing",
        )
    president = next((m for m in members if m.is_president), None)
    if president is None:
        raise DomainError(_("Le jury n'a pas de président : désignez-en un."), code="composition")
    if not president.present:
        raise DomainError(
            _("Le président du jury doit avoir émargé pour ouvrir la délibération."),
            code="composition",
        )
    quorum = jury_quorum()
    if len(present) < quorum:
        raise DomainError(
            _(
                "Quorum non atteint : %(count)s membre(s) présent(s), il en faut au moins "
                "%(quorum)s (règle du quorum du jury)."
            )
            % {"count": len(present), "quorum": quorum},
            code="quorum",
        )


# --- Conflicts of interests ----------------------------------------------------------------------


def jury_conflicts(
    *, session: JurySession, registrations: Iterable[Registration] | None = None
) -> list[tuple[JuryMember, Registration, str]]:
    """(member, registration, company name) for every member working for the company of a
    candidate before this jury (their jury membership's company), in two queries."""
    members = list(session.members.select_related("user"))
    companies = {
        m.user_id: (m.company_id, m.company.name if m.company else "")
        for m in CentreMembership.objects.filter(
            centre_id=session.campaign.centre_id,
            role=CentreMembership.Role.JURY,
            user_id__in=[m.user_id for m in members],
            company__isnull=False,
        ).select_related("company")
        if m.company is not None
    }
    if not companies:
        return []
    candidates = Registration.objects.filter(
        jury_seats__session=session, company_id__isnull=False
    ).select_related("candidate")
    if registrations is not None:
        candidates = candidates.filter(pk__in=[r.pk for r in registrations])
    return [
        (member, registration, companies[member.user_id][1])
        for registration in candidates.order_by("pk")
        for member in members
        if companies.get(member.user_id, (None,))[0] == registration.company_id
    ]


def jury_recusals_record(
    *, session: JurySession, by: User, registrations: Iterable[Registration] | None = None
) -> list[JuryRecusal]:
    """Keep every member out of the decision on a candidate of their own company: one
    JuryRecusal each, audited (cqpm.jury.member.recused); safe to repeat. Returns the new ones."""
    done = set(
        JuryRecusal.objects.filter(session=session).values_list("member_id", "registration_id")
    )
    created = []
    for member, registration, company in jury_conflicts(
        session=session, registrations=registrations
    ):
        if (member.pk, registration.pk) in done:
            continue
        recusal = JuryRecusal.objects.create(
            session=session, member=member, registration=registration, company_name=company
        )
        audit_jury(
            "cqpm.jury.member.recused",
            session,
            by,
            session,
            {"user": member.user_id, "college": member.college, "company": company},
            reg_id=registration.pk,
        )
        created.append(recusal)
    return created


def _conflict_message(member: JuryMember, registration: Registration, company: str) -> str:
    return _(
        "Conflit d'intérêts : %(member)s travaille chez %(company)s, l'entreprise de "
        "%(candidate)s. Un membre du jury ne prend pas part à la décision sur un candidat de sa "
        "propre entreprise."
    ) % {"member": member.user, "company": company, "candidate": registration.candidate}


def jury_decision_composition_check(
    *, session: JurySession, registration: Registration, seat: JuryMember, by: User
) -> None:
    """Before a decision on `registration`: the recusals are recorded, `seat` is not one of
    them, and the members present who may decide still form a jury (both colleges, quorum);
    raises DomainError (code "conflict_of_interest" or "composition")."""
    jury_recusals_record(session=session, by=by, registrations=[registration])
    recused = {
        r.member_id: r
        for r in JuryRecusal.objects.filter(session=session, registration=registration)
        .select_related("member__user")
        .order_by("pk")
    }
    if seat.pk in recused:
        raise DomainError(
            _conflict_message(seat, registration, recused[seat.pk].company_name),
            code="conflict_of_interest",
        )
    if not recused:
        return
    voters = [m for m in session.members.all() if m.present and m.pk not in recused]
    missing = _missing_colleges(voters)
    quorum = jury_quorum()
    if missing or len(voters) < quorum:
        names = ", ".join(str(r.member.user) for r in recused.values())
        raise DomainError(
            _(
                "Sans %(names)s, écarté(s) pour conflit d'intérêts, le jury ne réunit plus "
                "les deux collèges et le quorum de %(quorum)s membres présents pour décider "
                "de %(candidate)s (règle du jury paritaire) : présentez ce candidat à un autre "
                "jury."
            )
            % {"names": names, "quorum": quorum, "candidate": registration.candidate},
            code="composition",
        )


def jury_recusal_refusal(
    *, session: JurySession, registration: Registration, user: User
) -> DomainError | None:
    """The refusal for `user` if they are kept out of the decision on `registration`."""
    recusal = (
        JuryRecusal.objects.filter(session=session, registration=registration, member__user=user)
        .select_related("member__user")
        .first()
    )
    if recusal is None:
        return None
    return DomainError(
        _conflict_message(recusal.member, registration, recusal.company_name),
        code="conflict_of_interest",
    )
