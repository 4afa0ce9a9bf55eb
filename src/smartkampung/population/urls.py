from django.urls import path

from smartkampung.population import move_views, views

app_name = "population"
urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("residents/<str:nik>/", views.resident_detail, name="resident_detail"),
    path("residents/<str:nik>/edit/", views.resident_edit, name="resident_edit"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<str:kk>/", views.household_detail, name="household_detail"),
    path("households/<str:kk>/edit/", views.household_edit, name="household_edit"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("moves/", move_views.move_list, name="move_list"),
    path("moves/new/", move_views.move_create, name="move_create"),
    path("moves/<int:pk>/", move_views.move_detail, name="move_detail"),
    path("moves/<int:pk>/release/", move_views.move_release, name="move_release"),
    path("moves/<int:pk>/refuse/", move_views.move_refuse, name="move_refuse"),
    path("moves/<int:pk>/cancel/", move_views.move_cancel, name="move_cancel"),
]
