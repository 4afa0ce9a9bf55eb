from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.accounts import services
from smartkampung.accounts.forms import RoleForm, UserForm
from smartkampung.accounts.models import RoleAssignment
from smartkampung.accounts.selectors import accounts_managed_q, administers, regencies_administered


def _require_admin(request: HttpRequest) -> None:
    if administers(request.user).nothing:
        raise PermissionDenied(_("Only the regency administrator manages users."))


def _account_or_404(request: HttpRequest, pk: int):
    """An account the user manages (a regency administrator: none holding a role outside their regency)."""
    return get_object_or_404(get_user_model().objects.filter(accounts_managed_q(request.user)), pk=pk)


def _role_form(request: HttpRequest) -> RoleForm:
    """The form giving a role, offering only places of the regencies the user administers."""
    return RoleForm(
        request.POST or None,
        regencies=regencies_administered(request.user),
        whole_deployment=administers(request.user).everything,
    )


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    users = (
        get_user_model()
        .objects.filter(accounts_managed_q(request.user))
        .order_by("username")
        .prefetch_related(
            "roles__regency", "roles__district", "roles__village", "roles__puskesmas", "roles__checkpoint"
        )
    )
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, _("The account is made. Now give it a role."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    user = _account_or_404(request, pk)
    form = _role_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.assign_role(
            user=user,
            role=data["role"],
            regency_code=data["regency"] or None,
            district_code=data["district"] or None,
            village_code=data["village"] or None,
            puskesmas_id=data["puskesmas"] or None,
            checkpoint_id=data["checkpoint"] or None,
            pillar=data["pillar"],
            by=request.user,
        )
        messages.success(request, _("The role is given."))
        return redirect("accounts:user_detail", pk=user.pk)
    roles = RoleAssignment.objects.filter(user=user).select_related(
        "regency", "district", "village", "puskesmas", "checkpoint"
    )
    return render(request, "accounts/user_detail.html", {"account": user, "roles": roles, "form": form})


@login_required
@require_POST
def role_remove(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    _require_admin(request)
    assignment = get_object_or_404(RoleAssignment, pk=role_pk, user=_account_or_404(request, pk))
    services.remove_role(assignment=assignment, by=request.user)
    messages.success(request, _("The role is taken away."))
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    user = _account_or_404(request, pk)
    if user == request.user:
        raise PermissionDenied(_("You cannot switch off your own account."))
    services.set_user_active(user=user, active=request.POST.get("active") == "1", by=request.user)
    return redirect("accounts:user_detail", pk=pk)
