from django.urls import path

from smartkampung.aid import views, views_affected, views_reports

app_name = "aid"
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/new/", views.upload, name="upload"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/checked.<str:fmt>", views.list_export, name="list_export"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.decide, name="decide"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/<int:pk>/", views.conflict_detail, name="conflict"),
    path("conflicts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("check/", views.citizen_check, name="check"),
    path("villages/<str:code>/", views.village_list, name="village_list"),
    path("report/", views_reports.report, name="report"),
    path("report/follow/", views_reports.report_lookup, name="report_lookup"),
    path("report/<str:code>/", views_reports.report_status, name="report_status"),
    path("reports/", views_reports.report_queue, name="reports"),
    path("reports/<int:pk>/decide/", views_reports.decide_report, name="decide_report"),
    path("affected/", views_affected.affected_list, name="affected"),
    path("affected/new/", views_affected.affected_new, name="affected_new"),
    path("affected/import/", views_affected.affected_import, name="affected_import"),
    path("affected/priority.<str:fmt>", views_affected.affected_export, name="affected_export"),
    path("affected/<int:pk>/end/", views_affected.affected_end, name="affected_end"),
    path("priorities/", views_affected.priorities, name="priorities"),
]
