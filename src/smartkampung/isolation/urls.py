from django.urls import path

from smartkampung.isolation import views

app_name = "isolation"
urlpatterns = [
    path("", views.house_list, name="house_list"),
    path("<int:pk>/reserve/", views.reserve, name="reserve"),
]
