"""Pages of the checkpoint module: the officer's registration screen (phone first, one step, the
outcome without a full reload), arrivals, entry rules, found-wandering reports and the public
pre-registration form."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from smartkampung.accounts.selectors import write_scope
from smartkampung.audit import services as audit
from smartkampung.checkpoints import present, selectors, services
from smartkampung.checkpoints.api import allowed_to_preregister
from smartkampung.checkpoints.forms import ArrivalForm, EntryRuleForm, FoundForm, PreRegistrationForm
from smartkampung.checkpoints.rules import region_name
from smartkampung.core.errors import sentences
from smartkampung.core.http import is_htmx
from smartkampung.health.models import EntryRule, Symptom
from smartkampung.health.selectors import rule_in_force
from smartkampung.regions.selectors import regency_choices


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    posts = list(selectors.checkpoints_for_officer(request.user))
    if len(posts) == 1:
        return redirect("checkpoints:register", code=posts[0].code)
    if not posts and not selectors.may_edit_rules(request.user):
        raise PermissionDenied(_("You are not an officer of any checkpoint."))
    return render(request, "checkpoints/home.html", {"checkpoints": posts})


def _today_at(checkpoint) -> list:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(checkpoint.arrivals.filter(registered_at__gte=start).select_related("destination_village")[:20])


def _register_context(request, checkpoint, form, **extra) -> dict:
    return {"checkpoint": checkpoint, "form": form, "today": _today_at(checkpoint), **extra}


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, code: str) -> HttpResponse:
    checkpoint = selectors.officer_checkpoint(request.user, code)
    context: dict = {}
    if request.method == "POST":
        values = {**request.POST.dict(), "symptoms": request.POST.getlist("symptoms")}
        try:
            registration = services.register_arrival(
                user=request.user,
                checkpoint=checkpoint,
                values=values,
                repeat_confirmed=request.POST.get("repeat_confirmed") in {"1", "on", "true", "True"},
            )
        except services.CheckpointError as exc:
            form = ArrivalForm(request.POST)
            form.add_errors(exc.errors)
            context = {"form": form}
        except services.RepeatedArrival as exc:
            form = ArrivalForm(request.POST)
            form.add_errors([])
            context = {"form": form, "earlier": present.arrival_dict(exc.earlier)}
        else:
            context = {"form": ArrivalForm(), "result": present.arrival_dict(registration.arrival)}
    context = _register_context(request, checkpoint, context.pop("form", None) or ArrivalForm(), **context)
    template = "checkpoints/_register.html" if is_htmx(request) else "checkpoints/register.html"
    # htmx swaps no 4xx answer into the desk: there the errors come with a 200, else the officer sees nothing.
    refused = bool(context["form"].errors) and not is_htmx(request)
    return render(request, template, context, status=422 if refused else 200)


@login_required
@require_GET
def lookup(request: HttpRequest, code: str) -> HttpResponse:
    """The form pre-filled for a NIK (or a pre-registration code): registry record, earlier passes here."""
    checkpoint = selectors.officer_checkpoint(request.user, code)
    nik, prereg_code = request.GET.get("nik", "").strip(), request.GET.get("code", "").strip().upper()
    initial: dict = {"nik": nik}
    notes: dict = {}
    if prereg_code and not nik:
        prereg = selectors.pending_preregistrations(code=prereg_code).first()
        if prereg is None:
            notes["lookup_error"] = _("No expected traveller has code %(code)s.") % {"code": prereg_code[:10]}
        else:
            nik = initial["nik"] = prereg.nik
    try:
        found = services.look_up_nik(user=request.user, checkpoint=checkpoint, nik=nik) if nik else None
    except services.LookupThrottled as exc:
        found, retry_after = None, exc.retry_after
        notes["lookup_error"] = exc.detail
    else:
        retry_after = None
    if found is not None and not found.valid:
        notes["lookup_error"] = sentences(found.errors)
    elif found is not None:
        data = found.as_json()
        initial.update(
            name=data["name"],
            sex=data["sex"] or "",
            birth_date=data["birth_date"].strftime("%d-%m-%Y") if data["birth_date"] else "",
            phone=data["phone"],
        )
        if data["home_village"]:
            initial.update(destination_village=data["home_village"], destination_address=data["home_address"])
        if found.preregistrations:
            p = found.preregistrations[0]
            initial.update(
                preregistration_code=p.code,
                destination_village=p.destination_village_id,
                destination_address=p.destination_address,
            )
            # What the traveller said when announcing the trip; never the home address or the NIK's regency.
            if p.origin_regency_id:
                initial["origin_regency"] = p.origin_regency_id
            notes["preregistration"] = present.preregistration_dict(p)
        notes["resident"] = found.resident is not None
        if found.earlier:
            notes["earlier"] = present.arrival_dict(found.earlier[0])
    context = _register_context(request, checkpoint, ArrivalForm(initial=initial), **notes)
    template = "checkpoints/_register.html" if is_htmx(request) else "checkpoints/register.html"
    # htmx swaps no 4xx answer into the desk: there the refusal is shown in words with a 200.
    throttled = retry_after is not None and not is_htmx(request)
    response = render(request, template, context, status=429 if throttled else 200)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_GET
def arrival_list(request: HttpRequest) -> HttpResponse:
    arrivals = selectors.arrivals_visible_to(request.user)
    status = request.GET.get("status", "")
    if status == "monitoring":
        arrivals = arrivals.filter(monitoring_until__gte=timezone.localdate())
    page = list(arrivals[:100])
    if page:
        audit.record(
            action="search", object_type="arrival", subject=status, object_ids=sorted({a.nik for a in page if a.nik})
        )
    return render(
        request,
        "checkpoints/arrival_list.html",
        {"arrivals": page, "status": status, "may_report_found": selectors.may_report_found(request.user)},
    )


@login_required
@require_GET
def arrival_detail(request: HttpRequest, pk: int) -> HttpResponse:
    arrival = get_object_or_404(selectors.arrivals_visible_to(request.user), pk=pk)
    audit.record(action="view", object_type="arrival", subject=arrival.nik, object_ids=[arrival.nik])
    symptoms = [str(Symptom(s).label) for s in arrival.symptoms if s in Symptom.values]
    return render(
        request,
        "checkpoints/arrival_detail.html",
        {"arrival": arrival, "a": present.arrival_dict(arrival), "symptoms": symptoms},
    )


@login_required
@require_GET
def preregistration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An announced trip, as the destination village reads it from its notification."""
    prereg = get_object_or_404(selectors.preregistrations_visible_to(request.user), pk=pk)
    audit.record(action="view", object_type="preregistration", subject=prereg.nik, object_ids=[prereg.nik])
    arrival = selectors.arrivals_visible_to(request.user).filter(preregistration=prereg).first()
    return render(
        request,
        "checkpoints/preregistration_detail.html",
        {"prereg": prereg, "p": present.preregistration_dict(prereg), "arrival": arrival},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """A regency's entry rules (`?regency=`: one of those the user sets or applies; the first by default)."""
    if not (selectors.may_edit_rules(request.user) or selectors.checkpoints_for_officer(request.user).exists()):
        raise PermissionDenied(_("The entry rules are for the health agency and checkpoint officers."))
    regency = selectors.rule_regency(request.user, request.GET.get("regency") or None)
    if regency is None:
        raise Http404(_("No such regency here."))
    may_edit = selectors.may_edit_rules(request.user, regency)
    current = rule_in_force(regency)
    initial = {}
    if current is not None:
        initial = {
            "banned_origins": " ".join(current.banned_origins),
            "high_risk_origins": " ".join(current.high_risk_origins),
            "temperature_threshold": current.temperature_threshold,
            "referral_symptoms": current.referral_symptoms,
            "isolation_days": current.isolation_days,
        }
    form = EntryRuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the health agency sets the entry rules."))
        if form.is_valid():
            try:
                services.create_entry_rule(user=request.user, values={**form.cleaned_data, "regency": regency})
            except services.CheckpointError as exc:
                form.add_errors(exc.errors)
            else:
                return redirect(f"{reverse('checkpoints:rules')}?regency={regency}")
    history = list(EntryRule.objects.filter(regency_id=regency).select_related("created_by")[:30])
    described = None
    if current is not None:
        described = {
            "banned": [f"{region_name(code)} ({code})" for code in current.banned_origins],
            "high_risk": [f"{region_name(code)} ({code})" for code in current.high_risk_origins],
            "symptoms": [str(Symptom(s).label) for s in current.referral_symptoms if s in Symptom.values],
        }
    return render(
        request,
        "checkpoints/rules.html",
        {
            "form": form,
            "current": current,
            "described": described,
            "history": history,
            "may_edit": may_edit,
            "regency": regency,
            "regencies": regency_choices(selectors.rule_regencies(request.user)),
        },  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def found_create(request: HttpRequest) -> HttpResponse:
    scope = write_scope(request.user)
    if scope.nothing:
        raise PermissionDenied(_("Only village operators report newcomers."))
    form = FoundForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.report_found(user=request.user, values=form.cleaned_data)
        except services.CheckpointError as exc:
            form.add_errors(exc.errors)
        else:
            return redirect("checkpoints:arrival_detail", pk=registration.arrival.pk)
    return render(request, "checkpoints/found_form.html", {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def preregister(request: HttpRequest) -> HttpResponse:
    """Public: a traveller (or their family) announces the trip; the code is shown once, with its QR."""
    form = PreRegistrationForm(request.POST or None)
    if request.method == "POST":
        response = HttpResponse()
        if not allowed_to_preregister(request, response):
            form.add_error(None, _("Too many pre-registrations from this address. Try again later."))
            return render(request, "checkpoints/preregister.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                prereg = services.preregister(values=form.cleaned_data)
            except services.CheckpointError as exc:
                form.add_errors(exc.errors)
            else:
                return render(
                    request,
                    "checkpoints/preregister_done.html",
                    {"prereg": prereg, "qr": present.qr_svg(prereg.code)},
                    status=201,
                )
    return render(
        request,
        "checkpoints/preregister.html",
        {"form": form, "days": settings.PREREGISTRATION_MAX_DAYS_AHEAD},
        status=422 if form.errors else 200,
    )
