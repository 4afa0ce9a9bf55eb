"""Forms of the checkpoint pages. They only render and carry the input: `checkpoints/validation.py`
checks it (one check for pages and API), and the views put its errors back with `add_errors`."""

from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.checkpoints.models import TravelMode
from smartkampung.health.models import IsolationPlace, Symptom
from smartkampung.population.forms import _Form, village_choices
from smartkampung.population.models import Sex
from smartkampung.regions.codes import code_lists


@cache
def regency_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every regency and city of Indonesia, grouped by province (an <optgroup> each)."""
    lists = code_lists()
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, (province, name) in sorted(lists.regencies.items()):
        groups.setdefault(lists.provinces.get(province, province), []).append((code, name))
    return sorted(groups.items())


# A day typed as everywhere else: DD-MM-YYYY, the numeric keypad (8 digits without dashes are read too).
DAY = {"inputmode": "numeric", "placeholder": "DD-MM-YYYY", "autocomplete": "off", "maxlength": "10"}


def _choices(choices, blank: str = "—"):
    return [("", blank), *choices]


class ArrivalForm(_Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name (as on the KTP)"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=_choices(Sex.choices))
    birth_date = forms.CharField(
        label=_("Date of birth (DD-MM-YYYY)"), required=False, widget=forms.TextInput(attrs=DAY)
    )
    phone = forms.CharField(label=_("Phone"), widget=forms.TextInput(attrs={"inputmode": "tel"}))
    origin_regency = forms.ChoiceField(
        label=_("Comes from (regency or city)"),
        help_text=_("Ask where the trip started: not the address on the KTP."),
    )
    origin_address = forms.CharField(label=_("Origin address"), required=False)
    destination_village = forms.ChoiceField(label=_("Destination village"))
    destination_address = forms.CharField(label=_("Address at the destination"))
    host_name = forms.CharField(label=_("Host"), required=False)
    purpose = forms.CharField(label=_("Purpose of the trip"), required=False)
    travel_mode = forms.ChoiceField(label=_("Travel mode"), required=False, choices=_choices(TravelMode.choices))
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), required=False)
    temperature = forms.CharField(
        label=_("Temperature (°C)"), widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "36.5"})
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        required=False,
        choices=Symptom.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),  # each label wraps its box (checkpoints.css)
    )
    contact_with_case = forms.BooleanField(label=_("Contact with a confirmed case in the last 14 days"), required=False)
    isolation_place = forms.ChoiceField(
        label=_("Will isolate at"),
        choices=IsolationPlace.choices,
        initial=IsolationPlace.HOME,
        widget=forms.RadioSelect,
    )
    preregistration_code = forms.CharField(required=False, widget=forms.HiddenInput)
    repeat_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_regency"].choices = _choices(regency_choices(), _("— ask the traveller —"))
        self.fields["destination_village"].choices = _choices(village_choices())

    def add_errors(self, errors: list[tuple[str, str]]) -> None:
        """Show the one check's errors (checkpoints/validation.py) on the fields, in place of the form's own
        generic ones (the check knows, e.g., that a NIK gives the sex when none is chosen)."""
        self.is_valid()
        self._errors.clear()
        for name, message in errors:
            self.add_error(name if name in self.fields and name != "preregistration_code" else None, message)


class FoundForm(_Form):
    nik = forms.CharField(
        label=_("NIK (if known)"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    name = forms.CharField(label=_("Name (if known)"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Without a NIK: what the person looks like, what they said about themselves."),
    )  # fmt: skip
    phone = forms.CharField(label=_("Phone (if any)"), required=False)
    origin_regency = forms.ChoiceField(label=_("Comes from (if known)"), required=False)
    destination_village = forms.ChoiceField(label=_("Village where found"))
    found_at = forms.CharField(label=_("Where found"))
    destination_address = forms.CharField(label=_("Where the person is staying (if known)"), required=False)

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_regency"].choices = _choices(regency_choices())
        self.fields["destination_village"].choices = _choices(village_choices(scope))

    add_errors = ArrivalForm.add_errors


class PreRegistrationForm(_Form):
    nik = forms.CharField(label=_("NIK of the traveller"), widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(label=_("Name (as on the KTP)"))
    phone = forms.CharField(label=_("Phone number during the trip"), widget=forms.TextInput(attrs={"inputmode": "tel"}))
    origin_regency = forms.ChoiceField(label=_("Travelling from (regency or city)"), required=False)
    destination_village = forms.ChoiceField(label=_("Destination village"))
    destination_address = forms.CharField(label=_("Address at the destination"))
    expected_arrival = forms.CharField(label=_("Expected arrival (DD-MM-YYYY)"), widget=forms.TextInput(attrs=DAY))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_regency"].choices = _choices(regency_choices())
        self.fields["destination_village"].choices = _choices(village_choices())

    add_errors = ArrivalForm.add_errors


class EntryRuleForm(_Form):
    banned_origins = forms.CharField(
        label=_("Banned origins"), required=False,
        help_text=_("Province (2 digits) or regency codes (4 digits), separated by spaces, e.g. 51 for Bali."),
    )  # fmt: skip
    high_risk_origins = forms.CharField(label=_("High-risk origins"), required=False, help_text=_("Codes as above."))
    temperature_threshold = forms.DecimalField(
        label=_("Temperature limit (°C)"), max_digits=3, decimal_places=1, initial=37.5
    )
    referral_symptoms = forms.MultipleChoiceField(
        label=_("Symptoms that refer to the Puskesmas"), required=False, choices=Symptom.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )  # fmt: skip
    isolation_days = forms.IntegerField(label=_("Isolation length (days)"), min_value=1, max_value=60, initial=14)
    note = forms.CharField(label=_("Reason for the change"), max_length=300)

    add_errors = ArrivalForm.add_errors
