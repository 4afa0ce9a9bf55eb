from django.urls import path

from smartkampung.letters import views, views_public

app_name = "letters"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_request, name="new"),
    path("new/resident/", views.resident_preview, name="resident_preview"),
    path("types/", views.type_list, name="type_list"),
    path("types/<slug:code>/", views.type_edit, name="type_edit"),
    path("types/<slug:code>/preview/", views.type_preview, name="type_preview"),
    path("types/<slug:code>/preview.pdf", views.type_preview_pdf, name="type_preview_pdf"),
    path("signing-key/", views.signing_key, name="signing_key"),
    # The citizens' pages (no sign-in).
    path("request/", views_public.request_letter, name="request"),
    path("status/", views_public.status, name="status"),
    path("status/download/", views_public.download, name="download"),
    # A letter by its code (after the fixed words above, which are not codes: codes have digits).
    path("<str:code>/", views.letter_detail, name="letter_detail"),
    path("<str:code>/pdf", views.letter_pdf, name="letter_pdf"),
    path("<str:code>/sign/", views.sign, name="sign"),
    path("<str:code>/reject/", views.reject, name="reject"),
    path("<str:code>/attachments/<slug:requirement>/", views.attachment, name="attachment"),
]
