from django.urls import path

from smartkampung.isolation import views

app_name = "isolation"
urlpatterns = [
    path("", views.house_list, name="house_list"),
    path("<int:pk>/reserve/", views.reserve, name="reserve"),
    path("reservation/", views.reservation_lookup, name="reservation"),
    path("reservation/cancel/", views.reservation_cancel, name="cancel"),
    path("houses/", views.staff_house_list, name="staff_house_list"),
    path("houses/<int:pk>/", views.staff_house_detail, name="staff_house_detail"),
    path("reservations/<str:code>/<str:action>/", views.staff_change, name="staff_change"),
]
