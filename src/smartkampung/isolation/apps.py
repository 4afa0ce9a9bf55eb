from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsolationConfig(AppConfig):
    name = "smartkampung.isolation"
    label = "isolation"
    verbose_name = _("Isolation")

    def ready(self) -> None:
        from smartkampung.core import periodic
        from smartkampung.isolation import notification_kinds  # noqa: F401 - registers this app's notification kinds

        periodic.register(300, "smartkampung.isolation.services:lapse_ended_holds")
