from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "smartkampung.tourism"
    label = "tourism"
    verbose_name = _("Tourism")

    def ready(self) -> None:
        from smartkampung.core import periodic
        from smartkampung.core.start import register_start_page
        from smartkampung.tourism import (  # noqa: F401 - they register this app's notification kinds
            notification_kinds,
            notification_kinds_violations,
        )

        # A place's owner (an account with no role, only places) starts at their places; every role starts on its own
        # page first (the agency on its dashboard).
        from smartkampung.tourism.selectors import may_see_tourism

        register_start_page(rank=95, url_name="tourism:home", fits=may_see_tourism)
        # An owner of a place in another regency is not this regency's administrator's to manage.
        from smartkampung.accounts.selectors import register_account_places
        from smartkampung.tourism.selectors import owners_outside

        register_account_places(owners_outside)
        # Owners are reminded of inspections due and certificates expiring (once each); hourly is plenty.
        periodic.register(3600, "smartkampung.tourism.services.certification:remind_owners")
        # Visits are deleted by the hourly retention job (tourism/retention.py, rule "tourism_visits").
