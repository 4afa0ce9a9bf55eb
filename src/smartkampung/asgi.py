import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
django_application = get_asgi_application()

from smartkampung.core.admission import Admission  # noqa: E402 - after Django is set up

# At most WEB_CONCURRENT_REQUESTS requests of this process inside Django at once; 503 + Retry-After beyond.
application = Admission(django_application)
