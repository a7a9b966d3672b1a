"""The association's staff pages: dashboard, CSV downloads, dues payment, dues import."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.association.actions import (
    DuplicatePayment,
    ImportRefused,
    import_dues_payments,
    record_dues_payment,
)
from filon.association.charts import charts_for
from filon.association.figures import TABLE_SLUGS, Table, build_tables, fmt_int, fmt_rate
from filon.association.forms import DuesImportForm, DuesPaymentForm
from filon.association.importers import DuesImportPlan, plan_dues_import
from filon.association.queries import dues_history
from filon.core.text import fold
from filon.directory.models import ENGINEERS, Affiliation, Person
from filon.directory.privacy import staff_required

PREVIEW_ROWS = 200
LOOKUP_LIMIT = 15
UPLOAD_TTL_SECONDS = 24 * 3600
SESSION_KEY = "dues_imports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# -- dashboard -------------------------------------------------------------------------------


def _headline(tables: dict[str, Table]) -> dict[str, Any] | None:
    """The 2020 comparison of DESIGN.md (or the latest year when 2020 has no data)."""
    table = tables["cotisations"]
    if not table.rows:
        return None
    rows = {row[0]: row for row in table.rows}
    year = "2020" if "2020" in rows else table.rows[-1][0]
    row = rows[year]
    rates = dict(zip(table.keys, row[1:], strict=True))
    return {
        "year": year,
        "engineers": fmt_rate(rates.get(ENGINEERS)),
        "docteurs": fmt_rate(rates.get("docteur")),
    }


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    tables = build_tables()
    charts = charts_for(tables)
    growth = tables["croissance"].rows
    docteurs = [row[2] for row in tables["filieres"].rows if row[1] == "docteur"]
    context = {
        "sections": [(tables[slug], charts[slug]) for slug in TABLE_SLUGS],
        "headline": _headline(tables),
        "members": fmt_int(sum(row[1] for row in tables["decennies"].rows)),
        "docteurs": fmt_int(docteurs[0] if docteurs else 0),
        "payers_year": growth[-1][0] if growth else None,
        "payers": fmt_int(growth[-1][1]) if growth else None,
    }
    return render(request, "association/dashboard.html", context)


@require_GET
@staff_required
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLE_SLUGS:
        raise Http404(table)
    data = build_tables((table,))[table]
    response = HttpResponse(data.to_csv().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="filon-{table}.csv"'
    return response


# -- one payment -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def payment_new(request: HttpRequest) -> HttpResponse:
    person: Person | None = None
    if request.method == "POST":
        form = DuesPaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = record_dues_payment(
                    request.user,
                    person=data["person"],
                    year=data["year"],
                    amount=data["amount"],
                    category=data["category"],
                    paid_on=data["paid_on"],
                )
            except DuplicatePayment as exc:
                form.add_error("year", str(exc))
            else:
                messages.success(
                    request,
                    _("Cotisation %(year)s enregistrée pour %(name)s.")
                    % {"year": payment.year, "name": payment.person.full_name},
                )
                return redirect(f"{reverse('association:payment_new')}?person={payment.person_id}")
        person = form.person_obj
    else:
        raw = request.GET.get("person", "")
        person = Person.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        form = DuesPaymentForm(initial={"person": person.pk} if person else None)
    context = {
        "form": form,
        "person": person,
        "dues": dues_history(person) if person else [],
    }
    return render(request, "association/payment_form.html", context)


@require_GET
@staff_required
def person_lookup(request: HttpRequest) -> HttpResponse:
    """<option>s for the payment form's datalist: members whose name holds every word typed."""
    query = request.GET.get("q") or request.GET.get("person") or ""
    words = fold(query).split()
    people: list[Person] = []
    if query.strip().isdigit():
        people = list(Person.objects.filter(pk=int(query.strip())))
    elif words and len("".join(words)) >= 2:
        cond = Q()
        for word in words:
            cond &= Q(name_folded__contains=word)
        people = list(
            Person.objects.filter(cond)
            .order_by("last_name", "first_name")
            .prefetch_related(
                Prefetch("affiliations", queryset=Affiliation.objects.select_related("school"))
            )[:LOOKUP_LIMIT]
        )
    return render(request, "association/_person_options.html", {"people": people})


# -- CSV import ------------------------------------------------------------------------------


def _upload_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports" / "dues"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_TTL_SECONDS
    for path in folder.glob("*.csv"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _uploaded(request: HttpRequest, token: str) -> tuple[Path, str] | None:
    """The kept file of this session's upload ``token``, with its original name."""
    names: dict[str, str] = request.session.get(SESSION_KEY, {})
    if not _TOKEN.match(token) or token not in names:
        return None
    path = _upload_dir() / f"{token}.csv"
    return (path, names[token]) if path.exists() else None


def _preview(request: HttpRequest, plan: DuesImportPlan, token: str) -> HttpResponse:
    context = {
        "plan": plan,
        "token": token,
        "to_create": plan.to_create[:PREVIEW_ROWS],
        "more": max(0, len(plan.to_create) - PREVIEW_ROWS),
        "delimiter": {";": _("« ; »"), ",": _("« , »"), "\t": _("tabulation")}.get(
            plan.delimiter, ""
        ),
    }
    return render(request, "association/import_preview.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "association/import_upload.html", {"form": DuesImportForm()})
    form = DuesImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "association/import_upload.html", {"form": form})
    upload = form.cleaned_data["file"]
    name = Path(upload.name or "cotisations.csv").name
    data = b"".join(upload.chunks())
    folder = _upload_dir()
    _forget_old_uploads(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.csv").write_bytes(data)
    names: dict[str, str] = request.session.get(SESSION_KEY, {})
    names = dict(list(names.items())[-4:]) | {token: name}
    request.session[SESSION_KEY] = names
    return _preview(request, plan_dues_import(data, name), token)


@require_POST
@staff_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    found = _uploaded(request, token)
    if found is None:
        messages.error(request, _("Ce fichier n'est plus disponible : déposez-le à nouveau."))
        return redirect("association:import_upload")
    path, name = found
    # Planned again: the directory may have changed since the preview.
    plan = plan_dues_import(path.read_bytes(), name)
    try:
        created = import_dues_payments(request.user, plan, source="web")
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return _preview(request, plan, token)
    path.unlink(missing_ok=True)
    names = dict(request.session.get(SESSION_KEY, {}))
    names.pop(token, None)
    request.session[SESSION_KEY] = names
    messages.success(
        request,
        _("%(name)s importé : %(created)s cotisation(s) créée(s), %(unchanged)s inchangée(s).")
        % {"name": name, "created": created, "unchanged": len(plan.unchanged)},
    )
    return redirect("association:import_upload")
