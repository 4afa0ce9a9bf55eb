from django.urls import path

from smartkampung.health import views

app_name = "health"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("cases/<int:pk>/close/", views.close, name="close"),
    path("reports/", views.report, name="report"),
    path("reports/overview/", views.report_overview, name="report_overview"),
    path("reports/export.csv", views.reports_csv, name="reports_csv"),
    path("reports/<int:pk>/dhis2.json", views.report_dhis2, name="report_dhis2"),
    path("reports/<int:pk>/push/", views.report_push, name="report_push"),
]
