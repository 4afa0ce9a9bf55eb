from django.urls import path

from smartkampung.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tiles/", views.tiles, name="tiles"),
    path("letters/", views.letters, name="letters"),
]
