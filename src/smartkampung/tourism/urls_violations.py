"""Pages of tourism: violations (joined into the app's URLs by tourism/urls.py)."""

urlpatterns: list = []
