from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "smartkampung.population"
    label = "population"
    verbose_name = _("Population")

    def ready(self) -> None:
        from smartkampung.audit import access
        from smartkampung.core.start import register_start_page
        from smartkampung.population.validation import name_label

        # The audit log shows a changed field of a resident or household by the name the forms give it.
        access.add_field_labeller(lambda name: label if (label := name_label(name)) != name else None)
        # Whoever reads registry data and has no page of their own starts at the register. (A user who fits
        # no start page gets core's page saying that their account has no role yet.)
        from smartkampung.accounts.selectors import read_scope

        register_start_page(
            rank=90, url_name="population:resident_list", fits=lambda user: not read_scope(user).nothing
        )
