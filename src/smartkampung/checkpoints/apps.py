from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "smartkampung.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")

    def ready(self) -> None:
        from smartkampung.accounts.selectors import checkpoints_of
        from smartkampung.checkpoints import notification_kinds  # noqa: F401 - registers this app's notification kinds
        from smartkampung.checkpoints.selectors import arrivals_by_district
        from smartkampung.core.start import register_start_page
        from smartkampung.health.tallies import count_arrivals_with

        # Health sits below the checkpoints: it learns of arrivals only through what is handed to it here.
        count_arrivals_with(arrivals_by_district)
        # An officer at a checkpoint starts at its desk (the administrator, who may visit all, does not).
        register_start_page(rank=10, url_name="checkpoints:home", fits=lambda user: bool(checkpoints_of(user)))
