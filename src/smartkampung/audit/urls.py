from django.urls import path

from smartkampung.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("export.csv", views.audit_export, name="audit_export"),
]
