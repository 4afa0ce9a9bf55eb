from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "smartkampung.letters"
    label = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        from smartkampung.accounts.selectors import signs_as_official
        from smartkampung.core.start import register_start_page
        from smartkampung.letters import notification_kinds  # noqa: F401 - registers this app's notification kinds

        # Heads, secretaries and camats start at their queue of letters (before the dashboard, rank 30).
        register_start_page(rank=25, url_name="letters:home", fits=signs_as_official)
