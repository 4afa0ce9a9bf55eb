from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "smartkampung.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The audit log sits below accounts: it learns roles and who reads the whole log from here.
        from smartkampung.accounts.models import Role
        from smartkampung.accounts.selectors import administers_deployment, roles_of
        from smartkampung.audit import access

        access.use_directory(
            access.Directory(
                roles_of=roles_of,
                # The log has no regency: where the deployment serves several, the province administrator reads it.
                reads_whole_log=administers_deployment,
                role_labels=lambda: dict(Role.choices),
            )
        )
