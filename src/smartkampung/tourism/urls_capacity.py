"""Pages of tourism: capacity (joined into the app's URLs by tourism/urls.py)."""

urlpatterns: list = []
