"""Bulk import pages of a campaign: upload, preview (or every error), confirm.

Only staff of the campaign's centre reach them (anyone else: 404). The uploaded file waits in
the file storage under imports/ with a random name; the session remembers which campaign and
which hash it belongs to, so a token is of no use to another user or another campaign.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cqpm.core.errors import DomainError, add_to_form

from .importing import DIFFERENT, SAME, ImportRefused, registrations_import
from .importing.reading import MAX_BYTES
from .importing.template import (
    ALL_COLUMNS,
    accepted_values,
    stage_note,
    template_csv,
    template_xlsx,
)
from .importing.uploads import EXTENSIONS, upload_discard, upload_read, upload_store
from .lifecycle import campaign_ensure_accepts_registration, registration_mode
from .views._fetch import campaign_for, staff_required

SESSION_KEY = "cqpm_pending_imports"
PREVIEW_ROWS = 20


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier des candidats"),
        help_text=gettext_lazy("CSV (séparateur ; ou ,) ou classeur XLSX, 20 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    late_reason = forms.CharField(
        label=gettext_lazy("Motif de l'inscription tardive"),
        help_text=gettext_lazy("Les évaluations ont commencé : le motif est obligatoire."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["late_reason"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in EXTENSIONS:
            raise forms.ValidationError(_("Envoyez un fichier .csv ou .xlsx."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        return upload


def _remember(request, campaign, upload, late_reason: str) -> str:
    extension = upload.name.rsplit(".", 1)[-1].lower()
    stored = upload_store(data=upload.read(), extension=extension)
    pending = request.session.get(SESSION_KEY, {})
    pending[stored.token] = {
        "campaign": campaign.pk,
        "name": upload.name[:200],
        "extension": extension,
        "sha256": stored.sha256,
        "late_reason": late_reason,
    }
    request.session[SESSION_KEY] = pending
    return stored.token


def _pending(request, campaign, token) -> tuple[dict, bytes]:
    """The file this user uploaded for this campaign, unchanged; 404 otherwise."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry["campaign"] != campaign.pk:
        raise Http404
    try:
        data = upload_read(token=token, extension=entry["extension"], sha256=entry["sha256"])
    except FileNotFoundError as exc:
        _forget(request, token)
        raise Http404 from exc
    return entry, data


def _forget(request, token) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry is not None:
        upload_discard(token=token, extension=entry["extension"])


def _refused(request, campaign, token, refusal: ImportRefused):
    _forget(request, token)
    context = {"campaign": campaign, "refusal": refusal}
    return render(request, "candidates/import_errors.html", context)


@staff_required
def import_upload(request, pk):
    campaign = campaign_for(request, pk)
    mode = registration_mode(campaign=campaign)
    form = ImportUploadForm(request.POST or None, request.FILES or None, late=mode == "late")
    refusal = ""
    try:
        campaign_ensure_accepts_registration(campaign=campaign, late_reason="-")
    except DomainError as exc:
        refusal = exc.message  # the page says why and offers no upload
    if request.method == "POST" and not refusal and form.is_valid():
        late_reason = form.cleaned_data.get("late_reason", "")
        try:
            late_reason = campaign_ensure_accepts_registration(
                campaign=campaign, late_reason=late_reason
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            token = _remember(request, campaign, form.cleaned_data["file"], late_reason)
            return redirect("candidates:import_preview", pk=campaign.pk, token=token)
    elif request.method == "POST" and refusal:
        messages.error(request, refusal)
    return render(
        request,
        "candidates/import_upload.html",
        {
            "campaign": campaign,
            "form": form,
            "columns": ALL_COLUMNS,
            "refusal": refusal,
            "accepted": accepted_values(),
            "stage_note": stage_note(),
        },
    )


TEMPLATES = {
    "csv": (template_csv, "text/csv; charset=utf-8"),
    "xlsx": (template_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@staff_required
def import_template(request, pk, fmt):
    """The file to fill in: the import's header and one example row that imports as it is."""
    campaign_for(request, pk)
    if fmt not in TEMPLATES:
        raise Http404
    build, content_type = TEMPLATES[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-import-candidats.{fmt}"'
    return response


def _choices(request) -> tuple[dict[int, str], set[int]]:
    """Staff's per-line choices posted from the preview: homonyms and contact updates."""
    homonyms: dict[int, str] = {}
    updates: set[int] = set()
    for name, value in request.POST.items():
        kind, _sep, line = name.partition("_")
        if not line.isdigit() or len(line) > 7:
            continue
        if kind == "homonym" and (value in (SAME, DIFFERENT) or value.startswith(SAME + ":")):
            homonyms[int(line)] = value[:40]
        elif kind == "update" and value == "1":
            updates.add(int(line))
    return homonyms, updates


@staff_required
def import_preview(request, pk, token):
    campaign = campaign_for(request, pk)
    entry, data = _pending(request, campaign, token)
    try:
        report = registrations_import(
            campaign=campaign,
            file=data,
            filename=entry["name"],
            by=request.user,
            dry_run=True,
            late_reason=entry.get("late_reason", ""),
        )
    except ImportRefused as refusal:
        return _refused(request, campaign, token, refusal)
    except DomainError as exc:
        _forget(request, token)
        messages.error(request, exc.message)
        return redirect("candidates:import_upload", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "report": report,
        "rows": report.rows[:PREVIEW_ROWS],
        "token": token,
    }
    return render(request, "candidates/import_preview.html", context)


@staff_required
@require_POST
def import_confirm(request, pk, token):
    campaign = campaign_for(request, pk)
    entry, data = _pending(request, campaign, token)
    homonyms, updates = _choices(request)
    try:
        report = registrations_import(
            campaign=campaign,
            file=data,
            filename=entry["name"],
            by=request.user,
            homonyms=homonyms,
            contact_updates=updates,
            late_reason=entry.get("late_reason", ""),
        )
    except ImportRefused as refusal:
        if all(issue.code == "homonym" for issue in refusal.issues):
            for issue in refusal.issues:
                messages.error(request, str(issue))
            return redirect("candidates:import_preview", pk=campaign.pk, token=token)
        return _refused(request, campaign, token, refusal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("candidates:import_preview", pk=campaign.pk, token=token)
    _forget(request, token)
    messages.success(
        request,
        _("%(count)d candidats inscrits à la campagne depuis « %(name)s ».")
        % {"count": report.count, "name": entry["name"]},
    )
    return redirect("candidates:registration_list", pk=campaign.pk)


@staff_required
@require_POST
def import_cancel(request, pk, token):
    campaign = campaign_for(request, pk)
    _forget(request, token)
    messages.info(request, _("Import abandonné : rien n'a été écrit."))
    return redirect("candidates:campaign_detail", pk=campaign.pk)
