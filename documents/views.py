"""Staff pages of a jury session's documents, downloads, and the public verification page."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.lifecycle import Activity, campaign_allows, refusal_message
from candidates.models import Registration
from cqpm.core.actions import object_action, run_action
from cqpm.core.clientip import client_ip
from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404
from cqpm.core.ratelimit import Rate, limit
from cqpm.core.registry import document_page_extras

from . import selectors, services, signatures
from .file_check import pdf_file_check
from .kinds import codes_where, find_kind, kind_of
from .models import Document

VERIFY_RATE = Rate(amount=30, window=60)  # lookups per client address per minute


@login_required
@require_GET
def session_documents(request, pk: int):
    session = get_scoped_or_404(selectors.jury_session_list_for(user=request.user), pk=pk)
    context = _panel_context(session)
    context["revoked"] = selectors.revoked_documents(jury_session=session)
    # Offered as the service allows it: a closed jury, a campaign whose status allows documents
    # (not one sent back from the jury).
    allowed = campaign_allows(campaign=session.campaign, activity=Activity.DOCUMENTS)
    context["can_generate"] = session.is_closed and allowed
    if session.is_closed and not allowed:
        context["refusal"] = refusal_message(campaign=session.campaign, activity=Activity.DOCUMENTS)
    minutes = selectors.live_minutes(jury_session=session)
    context["minutes"] = minutes
    if minutes is not None and minutes.status == Document.Status.READY:
        context["signature_lines"] = signatures.minutes_signature_lines(document=minutes)
    return render(request, "documents/session_documents.html", context)


@login_required
@require_GET
def batch_progress(request, pk: int):
    session = get_scoped_or_404(selectors.jury_session_list_for(user=request.user), pk=pk)
    return render(request, "documents/_progress.html", _panel_context(session))


def _panel_context(session) -> dict:
    """The documents table and the latest batch's progress; `polling` while work is pending."""
    rows = selectors.session_document_rows(jury_session=session)
    batch = selectors.latest_batch(jury_session=session)
    progress = selectors.batch_progress(batch=batch) if batch else None
    current = progress is not None and selectors.archive_is_current(batch=batch, progress=progress)
    pending = any(
        row.document and row.document.status in (Document.Status.QUEUED, Document.Status.RUNNING)
        for row in rows
    )
    return {
        "session": session,
        "rows": rows,
        "batch": batch,
        "progress": progress,
        # The previous ZIP stays offered until the new one is ready.
        "archive": batch if current else selectors.latest_archive(jury_session=session),
        "archive_is_current": current,
        "polling": pending or (progress is not None and not current),
    }


def _session_for(request, pk: int):
    return get_scoped_or_404(selectors.jury_session_list_for(user=request.user), pk=pk)


batch_create = login_required(
    object_action(
        _session_for,
        lambda session, by: services.batch_request(jury_session=session, by=by),
        success=_lazy("La génération de tous les documents est lancée."),
        back=lambda session: reverse("documents:session", args=[session.pk]),
        confirm=lambda request, session: confirmation(
            request,
            title=_("Générer tous les documents du jury"),
            readiness=selectors.batch_readiness(jury_session=session),
            confirm_label=_("Confirmer la génération"),
            cancel_url=reverse("documents:session", args=[session.pk]),
        ),
    )
)


