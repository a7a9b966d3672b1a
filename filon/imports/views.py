"""The staff's import pages: upload → preview → confirm, and the merge review."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.directory.models import Person
from filon.directory.privacy import staff_required
from filon.imports.actions import (
    MergeRefused,
    import_file,
    keep_separate,
    merge_people,
    stored_report,
)
from filon.imports.base import sha256
from filon.imports.forms import UploadForm
from filon.imports.models import ImportRun, MatchCandidate, MatchStatus, RunStatus
from filon.imports.queries import pending_candidates, pending_count, recent_runs
from filon.imports.sources import make_importer, upload_dir
from filon.imports.tasks import preview_upload, run_preview
from filon.ops.queue import can_defer, enqueue

UPLOAD_TTL_SECONDS = 24 * 3600
#: Files with more lines than this are previewed by the task queue, with a progress bar.
QUEUE_FROM_LINES = 2000


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


def _store(data: bytes) -> str:
    folder = upload_dir()
    _forget_old_uploads(folder)
    stored = f"{secrets.token_urlsafe(24)}.upload"
    (folder / stored).write_bytes(data)
    return stored


@require_http_methods(["GET", "POST"])
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else None
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        options: dict[str, Any] = {}
        if form.cleaned_data.get("member"):
            options["member"] = form.cleaned_data["member"].lower()
        if form.cleaned_data.get("mapping_text"):
            options["mapping"] = form.cleaned_data["mapping_text"]
        if form.cleaned_data.get("funding_layout"):
            options["mapping_name"] = form.cleaned_data["funding_layout"]
        if form.cleaned_data.get("projects") is not None:
            projects = form.cleaned_data["projects"]
            options["projects"] = _store(b"".join(projects.chunks()))
            options["projects_name"] = Path(projects.name or "project.csv").name[:100]
        run = ImportRun(
            kind=form.cleaned_data["kind"],
            filename=Path(upload.name or "fichier").name[:255],
            sha256=sha256(data),
            actor=request.user if request.user.is_authenticated else None,
            origin="web",
            options=options,
            stored_name=_store(data),
        )
        if can_defer() and data.count(b"\n") >= QUEUE_FROM_LINES:
            # A large file: the worker previews it while the page shows its progress.
            run.report = {"pending": True, "items": [], "total": 0, "done": 0}
            run.save()
            enqueue(preview_upload, run.pk)
        else:
            # Saved with its preview: no run waits for a confirmation it cannot have.
            run.report = {"pending": True, "items": []}
            run.save()
            run_preview(run.pk)
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
        and not report.get("pending")
        and not report.get("errors")
        and not report.get("error")
        and _stored(run) is not None
    )
    context = {"run": run, "report": report, "can_confirm": can_confirm, "pending": pending_count()}
    return render(request, "imports/run.html", context)


@require_GET
@staff_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview's progress bar, polled by the page; once done, the page reloads."""
    run = get_object_or_404(ImportRun, pk=pk)
    report = run.report or {}
    if not report.get("pending"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", {"run": run, "report": report})


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
        run.report = stored_report(report)
        run.save(update_fields=["report"])
        messages.error(request, _("Des lignes sont invalides : rien n'a été enregistré."))
        return redirect("imports:run", pk=run.pk)
    path.unlink(missing_ok=True)
    if run.options.get("projects"):
        (upload_dir() / Path(run.options["projects"]).name).unlink(missing_ok=True)
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
