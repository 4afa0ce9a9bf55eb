from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "smartkampung.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # Whoever has a dashboard (a jurisdiction to read, the entry rules to set, or the visitor figures
        # of the tourism agency) starts there.
        from smartkampung.accounts.selectors import may_edit_entry_rules, may_see_visitor_figures, read_scope
        from smartkampung.core.start import register_start_page

        register_start_page(
            rank=30,
            url_name="dashboards:dashboard",
            fits=lambda user: (
                may_edit_entry_rules(user) or not read_scope(user).nothing or may_see_visitor_figures(user)
            ),
        )
