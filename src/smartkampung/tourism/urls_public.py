"""Pages of tourism: public (joined into the app's URLs by tourism/urls.py)."""

urlpatterns: list = []
