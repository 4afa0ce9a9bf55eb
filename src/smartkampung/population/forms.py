"""Forms of the registry pages. They check only the shape of the input (required, length, a date);
the rules of the register live in services/validation, whose errors the views put back on these
forms with `add_registry_errors`."""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.selectors import Scope
from smartkampung.core.forms import TextChecked
from smartkampung.population.models import (
    Education,
    FamilyRelation,
    Household,
    MaritalStatus,
    Religion,
    Resident,
    ResidentStatus,
    Sex,
)
from smartkampung.population.validation import no_such_day, parse_date
from smartkampung.regions.models import District, Village

# The forms population.validation.parse_date reads (DayField parses with it, so the two never disagree);
# %d%m%Y is the 8 digits a phone's numeric keypad types, without a dash.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d"]


class DayField(forms.DateField):
    """A day as people type it: whatever population.validation.parse_date reads (DD-MM-YYYY, DDMMYYYY, …);
    a day the calendar does not have (31022020) is refused in words of its own."""

    input_formats = DATE_INPUT_FORMATS

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        day = parse_date(value)
        if day is None:
            raise ValidationError(no_such_day(value) or self.error_messages["invalid"], code="invalid")
        return day


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


class _Form(TextChecked, forms.Form):
    """Labels without a colon; required fields marked (label.required) for the eye, `required` for the ear."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def district_choices(scope: Scope | None = None) -> list[tuple[str, str]]:
    """The kecamatan of the served regencies (those `scope` reaches into), by name."""
    districts = District.objects.filter(regency_id__in=settings.SMARTKAMPUNG_REGENCIES)
    if scope is not None and not scope.everything:
        reached = set(scope.districts) | {code[:6] for code in scope.villages}
        districts = districts.filter(Q(code__in=sorted(reached)) | scope.regency_q("code"))
    return list(districts.order_by("name").values_list("code", "name"))


def village_choices(scope: Scope | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The villages of the served regencies (those in `scope`), grouped by kecamatan (an <optgroup> each)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    villages = Village.objects.filter(district__regency_id__in=settings.SMARTKAMPUNG_REGENCIES)
    if scope is not None and not scope.everything:
        villages = villages.filter(
            Q(code__in=sorted(scope.villages)) | Q(district_id__in=sorted(scope.districts)) | scope.regency_q("code")
        )
    villages = villages.order_by("district__name", "name").values_list("code", "name", "district__name")
    for code, name, district in villages:
        groups.setdefault(district, []).append((code, name))
    return list(groups.items())


def _blank(choices, label=None):
    return [("", label or "—"), *choices]


def add_registry_errors(form: forms.Form, errors: list[tuple[str, str]]) -> None:
    """Put the (label, message) pairs of a RegistryError next to the fields they name; the rest on top."""
    by_label = {str(field.label).casefold(): name for name, field in form.fields.items()}
    for label, message in errors:
        name = by_label.get(str(label).casefold())
        if name is not None and not (name in form.errors and message in form.errors[name]):
            form.add_error(name, message)
        else:
            form.add_error(None, f"{label}: {message}" if label else message)


class ResidentSearchForm(TextChecked, forms.Form):
    """The search box and filters of the resident list. Invalid filters are dropped, never an error page."""

    q = forms.CharField(label=_("NIK or name"), required=False, max_length=100)
    district = forms.ChoiceField(label=_("Kecamatan"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, scope: Scope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the places the user's jurisdiction reaches: the others would list nobody.
        self.fields["district"].choices = _blank(district_choices(scope), _("All kecamatan"))
        self.fields["village"].choices = _blank(village_choices(scope), _("All villages"))
        self.fields["status"].choices = _blank(ResidentStatus.choices, _("Any status"))
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "placeholder": _("e.g. 351001 or Siti Aminah"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        )

    def filters(self) -> dict[str, str | int]:
        """The valid values only: a bad one (a typed-in URL) counts as not given."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "district": data.get("district") or "",
            "village": data.get("village") or "",
            "status": data.get("status") or "",
            "page": data.get("page") or 1,
        }


