from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _regency_search_indexes(sender, using: str = "default", **kwargs) -> None:
    from smartkampung.population.search_indexes import ensure_regency_search_indexes

    ensure_regency_search_indexes(using=using)


class PopulationConfig(AppConfig):
    name = "smartkampung.population"
    label = "population"
    verbose_name = _("Population")

    def ready(self) -> None:
        # The served regencies may have changed since the last migrate: their name-search indexes follow.
        post_migrate.connect(_regency_search_indexes, sender=self)
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
