"""Test-wide setup: a throw-away data folder, so tests never touch a real one."""

import os
import tempfile

os.environ.setdefault("FILON_DATA_DIR", tempfile.mkdtemp(prefix="filon-test-"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
