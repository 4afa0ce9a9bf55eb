"""The public verification of letters, at /verify/ (the QR code on every letter leads to /verify/<code>). The URL
names have no namespace: content.verify_url reverses "verify_letter"."""

from django.urls import path

from smartkampung.letters import views_public

urlpatterns = [
    path("", views_public.verify_upload, name="verify_upload"),
    path("<str:code>", views_public.verify_letter, name="verify_letter"),
]
