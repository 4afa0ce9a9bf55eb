"""Pages of tourism: certification (joined into the app's URLs by tourism/urls.py)."""

urlpatterns: list = []
