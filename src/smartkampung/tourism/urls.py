"""The tourism pages under /tourism/: the parts' URL lists in one namespace."""

from smartkampung.tourism import urls_capacity, urls_certification, urls_places, urls_public, urls_violations

app_name = "tourism"
urlpatterns = [
    *urls_places.urlpatterns,
    *urls_public.urlpatterns,
    *urls_capacity.urlpatterns,
    *urls_certification.urlpatterns,
    *urls_violations.urlpatterns,
]
