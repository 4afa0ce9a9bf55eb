"""Forms of the places pages. They check the shape of the input only (required, length); the rules (a phone
number, coordinates in the regency, capacity and stay ranges, the photos) live in services/places.py, whose
refusals the views put back next to these fields with `add_errors`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.forms import TextChecked
from smartkampung.population.forms import district_choices, village_choices
from smartkampung.tourism.models import Place, PlaceKind


class _Form(TextChecked, forms.Form):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _number(step: str, **attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": step, "inputmode": "decimal", **attrs})


class PlaceFields(_Form):
    """The place itself, as an owner and the agency describe it."""

    kind = forms.ChoiceField(label=_("Kind of place"))
    name = forms.CharField(label=_("Name of the place"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=forms.Textarea)
    village = forms.ChoiceField(label=_("Village"))
    address = forms.CharField(label=_("Address"), max_length=200)
    latitude = forms.CharField(label=_("Latitude"), max_length=20, widget=_number("any", placeholder="-8.2192"))
    longitude = forms.CharField(label=_("Longitude"), max_length=20, widget=_number("any", placeholder="114.3692"))
    opening_hours = forms.CharField(
        label=_("Opening hours"), required=False, max_length=200, help_text=_("e.g. every day 08.00-17.00")
    )
    capacity = forms.CharField(
        label=_("Maximum visitors at once"), max_length=7, widget=_number("1", min="1", max="100000")
    )
    usual_stay_minutes = forms.CharField(
        label=_("Usual stay (minutes)"),
        max_length=6,
        initial="120",
        widget=_number("1", min="10", max="20160"),
        help_text=_("How long a visitor usually stays; a visit not checked out stops counting after it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *PlaceKind.choices]
        self.fields["village"].choices = [("", "—"), *village_choices()]


class ContactFields(_Form):
    """Who runs the place and how the agency reaches them."""

    owner_name = forms.CharField(label=_("Owner or manager"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})
    )
    contact_email = forms.CharField(
        label=_("Contact e-mail"), required=False, max_length=254, widget=forms.EmailInput()
    )


class SignUpForm(PlaceFields):
    """An owner's new account and their first place's application."""

    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    phone = forms.CharField(
        label=_("Your phone"), max_length=40, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})
    )

    ACCOUNT = ("username", "password", "password2", "full_name", "phone")

    def account_values(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.ACCOUNT}

    def place_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.ACCOUNT}


class OwnerPlaceForm(ContactFields, PlaceFields):
    """A signed-in owner applies for another place (the contact defaults to their earlier place's)."""


class AgencyPlaceForm(ContactFields, PlaceFields):
    """The agency registers a place for its owner, optionally making the owner an account."""

    owner_username = forms.CharField(
        label=_("Make an account for the owner, with this username"),
        required=False,
        max_length=150,
        help_text=_("Leave empty for no account. A one-time password is shown once, to hand to the owner."),
    )

    def place_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "owner_username"}


class EditPlaceForm(ContactFields, PlaceFields):
    """A manager edits the place."""


class PlaceFilterForm(TextChecked, forms.Form):
    """The search box and filters of the places list. Invalid filters are dropped, never an error page."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    district = forms.ChoiceField(label=_("Kecamatan"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *PlaceKind.choices]
        self.fields["district"].choices = [("", _("All kecamatan")), *district_choices()]
        self.fields["status"].choices = [("", _("Any status")), *Place.Status.choices]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"autocomplete": "off"})

    def filters(self) -> dict[str, str]:
        """The valid values only: a bad one (a typed-in address) counts as not given."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
