"""WSGI entry point used by `filon serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filon.settings")
application = get_wsgi_application()

if os.environ.get("FILON_WARM_UP") == "1":
    from filon.web.warmup import warm_up

    warm_up()
