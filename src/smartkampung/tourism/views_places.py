"""Pages of tourism places: the start of the tourism section (an owner's places and next steps, the agency's
searchable list, area staff's places), an owner's sign-up and application (public, rate-limited), the agency's
registration on an owner's behalf, a place's page, its edit form, its photos, and closing it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.paging import Pager, page_number
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.tourism import forms_places as forms
from smartkampung.tourism import selectors
from smartkampung.tourism.models import Place, PlacePhoto
from smartkampung.tourism.services import places as services

PER_PAGE = 25
BODY_SLACK = 64 * 1024  # the multipart framing and the form's text fields
# The agency's other pages, linked from the start page when their part is installed (url name, words).
AGENCY_LINKS = (
    ("tourism:dashboard", gettext_lazy("Dashboard")),
    ("tourism:inspections", gettext_lazy("Inspections")),
    ("tourism:checklists", gettext_lazy("Checklists")),
    ("tourism:violation_list", gettext_lazy("Violations")),
    ("tourism:explore", gettext_lazy("Public listing")),
)
# A place's pages in the other parts of tourism, linked from its page: (url name, words, managers only).
PLACE_LINKS = (
    ("tourism:door", gettext_lazy("Door and check-in code"), True),
    ("tourism:place_violations", gettext_lazy("Violations"), False),
)


def application_limits() -> tuple[Limit, ...]:
    """Applications per client address a day (TOURISM_APPLICATIONS_PER_DAY, 5 by default)."""
    return (Limit(settings.TOURISM_APPLICATIONS_PER_DAY, 86400),)


def uploads_from(files, name: str = "photos") -> list[services.Upload]:
    """The photos a request carries, each read to one byte past the limit at most (the service says "too large"
    without holding a huge file)."""
    limit = services.photo_max_bytes()
    return [
        services.Upload(name=str(upload.name or "")[:200], data=upload.read(limit + 1))
        for upload in files.getlist(name)[: services.PHOTOS_PER_PLACE + 1]
    ]


def add_errors(form, exc: Refused, photo_errors: list) -> None:
    """A refusal shown next to the fields it names; photo problems by the photo input; the rest above."""
    for field, message in exc.errors:
        if field in form.fields:
            form.add_error(field, message)
        elif field == "photos":
            photo_errors.append(message)
        else:
            form.add_error(None, message)


def _body_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _body_limit() -> int:
    return services.photo_max_bytes() * services.PHOTOS_AT_APPLICATION + BODY_SLACK


def _readable(request: HttpRequest, place_id: int) -> Place:
    return get_object_or_404(selectors.readable_places(request.user).select_related("village__district"), pk=place_id)


def _managed(request: HttpRequest, place_id: int) -> Place:
    """The place if the user manages it; 404 when they do not read it either, 403 when they only read it."""
    place = _readable(request, place_id)
    if not selectors.managed_places(request.user).filter(pk=place.pk).exists():
        raise PermissionDenied(_("Only the owner and the tourism agency change a place."))
    return place


# ---------------------------------------------------------------- the start page


def _place_links(place: Place, *, manages: bool) -> list[tuple[str, str]]:
    links = []
    listed = Place.objects.filter(pk=place.pk, status=Place.Status.ACTIVE).filter(selectors.certified_q())
    if listed.exists():
        links.append((reverse("tourism:explore_place", kwargs={"place_id": place.pk}), _("Public page")))
    for name, words, managers_only in PLACE_LINKS:
        if manages or not managers_only:
            links.append((reverse(name, kwargs={"place_id": place.pk}), str(words)))
    return links


def _agency_links() -> list[tuple[str, str]]:
    return [(reverse(name), str(words)) for name, words in AGENCY_LINKS]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """An owner's places with their next steps; the agency's links and list; area staff's places."""
    user = request.user
    agency = not tourism_agency(user).nothing
    own = list(selectors.readable_places(user).filter(owner=user).select_related("village"))
    others = selectors.readable_places(user)
    if not agency:
        others = others.exclude(owner=user)
    if not (agency or own or others.exists()):
        raise PermissionDenied(_("Tourism is for the tourism agency, place owners and their area's staff."))
    for place in own:
        place.certificate = selectors.in_force_certificate(place)
    search = forms.PlaceFilterForm(request.GET or None)
    chosen = search.filters()
    if chosen.get("q"):
        others = others.filter(name__icontains=chosen["q"])
    if chosen.get("kind"):
        others = others.filter(kind=chosen["kind"])
    if chosen.get("district"):
        others = others.filter(village__district_id=chosen["district"])
    if chosen.get("status"):
        others = others.filter(status=chosen["status"])
    count = others.count()
    pager = Pager(
        page=page_number(request.GET.get("page"), per_page=PER_PAGE),
        per_page=PER_PAGE,
        count=count,
        capped=False,
        params={key: str(value) for key, value in chosen.items()},
    )
    rows = others.select_related("village__district").order_by("name", "pk")[pager.offset : pager.offset + PER_PAGE]
    return render(
        request,
        "tourism/home.html",
        {
            "agency": agency,
            "own": own,
            "rows": rows,
            "pager": pager,
            "search": search,
            "links": _agency_links() if agency else [],
        },
    )


