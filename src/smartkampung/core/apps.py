from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "smartkampung.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from smartkampung.core import checks  # noqa: F401 - registers the system checks

        # Each app registers its own metrics, retention rules and data-subject sources in modules of these names
        # (as Django's admin finds admin.py): core names none of them, and a new app adds its own.
        autodiscover_modules("metrics", "retention", "subject_data")
