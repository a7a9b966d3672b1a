"""The preview of a large upload, run by the task queue (``filon worker``) while the page shows
its progress."""

from __future__ import annotations

from typing import Any

from django_tasks import task

#: A preview writes its progress every this many records.
PROGRESS_STEP = 1000


def run_preview(run_id: int) -> dict[str, Any]:
    """A dry run of the run's stored file: its report, saved on the run as it goes."""
    from filon.imports.actions import import_file, stored_report
    from filon.imports.models import ImportRun
    from filon.imports.sources import make_importer, upload_dir

    run = ImportRun.objects.get(pk=run_id)
    path = upload_dir() / run.stored_name if run.stored_name else None
    if path is None or not path.exists():
        report: dict[str, Any] = {"error": "Ce fichier n'est plus disponible."}
        ImportRun.objects.filter(pk=run_id).update(report=report)
        return report
    try:
        importer = make_importer(run.kind, run.options)
    except ValueError as exc:
        report = {"error": str(exc)}
        ImportRun.objects.filter(pk=run_id).update(report=report)
        return report
    state = {"total": 0, "done": 0, "saved": 0}

    def save() -> None:
        state["saved"] = state["done"]
        ImportRun.objects.filter(pk=run_id).update(
            report={"pending": True, "items": [], "total": state["total"], "done": state["done"]}
        )

    def on_start(total: int) -> None:
        state["total"] = total
        save()

    def progress(n: int) -> None:
        state["done"] += n
        if state["done"] - state["saved"] >= PROGRESS_STEP:
            save()

    result = import_file(
        None,
        importer,
        path.read_bytes(),
        run.filename,
        dry_run=True,
        origin="web",
        on_start=on_start,
        progress=progress,
    )
    report = stored_report(result)
    ImportRun.objects.filter(pk=run_id).update(report=report)
    return {"run": run_id}


@task()
def preview_upload(run_id: int) -> dict[str, Any]:
    """The queued preview of one upload."""
    return run_preview(run_id)
