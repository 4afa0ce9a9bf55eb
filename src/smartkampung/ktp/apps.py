from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KtpConfig(AppConfig):
    """Reading an identity card (KTP) from a phone photo, on the server and offline."""

    name = "smartkampung.ktp"
    label = "ktp"
    verbose_name = _("KTP scan")
