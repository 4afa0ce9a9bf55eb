from django.urls import path

from smartkampung.population import views

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
]
