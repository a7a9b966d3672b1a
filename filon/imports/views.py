"""The staff's import pages: upload → preview → confirm, and the merge review."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.directory.models import Person
from filon.directory.privacy import staff_required
from filon.imports.actions import MergeRefused, import_file, keep_separate, merge_people
from filon.imports.base import sha256
from filon.imports.forms import UploadForm
from filon.imports.models import ImportRun, MatchCandidate, MatchStatus, RunStatus
from filon.imports.queries import pending_candidates, pending_count, recent_runs
from filon.imports.sources import make_importer

PREVIEW_ROWS = 200
UPLOAD_TTL_SECONDS = 24 * 3600


def upload_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_TTL_SECONDS
    for path in folder.glob("*.upload"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stored(run: ImportRun) -> Path | None:
    if not run.stored_name:
        return None
    path = upload_dir() / run.stored_name
    return path if path.exists() else None


def _preview(run: ImportRun, data: bytes) -> dict[str, Any]:
    """A dry run of the stored file: the report shown before the staff confirms."""
    try:
        importer = make_importer(run.kind, run.options)
    except ValueError as exc:
        return {"error": str(exc)}
    report = import_file(None, importer, data, run.filename, dry_run=True, origin="web")
    out = report.as_dict(items=False)
    out["items"] = [
        i.as_dict() | {"status_label": i.status_label} for i in report.changed[:PREVIEW_ROWS]
    ]
    out["more"] = max(0, len(report.changed) - PREVIEW_ROWS)
    return out


@require_http_methods(["GET", "POST"])
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        folder = upload_dir()
        _forget_old_uploads(folder)
        stored = f"{secrets.token_urlsafe(24)}.upload"
        (folder / stored).write_bytes(data)
        options: dict[str, Any] = {}
        if form.cleaned_data.get("member"):
            options["member"] = form.cleaned_data["member"].lower()
        if form.cleaned_data.get("mapping_text"):
            options["mapping"] = form.cleaned_data["mapping_text"]
        run = ImportRun(
            kind=form.cleaned_data["kind"],
            filename=Path(upload.name or "fichier").name[:255],
            sha256=sha256(data),
            actor=request.user if request.user.is_authenticated else None,
            origin="web",
            options=options,
            stored_name=stored,
        )
        # Saved with its preview, never before: no run waits for a confirmation it cannot have.
        run.report = _preview(run, data)
        run.save()
        return redirect("imports:run", pk=run.pk)
    context = {"form": form, "runs": recent_runs(), "pending": pending_count()}
    return render(request, "imports/home.html", context)


@require_GET
@staff_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("actor"), pk=pk)
    report = run.report or {}
    can_confirm = (
        run.status == RunStatus.PREVIEW
        and not report.get("errors")
        and not report.get("error")
        and _stored(run) is not None
    )
    context = {"run": run, "report": report, "can_confirm": can_confirm, "pending": pending_count()}
    return render(request, "imports/run.html", context)


@require_POST
@staff_required
def run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    path = _stored(run)
    if run.status != RunStatus.PREVIEW or path is None:
        messages.error(request, _("Ce fichier n'est plus disponible : déposez-le à nouveau."))
        return redirect("imports:home")
    data = path.read_bytes()
    try:
        importer = make_importer(run.kind, run.options)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("imports:run", pk=run.pk)
    # Run again for real: the directory may have changed since the preview.
    report = import_file(request.user, importer, data, run.filename, origin="web", run=run)
    if not report.written:
        run.report = _preview(run, data)
        run.save(update_fields=["report"])
        messages.error(request, _("Des lignes sont invalides : rien n'a été enregistré."))
        return redirect("imports:run", pk=run.pk)
    path.unlink(missing_ok=True)
    run.stored_name = ""
    run.save(update_fields=["stored_name"])
    c = report.counts
    messages.success(
        request,
        _(
            "%(name)s importé : %(created)s fiche(s) créée(s), %(updated)s mise(s) à jour, "
            "%(merged)s fusionnée(s), %(unchanged)s inchangée(s)."
        )
        % {"name": run.filename, **c},
    )
    return redirect("imports:run", pk=run.pk)


@require_GET
@staff_required
def merges(request: HttpRequest) -> HttpResponse:
    return render(request, "imports/merges.html", {"candidates": pending_candidates()})


@require_POST
@staff_required
def merge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        MatchCandidate.objects.select_related("existing", "incoming"),
        pk=pk,
        status=MatchStatus.PENDING,
    )
    decision = request.POST.get("decision", "")
    if decision == "separate":
        keep_separate(request.user, candidate)
        messages.success(request, _("Les deux fiches restent distinctes."))
        return redirect("imports:merges")
    if decision not in ("keep_existing", "keep_incoming"):
        raise Http404
    keep: Person = candidate.existing if decision == "keep_existing" else candidate.incoming
    drop: Person = candidate.incoming if decision == "keep_existing" else candidate.existing
    name = drop.full_name
    try:
        kept = merge_people(request.user, keep, drop)
    except MergeRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:merges")
    messages.success(
        request,
        _("Fiches fusionnées : %(drop)s est réunie avec %(keep)s.")
        % {"drop": name, "keep": kept.full_name},
    )
    return redirect("imports:merges")
