from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "smartkampung.aid"
    label = "aid"
    verbose_name = _("Social aid")

    def ready(self) -> None:
        from smartkampung.aid import checks, notification_kinds  # noqa: F401 - register the system checks, the kinds
        from smartkampung.aid.selectors import sees_aid
        from smartkampung.core.start import register_start_page

        # The social affairs agency (no dashboard of its own) starts at social aid; the kecamatan and the
        # villages, who see aid too, start at their dashboard (ranked before).
        register_start_page(rank=40, url_name="aid:home", fits=sees_aid)
