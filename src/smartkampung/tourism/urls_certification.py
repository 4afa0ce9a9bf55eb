"""Pages of tourism: certification (joined into the app's URLs by tourism/urls.py)."""

from django.urls import path

from smartkampung.tourism import views_certification as views

urlpatterns: list = [
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/add/", views.checklist_add, name="checklist_add"),
    path("checklists/<int:item_id>/", views.checklist_item, name="checklist_item"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/schedule/", views.inspection_schedule, name="inspection_schedule"),
    path("inspections/<int:inspection_id>/", views.inspection, name="inspection"),
    path("inspections/<int:inspection_id>/findings/<int:item_id>/", views.finding, name="finding"),
    path("inspections/<int:inspection_id>/decision/", views.inspection_decide, name="inspection_decide"),
    path("certificates/<int:certificate_id>/pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/", views.verify_upload, name="verify_upload"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
