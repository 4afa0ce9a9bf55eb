from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "smartkampung.tourism"
    label = "tourism"
    verbose_name = _("Tourism")

    def ready(self) -> None:
        from smartkampung.tourism import (  # noqa: F401 - they register this app's notification kinds
            notification_kinds,
            notification_kinds_violations,
        )
