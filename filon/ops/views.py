"""``/sante/``: the health report for a load balancer or a monitor (no login, no personal data)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from filon.ops.health import report


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    result = report()
    return JsonResponse(result, status=503 if result["status"] == "fail" else 200)
