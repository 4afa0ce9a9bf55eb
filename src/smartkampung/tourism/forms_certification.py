"""Forms of certification: they parse and check the shape of the input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.tourism.models import Decision, Dimension, Finding, Inspection, PlaceKind


class ScheduleForm(forms.Form):
    place = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Inspection.Purpose.choices)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    mine = forms.BooleanField(label=_("I inspect it myself"), required=False, initial=True)


class FindingForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Finding.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    photo = forms.FileField(label=_("Photo"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for a certificate with conditions."),
    )
    deadline = forms.DateField(
        label=_("Conditions to be met by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for a rejection."),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of your signing key"),
        required=False,
        strip=False,
        max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("A certificate is signed with your key; not needed for a rejection."),
    )


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("Requirement (Bahasa Indonesia)"), max_length=300)
    text_en = forms.CharField(label=_("Requirement (English)"), max_length=300, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=5)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False)


class NewChecklistItemForm(forms.Form):
    kind = forms.ChoiceField(choices=PlaceKind.choices, widget=forms.HiddenInput)
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens."))
    text = forms.CharField(label=_("Requirement (Bahasa Indonesia)"), max_length=300)
    text_en = forms.CharField(label=_("Requirement (English)"), max_length=300, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=5, initial=3)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("Certificate file (PDF)"))


def add_refusal(form: forms.Form, refusal) -> None:
    """A service's refusal next to the fields it names, the rest above the form."""
    for field, message in refusal.errors:
        form.add_error(field if field in form.fields else None, message)
