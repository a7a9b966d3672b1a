"""The association's staff pages: dashboard, CSV downloads, dues payment (dues files are
imported through ``/imports/``, like every other file)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from filon.association.actions import DuplicatePayment, record_dues_payment
from filon.association.charts import charts_for
from filon.association.figures import TABLE_SLUGS, Table, build_tables, fmt_int, fmt_rate
from filon.association.forms import DuesPaymentForm
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


# -- dues files -------------------------------------------------------------------------------


@require_GET
@staff_required
def import_moved(request: HttpRequest) -> HttpResponse:
    """Dues files go through the one import flow of ``/imports/`` now."""
    return redirect(f"{reverse('imports:home')}?kind=dues")
