"""Configuration mistakes that would silently lose a channel: said at start-up (`smartkampung check`)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def webhook_configured(app_configs=None, **kwargs):
    url, secret = settings.NOTIFY_WEBHOOK_URL, settings.NOTIFY_WEBHOOK_SECRET
    if url and not secret:
        return [
            Warning(
                "NOTIFY_WEBHOOK_URL is set but NOTIFY_WEBHOOK_SECRET is not: no webhook will be sent.",
                hint="Set NOTIFY_WEBHOOK_SECRET to the secret the gateway checks the signature with.",
                id="smartkampung.W001",
            )
        ]
    if secret and not url:
        return [Warning("NOTIFY_WEBHOOK_SECRET is set without NOTIFY_WEBHOOK_URL.", id="smartkampung.W002")]
    return []
