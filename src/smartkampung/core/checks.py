"""System checks of the deployment that `manage.py check --deploy` alone would not see."""

from django.core.checks import Warning, register
from django.utils.translation import gettext_lazy as _

from smartkampung.core.datadir import open_paths


@register()
def data_directory_is_private(app_configs, **kwargs):
    """The data directory, uploads and embedded database hold personal data: only the service's user may read them."""
    return [
        Warning(
            _("%(path)s can be read by other users of this machine.") % {"path": path},
            hint=_("Run `smartkampung run` once (it closes them) or chmod 700 the folders and 600 the files."),
            obj=str(path),
            id="core.W001",
        )
        for path in open_paths()
    ]
