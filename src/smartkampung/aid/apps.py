from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "smartkampung.aid"
    label = "aid"
    verbose_name = _("Social aid")

    def ready(self) -> None:
        from smartkampung.aid import notification_kinds  # noqa: F401 - registers this app's notification kinds
