"""Pages of tourism: places (joined into the app's URLs by tourism/urls.py)."""

from django.urls import path

from smartkampung.tourism import views_places

urlpatterns: list = [
    path("", views_places.home, name="home"),
]
