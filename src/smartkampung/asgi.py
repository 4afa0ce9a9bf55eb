import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from smartkampung.core.admission import Admission  # noqa: E402 - after Django is set up
from smartkampung.core.handler import SyncChainASGIHandler  # noqa: E402

# The middleware and views in one thread hop a request (core/handler.py says why).
django_application = SyncChainASGIHandler()

# At most WEB_CONCURRENT_REQUESTS requests of this process inside Django at once; 503 + Retry-After beyond.
application = Admission(django_application)