@login_required
@require_POST
def document_create(request, pk: int):
    session = get_scoped_or_404(selectors.jury_session_list_for(user=request.user), pk=pk)
    kind = request.POST.get("kind", "")
    try:
        declared = find_kind(kind)
        if declared is not None and declared.for_session:
            services.document_request(kind=kind, jury_session=session, by=request.user)
        else:
            registration = get_scoped_or_404(
                Registration.objects.filter(decisions__session=session).distinct(),
                pk=request.POST.get("registration"),
            )
            services.document_request(kind=kind, registration=registration, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le document est en cours de génération."))
    return redirect("documents:session", pk=session.pk)


document_retry = login_required(
    object_action(
        lambda request, pk: get_scoped_or_404(
            selectors.document_list_for(user=request.user), pk=pk
        ),
        lambda document, by: services.document_retry(document=document, by=by),
        success=_lazy("La génération du document est relancée."),
        back=lambda document: reverse("documents:session", args=[document.jury_session_id]),
    )
)


@login_required
@require_GET
def document_download(request, pk: int):
    document = get_scoped_or_404(
        selectors.document_list_for(user=request.user).filter(status=Document.Status.READY), pk=pk
    )
    return _attachment(document.file, document.download_name, "application/pdf")


@login_required
@require_GET
def convocation_print(request, pk: int):
    """The convocation kept to print for a candidate without an e-mail address (staff)."""
    convocation = get_scoped_or_404(
        selectors.printable_convocation_list_for(user=request.user), pk=pk
    )
    return _attachment(convocation.printable, convocation.download_name, "application/pdf")


@login_required
@require_GET
def batch_download(request, pk: int):
    batch = get_scoped_or_404(
        selectors.batch_list_for(user=request.user).exclude(archive=""), pk=pk
    )
    name = f"documents-jury-{batch.jury_session.date:%Y-%m-%d}-lot-{batch.pk}.zip"
    return _attachment(batch.archive, name, "application/zip")


def _attachment(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public verification -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@limit(
    "documents.verify",
    per_address=VERIFY_RATE,
    message=_lazy(
        "Trop de vérifications ont été demandées depuis votre adresse. Réessayez dans une minute."
    ),
)
def verify_form(request):
    """A printed code (GET), or an uploaded PDF (POST) whose seal and hash are checked."""
    if request.method == "POST":
        return _verify_file(request)
    code = request.GET.get("code", "").strip().lower()
    if code:
        return redirect("documents:verify", code=code)
    return render(request, "documents/verify_form.html")


def _verify_file(request):
    upload = request.FILES.get("fichier")
    error = None
    if upload is None:
        error = _("Choisissez le fichier PDF à vérifier.")
    elif upload.size > settings.PDF_VERIFY_MAX_BYTES:
        error = _("Le fichier dépasse %(mb)s Mo : ce n'est pas un document que nous émettons.") % {
            "mb": settings.PDF_VERIFY_MAX_BYTES // (1024 * 1024)
        }
    if error:
        return render(request, "documents/verify_form.html", {"file_error": error}, status=400)
    check = pdf_file_check(data=upload.read())
    context = {"check": check, "name": upload.name[:120]}
    if check.document is not None:
        context |= _verification_context(check.document)
    return render(request, "documents/verify_file.html", context)


@require_GET
@limit(
    "documents.verify",
    per_address=VERIFY_RATE,
    message=_lazy(
        "Trop de vérifications ont été demandées depuis votre adresse. Réessayez dans une minute."
    ),
)
def verify(request, code: str):
    document = selectors.document_for_verification(code=code)
    if document is None:
        return render(request, "documents/verify_unknown.html", status=404)
    return render(request, "documents/verify.html", _verification_context(document))


def _verification_context(document: Document) -> dict:
    """Only what the page may show: holder, qualification, decision and date, validity."""
    session = document.jury_session
    holder = None
    if document.registration_id:
        candidate = document.registration.candidate
        holder = " ".join(
            [candidate.get_civility_display(), candidate.first_name, candidate.last_name.upper()]
        )
    return {
        "kind": kind_of(document.kind).verifier,
        # Valid only if delivered, not revoked, and what it states is still the jury's decision.
        "is_valid": document.status == Document.Status.READY and document.is_current,
        "is_revoked": document.status == Document.Status.REVOKED,
        "revoked_at": document.revoked_at,
        "holder": holder,
        "referential": session.campaign.referential,
        "decision": document.decision.get_outcome_display() if document.decision_id else None,
        "decision_date": session.date,
        "capacities_until": _capacities_until(document),
        "blocks": (
            selectors.validated_block_lines(
                registration_id=document.registration_id,
                jury_date=session.date,
                on=timezone.localdate(),
            )
            if kind_of(document.kind).states_capacities and document.registration_id
            else []
        ),
        "today": timezone.localdate(),
        "verify_form_url": reverse("documents:verify_form"),
        # What later apps add (cqpm.core.registry, document extras): e.g. the credential.
        "extras": [html for c in document_page_extras() if (html := c.provider(document))],
    }


def _capacities_until(document: Document):
    """For a notice of acquired capacities: the end of their validity (the latest one), which
    the page shows as expired once past; None for other documents."""
    if not kind_of(document.kind).states_capacities or not document.registration_id:
        return None
    return selectors.acquired_valid_until(registration_id=document.registration_id)


# --- The jury signs its minutes ------------------------------------------------------------


def _mfa_confirmed_at(request):
    """When this session last passed a two-factor check (allauth records each authentication
    method in the session: the login's TOTP step, or a reauthentication), else None."""
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    times = [r.get("at") for r in records if r.get("method") == "mfa" and r.get("at")]
    if not times:
        return None
    return datetime.datetime.fromtimestamp(max(times), tz=datetime.UTC)


def _is_fresh(confirmed_at) -> bool:
    timeout = datetime.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)
    return confirmed_at is not None and confirmed_at >= timezone.now() - timeout


@login_required
@require_http_methods(["GET", "POST"])
def minutes_sign(request, pk: int):
    document = get_scoped_or_404(selectors.minutes_to_sign_for(user=request.user), pk=pk)
    confirmed_at = _mfa_confirmed_at(request)
    if request.method == "POST":
        if not _is_fresh(confirmed_at):
            messages.warning(
                request, _("Confirmez votre identité par votre code à deux facteurs pour signer.")
            )
            return redirect(_reauthenticate_url(request))
        if request.POST.get("statement") != "on":
            messages.error(request, _("Cochez la déclaration pour signer."))
            return redirect("documents:sign", pk=pk)
        done = run_action(
            request,
            lambda: signatures.minutes_sign(
                document=document,
                by=request.user,
                confirmed_at=confirmed_at,
                client_ip=client_ip(request),
                sha256=request.POST.get("sha256", ""),
            ),
            success=_("Votre signature est enregistrée."),
        )
        if done:
            return redirect("home")
        return redirect("documents:sign", pk=pk)
    lines = signatures.minutes_signature_lines(document=document)
    mine = [line for line in lines if line.member.user_id == request.user.pk]
    return render(
        request,
        "documents/minutes_sign.html",
        {
            "document": document,
            "session": document.jury_session,
            "lines": lines,
            "mine": mine,
            "pending": [line for line in mine if line.signature is None],
            "statements": [
                signatures.minutes_statement(document=document, role=line.role, user=request.user)
                for line in mine
                if line.signature is None
            ],
            "fresh": _is_fresh(confirmed_at),
            "reauthenticate_url": _reauthenticate_url(request),
        },
    )


def _reauthenticate_url(request) -> str:
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.path})}"


@login_required
@require_GET
def minutes_download_for_signature(request, pk: int):
    document = get_scoped_or_404(selectors.minutes_to_sign_for(user=request.user), pk=pk)
    return _attachment(document.file, document.download_name, "application/pdf")


@login_required
@require_POST
def minutes_remind(request, pk: int):
    document = get_scoped_or_404(
        selectors.document_list_for(user=request.user).filter(
            kind__in=codes_where(signed_by_jury=True)
        ),
        pk=pk,
    )
    run_action(
        request,
        lambda: signatures.minutes_signatures_remind(document=document, by=request.user),
        success=_("Les membres du jury qui n'ont pas signé ont été relancés par e-mail."),
    )
    return redirect("documents:session", pk=document.jury_session_id)
