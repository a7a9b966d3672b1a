"""Rate limits shared by every server process (through the database cache)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(bucket: str, *, limit: int, window: int) -> bool:
    """Count one use of ``bucket`` in the current window; False once ``limit`` is exceeded.

    Windows are fixed (aligned on multiples of ``window`` seconds): simple, and enough to stop
    a script from walking the directory.
    """
    slot = int(time.time()) // window
    key = f"throttle:{bucket}:{slot}"
    if cache.add(key, 1, timeout=window + 5):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