# ---------------------------------------------------------------- applying


@csrf_exempt  # checked in _apply, once the client's body is weighed
@require_http_methods(["GET", "POST"])
@never_cache
def apply(request: HttpRequest) -> HttpResponse:
    """An owner signs up and applies for their place (no sign-in needed); signed in, they apply from places/new."""
    if request.user.is_authenticated:
        return redirect("tourism:place_new")
    if request.method == "POST" and _body_length(request) > _body_limit():
        form = forms.SignUpForm()
        context = {
            "form": form,
            "photo_errors": [],
            "too_many": _("The photos are too large: each may be at most %(mb)s MB.") % {"mb": _mb()},
        }
        return render(request, "tourism/places/apply.html", context, status=413)
    return _apply(request)


def _mb() -> str:
    return f"{services.photo_max_bytes() / 1024 / 1024:g}"


@csrf_protect
def _apply(request: HttpRequest) -> HttpResponse:
    form = forms.SignUpForm(request.POST or None)
    photo_errors: list[str] = []
    context = {"form": form, "photo_errors": photo_errors, "max_mb": _mb()}
    if request.method != "POST":
        return render(request, "tourism/places/apply.html", context)
    if not form.is_valid():
        return render(request, "tourism/places/apply.html", context, status=422)
    # Counted once the form is complete: a mistyped field does not use up an owner's applications.
    counted = HttpResponse()
    if not allow(request, counted, scope="tourism-apply", limits=application_limits()):
        context["too_many"] = _("Too many applications from this address today. Try again tomorrow.")
        answer = render(request, "tourism/places/apply.html", context, status=429)
        answer["Retry-After"] = counted["Retry-After"]
        return answer
    try:
        user, place = services.sign_up_and_apply(
            account=form.account_values(), place=form.place_values(), photos=uploads_from(request.FILES)
        )
    except Refused as exc:
        add_errors(form, exc, photo_errors)
        return render(request, "tourism/places/apply.html", context, status=exc.status)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return render(request, "tourism/places/applied.html", {"place": place}, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest) -> HttpResponse:
    """The agency registers a place for its owner; anyone else signed in applies for a place of their own."""
    agency = not tourism_agency(request.user).nothing
    form_class = forms.AgencyPlaceForm if agency else forms.OwnerPlaceForm
    initial = {}
    if not agency:
        earlier = Place.objects.filter(owner=request.user).order_by("-created_at").first()
        initial = {
            "owner_name": earlier.owner_name if earlier else request.user.get_full_name(),
            "contact_phone": earlier.contact_phone if earlier else "",
            "contact_email": earlier.contact_email if earlier else request.user.email,
        }
    form = form_class(request.POST or None, initial=initial)
    photo_errors: list[str] = []
    context = {"form": form, "agency": agency, "photo_errors": photo_errors, "max_mb": _mb()}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "tourism/places/new.html", context, status=422)
        photos = uploads_from(request.FILES)
        try:
            if agency:
                place, owner, password = services.register_place(
                    by=request.user,
                    values=form.place_values(),
                    photos=photos,
                    owner_username=form.cleaned_data.get("owner_username", ""),
                )
            else:
                place, owner, password = (
                    services.apply_for_place(by=request.user, values=form.cleaned_data, photos=photos),
                    None,
                    "",
                )
        except Refused as exc:
            add_errors(form, exc, photo_errors)
            return render(request, "tourism/places/new.html", context, status=exc.status)
        if owner is not None:
            # The one-time password is shown on this answer only: it is stored nowhere but as a hash.
            answer = render(
                request, "tourism/places/registered.html", {"place": place, "owner": owner, "password": password},
                status=201,
            )  # fmt: skip
            answer["Cache-Control"] = "no-store"
            return answer
        messages.success(request, _("The place is registered. It waits for its inspection."))
        return redirect("tourism:place_detail", place_id=place.pk)
    return render(request, "tourism/places/new.html", context)


