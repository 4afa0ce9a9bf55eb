"""Pages of tourism: public (joined into the app's URLs by tourism/urls.py): the tourists' listing, map and
place pages under /tourism/explore/, and the agency's dashboard."""

from django.urls import path

from smartkampung.tourism import views_dashboard, views_public

urlpatterns: list = [
    path("explore/", views_public.explore, name="explore"),
    path("explore/<int:place_id>/", views_public.explore_place, name="explore_place"),
    path("explore/<int:place_id>/occupancy/", views_public.explore_occupancy, name="explore_occupancy"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]
