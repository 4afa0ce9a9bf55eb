"""Pages of tourism places (joined into the app's URLs by tourism/urls.py)."""

from django.urls import path

from smartkampung.tourism import views_places

urlpatterns: list = [
    path("", views_places.home, name="home"),
    path("apply/", views_places.apply, name="apply"),
    path("places/new/", views_places.place_new, name="place_new"),
    path("places/<int:place_id>/", views_places.place_detail, name="place_detail"),
    path("places/<int:place_id>/edit/", views_places.place_edit, name="place_edit"),
    path("places/<int:place_id>/close/", views_places.place_close, name="place_close"),
    path("places/<int:place_id>/photos/", views_places.photo_add, name="photo_add"),
    path("photos/<int:photo_id>/", views_places.photo, name="photo"),
    path("photos/<int:photo_id>/delete/", views_places.photo_delete, name="photo_delete"),
]
