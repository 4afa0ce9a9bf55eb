"""Pages of tourism: capacity (joined into the app's URLs by tourism/urls.py): the door display of a place, and
the visitors' check-in (the URL its QR code holds) and check-out pages."""

from django.urls import path

from smartkampung.tourism import views_capacity

urlpatterns: list = [
    path("places/<int:place_id>/door/", views_capacity.door, name="door"),
    path("places/<int:place_id>/door/count/", views_capacity.door_count, name="door_count"),
    path("in/<int:place_id>/<str:code>/", views_capacity.checkin, name="checkin"),
    path("out/<str:token>/", views_capacity.checkout, name="checkout"),
]
