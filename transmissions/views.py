"""The tracker of the transmission to the GTP: list, one session's page, its actions and
downloads. Staff of the session's centre only; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from cqpm.core.access import holds
from cqpm.core.actions import object_action, run_action
from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404

from . import selectors
from .forms import AcknowledgementForm, SendingForm
from .services import pack_prepare, pack_rebuild, pack_record_sending, pack_sending_acknowledge

PAGE_SIZE = 50


@login_required
@require_GET
def tracker_list(request):
    if not holds(request.user, "pack.manage"):
        raise Http404
    page = Paginator(selectors.tracker_rows_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "transmissions/tracker_list.html", {"page": page, "today": timezone.localdate()}
    )


def _session(request, pk: int):
    return get_scoped_or_404(selectors.session_list_for(user=request.user), pk=pk)


@login_required
def tracker(request, pk: int):
    session = _session(request, pk)
    pack = selectors.pack_or_none(session=session)
    form = SendingForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if pack is None:
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["acknowledgement"]
            try:
                pack_record_sending(
                    pack=pack,
                    sent_on=form.cleaned_data["sent_on"],
                    channel=form.cleaned_data["channel"],
                    note=form.cleaned_data["note"],
                    acknowledgement=upload,
                    acknowledgement_name=upload.name if upload else "",
                    by=request.user,
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("L'envoi au GTP est enregistré."))
                return redirect("transmissions:tracker", pk=session.pk)
    context = {
        "session": session,
        "pack": pack,
        "form": form,
        "sendings": pack.sendings.select_related("recorded_by") if pack else [],
        "acknowledgement_form": AcknowledgementForm(),
        "changes": selectors.pack_changes(pack=pack) if pack else [],
        "pending": selectors.pending_documents(session=session) if pack and pack.outdated else [],
        "today": timezone.localdate(),
    }
    return render(request, "transmissions/tracker.html", context)


prepare = login_required(
    object_action(
        lambda request, pk: _session(request, pk),
        lambda session, by: pack_prepare(session=session, by=by),
        success=_lazy("La transmission est ouverte : le dossier se prépare."),
        back=lambda session: reverse("transmissions:tracker", args=[session.pk]),
    )
)


@login_required
@require_POST
def rebuild(request, pk: int):
    session = _session(request, pk)
    pack = selectors.pack_or_none(session=session)
    if pack is None:
        raise Http404
    run_action(
        request,
        lambda: pack_rebuild(pack=pack, by=request.user),
        success=_("Le dossier va être reconstitué avec les documents à jour."),
    )
    return redirect("transmissions:tracker", pk=session.pk)


@login_required
@require_POST
def acknowledgement_add(request, pk: int):
    """The GTP's acknowledgement of receipt, arrived after the sending was recorded."""
    sending = get_scoped_or_404(selectors.sending_list_for(user=request.user), pk=pk)
    acknowledge_from_form(request, sending)
    return redirect("transmissions:tracker", pk=sending.pack.session_id)


def acknowledge_from_form(request, sending) -> None:
    """Attach the posted acknowledgement through the transmissions service (centre or GTP)."""
    form = AcknowledgementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez l'accusé de réception à déposer."))
    else:
        upload = form.cleaned_data["acknowledgement"]
        run_action(
            request,
            lambda: pack_sending_acknowledge(
                sending=sending,
                acknowledgement=upload,
                acknowledgement_name=upload.name,
                by=request.user,
            ),
            success=_("L'accusé de réception est joint à l'envoi."),
        )


@login_required
@require_GET
def download(request, pk: int):
    packs = selectors.pack_list_for(user=request.user).exclude(archive="")
    pack = get_scoped_or_404(packs, session_id=pk)
    name = f"transmission-gtp-jury-{pack.session.date:%Y-%m-%d}-v{pack.version}.zip"
    return _attachment(pack.archive, name, "application/zip")


@login_required
@require_GET
def acknowledgement(request, pk: int):
    sending = get_scoped_or_404(
        selectors.sending_list_for(user=request.user).exclude(acknowledgement=""), pk=pk
    )
    name = sending.acknowledgement.name.rsplit("/", 1)[-1]
    content_type = "application/pdf" if name.endswith(".pdf") else "image/png"
    return _attachment(sending.acknowledgement, name, content_type)


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
