"""Pages of tourism: violations (joined into the app's URLs by tourism/urls.py)."""

from django.urls import path

from smartkampung.tourism import views_violations as views

urlpatterns: list = [
    path("report/", views.report, name="violation_report"),
    path("report/status/", views.report_status, name="violation_status"),
    path("report/<int:place_id>/", views.report, name="violation_report_place"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/<int:violation_id>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:violation_id>/photo", views.violation_photo, name="violation_photo"),
    path("certificates/<int:certificate_id>/status/", views.certificate_status, name="violation_certificate_status"),
    path("places/<int:place_id>/violations/", views.place_violations, name="place_violations"),
]
