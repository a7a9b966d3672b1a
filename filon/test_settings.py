"""Settings for the test suite: the production settings, with a throw-away data folder.

pytest-django imports the settings before any conftest runs, so the data folder must be chosen
here for tests never to touch a member's real one.
"""

import os
import tempfile

os.environ.setdefault("FILON_DATA_DIR", tempfile.mkdtemp(prefix="filon-test-"))

from filon.settings import *  # noqa: F403

# Tasks (e-mails, periodic jobs) run at once, in the test's thread; the tests of
# filon.ops switch to the database backend where they test the queue itself.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
