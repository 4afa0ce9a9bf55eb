"""Web pages of moves between villages (pindah datang / pindah keluar). Reads through `selectors`, writes
through `moves`, as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.accounts.selectors import write_scope
from smartkampung.population import moves, selectors
from smartkampung.population.access import RegistryError, RegistryForbidden
from smartkampung.population.forms import MoveDecisionForm, MoveRequestForm, add_registry_errors

LIST_SIZE = 50


@login_required
@require_GET
def move_list(request: HttpRequest) -> HttpResponse:
    """Both directions on one page: requests into the user's villages, and requests out of them."""
    incoming, in_count, in_capped = selectors.move_page(
        selectors.moves_into(request.user), user=request.user, offset=0, limit=LIST_SIZE
    )
    outgoing, out_count, out_capped = selectors.move_page(
        selectors.moves_out_of(request.user), user=request.user, offset=0, limit=LIST_SIZE
    )
    return render(
        request,
        "population/move_list.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "in_count": in_count,
            "out_count": out_count,
            "capped": in_capped or out_capped,
            "limit": LIST_SIZE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def move_create(request: HttpRequest) -> HttpResponse:
    scope = write_scope(request.user)
    if scope.nothing:
        raise PermissionDenied(_("You may not request moves."))
    form = MoveRequestForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            move = moves.request_move(user=request.user, **form.values())
        except RegistryForbidden as exc:
            form.add_error(None, str(exc))
        except RegistryError as exc:
            add_registry_errors(form, exc.errors)
        else:
            messages.success(request, _("The move is requested; the village of origin decides on it."))
            return redirect("population:move_detail", pk=move.pk)
    return render(request, "population/move_form.html", {"form": form})


@login_required
@require_GET
def move_detail(request: HttpRequest, pk: int) -> HttpResponse:
    move = selectors.open_move(user=request.user, move_id=pk)
    if move is None:
        raise Http404(_("No such move."))
    return render(request, "population/move_detail.html", {"move": move})


def _decide(request: HttpRequest, pk: int, decide, done: str) -> HttpResponse:
    if selectors.move_for(user=request.user, move_id=pk) is None:
        raise Http404(_("No such move."))
    form = MoveDecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        decide(reason)  # RegistryForbidden (a PermissionDenied) becomes the 403 page
    except RegistryError as exc:
        for _label, message in exc.errors:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("population:move_detail", pk=pk)


@login_required
@require_POST
def move_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda reason: moves.release_move(user=request.user, move_id=pk, note=reason),
        _("The move is released: the register now shows the new village."),
    )


@login_required
@require_POST
def move_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda reason: moves.refuse_move(user=request.user, move_id=pk, reason=reason),
        _("The move is refused."),
    )


@login_required
@require_POST
def move_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda _reason: moves.cancel_move(user=request.user, move_id=pk),
        _("The request is cancelled."),
    )