class ResidentForm(_Form):
    """Register (with NIK) or change (without) a resident."""

    nik = forms.CharField(
        label=_label(Resident, "nik"),
        max_length=40,
        help_text=_("16 digits, as on the KTP or the Kartu Keluarga."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk_number = forms.CharField(
        label=_label(Household, "kk_number"),
        max_length=40,
        help_text=_("16 digits. The household must already be registered."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_label(Resident, "name"), max_length=150)
    birth_place = forms.CharField(label=_label(Resident, "birth_place"), max_length=100, required=False)
    birth_date = DayField(
        label=_label(Resident, "birth_date"),
        help_text=_("DD-MM-YYYY, e.g. 17-08-1985."),
        widget=forms.DateInput(
            format="%d-%m-%Y",
            attrs={"placeholder": "DD-MM-YYYY", "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={"invalid": _("Write the date as DD-MM-YYYY, e.g. 17-08-1985.")},
    )
    sex = forms.ChoiceField(label=_label(Resident, "sex"), choices=Sex.choices, widget=forms.RadioSelect)
    religion = forms.ChoiceField(label=_label(Resident, "religion"), choices=_blank(Religion.choices), required=False)
    marital_status = forms.ChoiceField(
        label=_label(Resident, "marital_status"), choices=_blank(MaritalStatus.choices), required=False
    )
    family_relation = forms.ChoiceField(
        label=_label(Resident, "family_relation"), choices=_blank(FamilyRelation.choices), required=False
    )
    education = forms.ChoiceField(
        label=_label(Resident, "education"), choices=_blank(Education.choices), required=False
    )
    occupation = forms.CharField(label=_label(Resident, "occupation"), max_length=100, required=False)
    mother_name = forms.CharField(label=_label(Resident, "mother_name"), max_length=150, required=False)
    father_name = forms.CharField(label=_label(Resident, "father_name"), max_length=150, required=False)
    phone = forms.CharField(
        label=_label(Resident, "phone"),
        max_length=30,
        required=False,
        help_text=_("e.g. 0812 3456 7890 or +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_label(Resident, "status"), choices=ResidentStatus.choices, initial=ResidentStatus.LIVING
    )
    lost_job = forms.BooleanField(label=_label(Resident, "lost_job"), required=False)
    informal_income_loss = forms.BooleanField(label=_label(Resident, "informal_income_loss"), required=False)
    tourism_worker = forms.BooleanField(label=_label(Resident, "tourism_worker"), required=False)

    def __init__(self, *args, with_nik: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_nik:
            del self.fields["nik"]

    def values(self) -> dict:
        """The cleaned data as the services take it."""
        values = dict(self.cleaned_data)
        for name in ("nik", "kk_number"):
            if name in values:
                values[name] = "".join(values[name].split())
        return values

    @staticmethod
    def initial_for(resident: Resident) -> dict:
        initial = {name: getattr(resident, name) for name in ResidentForm.base_fields if name != "kk_number"}
        initial["kk_number"] = resident.household.kk_number
        return initial


class HouseholdForm(_Form):
    """Register (with KK number) or change (without) a household."""

    kk_number = forms.CharField(
        label=_label(Household, "kk_number"),
        max_length=40,
        help_text=_("16 digits, as on the Kartu Keluarga."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    village_code = forms.ChoiceField(label=_label(Household, "village"))
    address = forms.CharField(label=_label(Household, "address"), max_length=255, required=False)
    rt = forms.CharField(
        label=_label(Household, "rt"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    rw = forms.CharField(
        label=_label(Household, "rw"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    postal_code = forms.CharField(
        label=_label(Household, "postal_code"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )

    def __init__(self, *args, with_kk: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = _blank(village_choices(), _("Choose the village"))
        if not with_kk:
            del self.fields["kk_number"]

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        if "kk_number" in values:
            values["kk_number"] = "".join(values["kk_number"].split())
        return values

    @staticmethod
    def initial_for(household: Household) -> dict:
        return {
            "village_code": household.village_id,
            "address": household.address,
            "rt": household.rt,
            "rw": household.rw,
            "postal_code": household.postal_code,
        }


class ImportForm(_Form):
    file = forms.FileField(
        label=_("Registry file (CSV or XLSX)"),
        help_text=_("A SIAK export or a village spreadsheet; the first row must hold the column names."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    village = forms.ChoiceField(
        label=_("Village for rows without a village code"),
        required=False,
        help_text=_("Only needed when the file has no KODE_DESA column (e.g. a list from one village)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = _blank(village_choices(), _("Not needed"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SMARTKAMPUNG_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)d MB); at most %(limit)d MB can be uploaded."),
                params={"size": upload.size // (1024 * 1024), "limit": limit // (1024 * 1024)},
            )
        return upload


class MoveRequestForm(_Form):
    """Pindah datang: a person (NIK, into one of your households) or a whole household (KK, into your village)."""

    KINDS = [("resident", _("A person, into a household of my village")), ("household", _("A whole household"))]

    kind = forms.ChoiceField(label=_("Who moves"), choices=KINDS, initial="resident", widget=forms.RadioSelect)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    to_kk_number = forms.CharField(
        label=_("household joined (KK number)"),
        required=False,
        max_length=40,
        help_text=_("A household of your village; register it first if the person starts a new one."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk_number = forms.CharField(
        label=_("KK number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    to_village = forms.ChoiceField(label=_("destination"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_village"].choices = _blank(village_choices(scope), _("Choose the village"))

    def values(self) -> dict[str, str]:
        data = self.cleaned_data
        if data["kind"] == "household":
            return {"kk_number": data["kk_number"], "to_village_code": data["to_village"], "reason": data["reason"]}
        return {"nik": data["nik"], "to_kk_number": data["to_kk_number"], "reason": data["reason"]}


class MoveDecisionForm(_Form):
    reason = forms.CharField(
        label=_("reason"), max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
