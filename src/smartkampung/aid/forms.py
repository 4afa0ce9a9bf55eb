"""Forms of the social-aid pages (they only parse: the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.aid.importer import COLUMNS
from smartkampung.aid.models import Conflict, Program

_COLUMN_LABELS = {
    "nik": _("NIK column"),
    "kk_number": _("KK column"),
    "name": _("name column"),
    "birth_date": _("birth date column"),
    "address": _("address column"),
    "village": _("village column"),
}


class ListUploadForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.filter(active=True))
    period = forms.RegexField(
        label=_("Period (year-month)"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7,
        error_messages={"invalid": _("Give the period as year and month, e.g. 2020-05.")},
        widget=forms.TextInput(attrs={"placeholder": "2020-05", "inputmode": "numeric"}),
    )  # fmt: skip
    file = forms.FileField(label=_("List (CSV or XLSX)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COLUMNS:
            self.fields[f"column_{name}"] = forms.CharField(
                label=_COLUMN_LABELS[name], required=False, max_length=60,
                help_text=_("only if the file names it otherwise"),
            )  # fmt: skip

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"column_{name}", "").strip()
            for name in COLUMNS
            if self.cleaned_data.get(f"column_{name}")
        }


class DecisionForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[
            ("candidate", _("it is the candidate")),
            ("other", _("it is someone else (NIK below)")),
            ("none", _("nobody on the register")),
        ],  # fmt: skip
        widget=forms.RadioSelect,
    )
    nik = forms.RegexField(label=_("NIK of the right person"), regex=r"^\d{16}$", required=False, max_length=16)

    def clean(self):
        data = super().clean()
        if data.get("choice") == "other" and not data.get("nik"):
            self.add_error("nik", _("Give the NIK of the person this row means."))
        return data


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(choices=Conflict.Resolution.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
