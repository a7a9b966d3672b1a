"""An e-mail backend for the tests that fails as scripted, then delivers to the locmem outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures: ClassVar[list[BaseException]] = []
    calls: ClassVar[int] = 0

    def send_messages(self, messages: Sequence[Any]) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.failures:
            raise FlakyBackend.failures.pop(0)
        return super().send_messages(messages)
