"""Pages of tourism places: the start of the tourism section (to be filled by the places part)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from smartkampung.tourism import selectors


@login_required
def home(request):
    if not selectors.may_see_tourism(request.user):
        raise PermissionDenied
    places = selectors.readable_places(request.user).select_related("village")[:200]
    return render(request, "tourism/home.html", {"places": places})
