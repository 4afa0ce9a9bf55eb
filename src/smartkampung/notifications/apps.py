from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "smartkampung.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from smartkampung.notifications import (
            checks,  # noqa: F401 - registers the system checks
            live,
        )
        from smartkampung.notifications.dispatcher import Worker

        live.use_worker_class(Worker)
