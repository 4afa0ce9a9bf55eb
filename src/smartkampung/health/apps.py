from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "smartkampung.health"
    label = "health"
    verbose_name = _("Health")

    def ready(self) -> None:
        from smartkampung.accounts.selectors import puskesmas_of
        from smartkampung.core import periodic
        from smartkampung.core.start import register_start_page
        from smartkampung.health import notification_kinds  # noqa: F401 - registers this app's notification kinds

        periodic.register(15, "smartkampung.health.services:push_due_reports")
        periodic.register(600, "smartkampung.health.tallies:refresh_tallies")

        # A Puskesmas nurse starts at today's follow-ups.
        register_start_page(rank=20, url_name="health:today", fits=lambda user: bool(puskesmas_of(user)))
