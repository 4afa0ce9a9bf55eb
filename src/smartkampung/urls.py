from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from smartkampung.api import api

urlpatterns = [
    path("", include("smartkampung.core.urls")),
    path("accounts/", include("smartkampung.accounts.urls")),
    path("regions/", include("smartkampung.regions.urls")),
    path("population/", include("smartkampung.population.urls")),
    path("audit/", include("smartkampung.audit.urls")),
    path("checkpoints/", include("smartkampung.checkpoints.urls")),
    path("notifications/", include("smartkampung.notifications.urls")),
    path("dashboard/", include("smartkampung.dashboards.urls")),
    path("isolation/", include("smartkampung.isolation.urls")),
    path("health/", include("smartkampung.health.urls")),
    path("aid/", include("smartkampung.aid.urls")),
    path("letters/", include("smartkampung.letters.urls")),
    path("tourism/", include("smartkampung.tourism.urls")),
    path("privacy/", include("smartkampung.privacy.urls")),
    # The public verification of letters (the QR code on every letter leads here): short, outside /letters/.
    path("verify/", include("smartkampung.letters.verify_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
