"""One place that keeps text no database can store out of every form and page.

A NUL character in a form field or a query string reaches PostgreSQL as a query it refuses (a
500); so would half of a UTF-16 surrogate pair if a decoder ever let one through. Django's
character fields already refuse NUL, but choice fields, lookups and views reading
``request.GET`` do not: :class:`RefuseUnstorableInput` checks every key and value of the query
string and of the form data (:func:`filon.core.text.unstorable`) before any view runs, and
answers with the site's 400 page.

The API is left to its own schemas (:data:`filon.api.schemas.Text`), which answer 422 with
the field at fault.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict

from filon.core.text import unstorable

API_PREFIX = "/api/"


class UnstorableInput(SuspiciousOperation):
    """A form field or a query parameter holds a NUL character or a lone surrogate."""


def _holds_unstorable(data: QueryDict) -> bool:
    return any(
        unstorable(key) or any(unstorable(v) for v in values) for key, values in data.lists()
    )


class RefuseUnstorableInput:
    """Raise :class:`UnstorableInput` (Django answers 400) for such a request outside the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            forms = request.POST if request.method == "POST" else QueryDict()
            if _holds_unstorable(request.GET) or _holds_unstorable(forms):
                raise UnstorableInput("NUL character or lone surrogate in the request's data")
        return self.get_response(request)
