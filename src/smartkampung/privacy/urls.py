from django.urls import path

from smartkampung.privacy import views

app_name = "privacy"
urlpatterns = [
    path("subject/", views.subject, name="subject"),
    path("subject/download/", views.subject_download, name="subject_download"),
]