# ---------------------------------------------------------------- one place


@login_required
def place_detail(request: HttpRequest, place_id: int) -> HttpResponse:
    """Everything about a place for those who read it: owner and contacts, photos, status, certificate."""
    place = _readable(request, place_id)
    manages = selectors.managed_places(request.user).filter(pk=place.pk).exists()
    if place.owner_id != request.user.pk:
        audit.record(action="view", object_type="tourism_place", subject=str(place.pk), object_ids=[str(place.pk)])
    return render(
        request,
        "tourism/places/detail.html",
        {
            "place": place,
            "manages": manages,
            "links": _place_links(place, manages=manages),
            "photos": list(place.photos.only("pk", "caption", "content_type", "size")),
            "certificate": selectors.in_force_certificate(place),
            "decision": selectors.latest_decision(place),
            "next_inspection": selectors.next_inspection(place),
            "occupancy": selectors.occupancy_of(place),
            "photo_errors": [],
            "max_mb": _mb(),
            "photos_left": max(0, services.PHOTOS_PER_PLACE - place.photos.count()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_edit(request: HttpRequest, place_id: int) -> HttpResponse:
    """A manager changes the place's description, location, hours, capacity and contacts."""
    place = _managed(request, place_id)
    initial = {field: getattr(place, field) for field in services.PLACE_FIELDS if field != "village"}
    initial["village"] = place.village_id
    form = forms.EditPlaceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_place(place=place, by=request.user, changes=form.cleaned_data)
            except Refused as exc:
                add_errors(form, exc, [])
                return render(request, "tourism/places/edit.html", {"form": form, "place": place}, status=exc.status)
            messages.success(request, _("The place is saved."))
            return redirect("tourism:place_detail", place_id=place.pk)
        return render(request, "tourism/places/edit.html", {"form": form, "place": place}, status=422)
    return render(request, "tourism/places/edit.html", {"form": form, "place": place})


@login_required
@require_POST
def place_close(request: HttpRequest, place_id: int) -> HttpResponse:
    """The owner (or the agency) closes the place."""
    place = _managed(request, place_id)
    try:
        services.close_place(place=place, by=request.user)
    except Refused as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The place is closed. It no longer appears in the public listing."))
    return redirect("tourism:place_detail", place_id=place.pk)


@csrf_exempt  # checked in _photo_add, once the body is weighed
@login_required
@require_POST
def photo_add(request: HttpRequest, place_id: int) -> HttpResponse:
    """A manager adds photos of the place."""
    place = _managed(request, place_id)
    if _body_length(request) > _body_limit():
        messages.error(request, _("The photos are too large: each may be at most %(mb)s MB.") % {"mb": _mb()})
        return redirect("tourism:place_detail", place_id=place.pk)
    return _photo_add(request, place)


@csrf_protect
def _photo_add(request: HttpRequest, place: Place) -> HttpResponse:
    try:
        services.add_photos(place=place, by=request.user, uploads=uploads_from(request.FILES))
    except Refused as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The photos are added."))
    return redirect("tourism:place_detail", place_id=place.pk)


@login_required
@require_POST
def photo_delete(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A manager removes a photo."""
    photo = get_object_or_404(PlacePhoto.objects.only("pk", "place_id", "sha256"), pk=photo_id)
    place = _managed(request, photo.place_id)
    services.delete_photo(photo=photo, by=request.user)
    messages.success(request, _("The photo is removed."))
    return redirect("tourism:place_detail", place_id=place.pk)


@require_http_methods(["GET", "HEAD"])
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A photo: to anyone when its place is listed publicly (certified and active), else to its readers only."""
    public = Q(place__status=Place.Status.ACTIVE) & selectors.certified_q(place_field="place")
    found = PlacePhoto.objects.filter(pk=photo_id)
    row = found.filter(public).first()
    shown_publicly = row is not None
    if row is None:
        row = found.filter(place__in=selectors.readable_places(request.user)).first()
    if row is None:
        raise Http404
    answer = HttpResponse(bytes(row.data), content_type=row.content_type)
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Disposition"] = "inline"
    answer["Cache-Control"] = "public, max-age=300" if shown_publicly else "private, no-store"
    return answer
