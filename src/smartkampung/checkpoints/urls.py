from django.urls import path

from smartkampung.checkpoints import views

app_name = "checkpoints"
urlpatterns = [
    path("", views.home, name="home"),
    path("arrivals/", views.arrival_list, name="arrival_list"),
    path("arrivals/<int:pk>/", views.arrival_detail, name="arrival_detail"),
    path("rules/", views.rules, name="rules"),
    path("found/new/", views.found_create, name="found_create"),
    path("pre-register/", views.preregister, name="preregister"),
    path("preregistrations/<int:pk>/", views.preregistration_detail, name="preregistration_detail"),
    path("<slug:code>/", views.register, name="register"),
    path("<slug:code>/lookup/", views.lookup, name="lookup"),
]
