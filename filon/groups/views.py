"""Pages of groups and clubs: the list, a group's page, joining and leaving, the admins'
tools, and the one-click unsubscribe of a group's e-mails (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from filon.audit import throttle
from filon.directory.privacy import can_find, is_staff, viewer_for
from filon.groups import actions, links, queries
from filon.groups.forms import AnnouncementForm, GroupForm
from filon.network.models import Group, GroupJoinRequest, GroupKind
from filon.network.queries import find_organisations

MEMBERS_PER_PAGE = 50


def _group_or_404(pk: int) -> Group:
    group = queries.group(pk)
    if group is None:
        raise Http404(_("Groupe introuvable."))
    return group


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    kind = request.GET.get("type", "")
    found = queries.groups(query, kind)
    page = Paginator(found, queries.PAGE).get_page(request.GET.get("page"))
    counts = queries.kind_counts()
    person_id = getattr(request.user, "person_id", None)
    return render(
        request,
        "groups/list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": [(value, label, counts.get(value, 0)) for value, label in GroupKind.choices],
            "mine": {g.pk for g in queries.my_groups(person_id)},
            "is_staff": is_staff(request.user),
        },
    )


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    throttle.spend(request.user, "people")  # the page names the admins, and members to members
    viewer = viewer_for(request.user)
    inside = queries.can_see_inside(viewer, group)
    context: dict[str, Any] = {
        "group": group,
        "membership": queries.membership(group, viewer.person_id),
        "pending": queries.pending_request(group, viewer.person_id),
        "admins": queries.admins(viewer, group),
        "events": queries.upcoming_events(group),
        "inside": inside,
        "can_manage": actions.can_manage(request.user, group),
        "has_person": viewer.person_id is not None,
    }
    if inside:
        member_query = request.GET.get("membre", "")[:100]
        total, rows = queries.members(viewer, group, query=member_query)
        context["member_total"] = total
        context["members"] = Paginator(rows, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
        context["member_query"] = member_query
        context["announcements"] = queries.announcements(viewer, group)
        target = request.GET.get("vers", "")[:200].strip()
        context["target"] = target
        if target:
            orgs = find_organisations(target, limit=5)
            context["target_orgs"] = orgs
            context["introducers"] = queries.introducers(viewer, group, orgs[0].pk) if orgs else []
    if context["can_manage"]:
        context["requests"] = queries.requests(group)
    return render(request, "groups/detail.html", context)


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    group = _group_or_404(pk) if pk is not None else None
    allowed = actions.can_manage(request.user, group) if group else is_staff(request.user)
    if not allowed:
        raise Http404
    form = GroupForm(request.POST or None, instance=Group.objects.get(pk=pk) if pk else None)
    if request.method == "POST" and form.is_valid():
        if group is None:
            group = actions.create_group(request.user, **form.cleaned_data)
            messages.success(request, _("Le groupe est créé."))
        else:
            actions.update_group(request.user, Group.objects.get(pk=group.pk), **form.cleaned_data)
            messages.success(request, _("Le groupe est enregistré."))
        return redirect("groups:detail", pk=group.pk)
    return render(
        request,
        "groups/form.html",
        {"form": form, "group": group},
        status=400 if request.method == "POST" else 200,
    )


def _act(request: HttpRequest, group: Group, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except (actions.GroupError, links.LinkRefused) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        messages.success(request, done)
    return redirect("groups:detail", pk=group.pk)


@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    message = request.POST.get("message", "")[:500]
    try:
        outcome = actions.join(request.user, group, message=message)
    except actions.GroupError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Bienvenue dans le groupe !")
            if outcome == "joined"
            else _("Votre demande est envoyée aux animateurs du groupe."),
        )
    return redirect("groups:detail", pk=group.pk)


@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    return _act(
        request,
        group,
        lambda: actions.leave(request.user, group),
        _("Vous avez quitté le groupe."),
    )


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    return _act(
        request,
        group,
        lambda: actions.withdraw_request(request.user, group),
        _("Votre demande est retirée."),
    )


@require_POST
def mail_setting(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    subscribed = request.POST.get("subscribed") == "1"
    return _act(
        request,
        group,
        lambda: actions.set_mail(request.user, group, subscribed=subscribed),
        _("Vous recevrez les annonces du groupe par e-mail.")
        if subscribed
        else _("Vous ne recevrez plus les annonces du groupe par e-mail."),
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(GroupJoinRequest.objects.select_related("group"), pk=pk)
    if not actions.can_manage(request.user, req.group):
        raise Http404
    approve = request.POST.get("answer") == "approve"
    return _act(
        request,
        req.group,
        lambda: actions.decide(request.user, req, approve=approve),
        _("La demande est acceptée.") if approve else _("La demande est refusée."),
    )


@require_POST
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    if not actions.can_manage(request.user, group):
        raise Http404
    raw = request.POST.get("person", "")
    person = queries.person_of(int(raw)) if raw.isdigit() and len(raw) < 19 else None
    if person is None or not can_find(viewer_for(request.user), person):
        raise Http404
    what = request.POST.get("do", "")
    if what == "remove":
        return _act(
            request,
            group,
            lambda: actions.remove_member(request.user, group, person),
            _("%(name)s ne fait plus partie du groupe.") % {"name": person.full_name},
        )
    admin = what == "admin"
    return _act(
        request,
        group,
        lambda: actions.set_admin(request.user, group, person, admin=admin),
        _("%(name)s anime le groupe.") % {"name": person.full_name}
        if admin
        else _("%(name)s n'anime plus le groupe.") % {"name": person.full_name},
    )


@require_http_methods(["GET", "POST"])
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(pk)
    if not actions.can_manage(request.user, group):
        raise Http404
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.post_announcement(request.user, group, **form.cleaned_data)
        except actions.GroupError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("L'annonce est publiée ; elle part par e-mail aux %(n)d membres du groupe.")
                % {"n": group.member_count},  # type: ignore[attr-defined]
            )
            return redirect("groups:detail", pk=group.pk)
    return render(
        request,
        "groups/announce.html",
        {"form": form, "group": group},
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link would do and a button; only POST unsubscribes."""
    try:
        group_id, _person = links.read(token)
    except links.LinkRefused:
        return render(request, "groups/unsubscribe.html", {"state": "invalid"}, status=404)
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        return render(request, "groups/unsubscribe.html", {"state": "invalid"}, status=404)
    if request.method == "POST":
        try:
            actions.unsubscribe(token)
        except (actions.GroupError, links.LinkRefused):
            return render(
                request, "groups/unsubscribe.html", {"state": "gone", "group": group}, status=404
            )
        return render(request, "groups/unsubscribe.html", {"state": "done", "group": group})
    return render(request, "groups/unsubscribe.html", {"state": "confirm", "group": group})
