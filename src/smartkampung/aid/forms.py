"""Forms of the social-aid pages (they only parse: the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.aid.importer import COLUMNS
from smartkampung.aid.models import Impact, Program, Sector, Situation
from smartkampung.core.forms import TextChecked
from smartkampung.population.forms import DayField
from smartkampung.regions.selectors import regency_choices

_COLUMN_LABELS = {
    "nik": _("NIK column"),
    "kk_number": _("KK column"),
    "name": _("name column"),
    "birth_date": _("birth date column"),
    "address": _("address column"),
    "village": _("village column"),
}


class ListUploadForm(TextChecked, forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.filter(active=True))
    period = forms.RegexField(
        label=_("Period (year-month)"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7,
        error_messages={"invalid": _("Give the period as year and month, e.g. 2020-05.")},
        widget=forms.TextInput(attrs={"placeholder": "2020-05", "inputmode": "numeric"}),
    )  # fmt: skip
    file = forms.FileField(label=_("List (CSV or XLSX)"))

    def __init__(self, *args, regencies: tuple[str, ...] = (), **kwargs):
        """`regencies`: those the user imports for; with more than one, they say whose list it is."""
        super().__init__(*args, **kwargs)
        if len(regencies) > 1:
            self.fields["regency"] = forms.ChoiceField(
                label=_("Regency (matched against its register only)"), choices=regency_choices(regencies)
            )
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


class DecisionForm(TextChecked, forms.Form):
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


class ResolveForm(TextChecked, forms.Form):
    """A conflict's resolution as the page's buttons send it (the service says in words what is not offered)."""

    # The page's buttons send `choice` ("keep_first", or "withdraw-<row id>" for one of two rows); other
    # clients may send `resolution` and `row`.
    choice = forms.CharField(max_length=40, required=False)
    resolution = forms.CharField(max_length=20, required=False)
    # Listed twice: the id of the row withdrawn.
    row = forms.IntegerField(min_value=1, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        choice = data.get("choice") or ""
        if choice:
            resolution, _dash, row = choice.partition("-")
            if row and not row.isdigit():
                raise forms.ValidationError(_("Choose one of the buttons."))
            data["resolution"], data["row"] = resolution, int(row) if row else data.get("row")
        return data


_NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


class ReportForm(TextChecked, forms.Form):
    """A citizen's "I received no aid" (the service checks the values: errors come back in its words)."""

    nik = forms.CharField(label="NIK", max_length=40, required=False, widget=forms.TextInput(attrs=_NUMBER))
    kk_number = forms.CharField(
        label=_("KK number (family card)"), max_length=40, required=False, widget=forms.TextInput(attrs=_NUMBER)
    )
    phone = forms.CharField(
        label=_("Phone (the village will call you)"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    situation = forms.ChoiceField(
        label=_("What happened?"), choices=Situation.choices, required=False, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Tell us more (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportDecisionForm(TextChecked, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("approve: enrol the household")), ("reject", _("do not approve"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AffectedForm(TextChecked, forms.Form):
    nik = forms.RegexField(label="NIK", regex=r"^\d{16}$", max_length=16,
                           error_messages={"invalid": _("A NIK has 16 digits.")},
                           widget=forms.TextInput(attrs=_NUMBER))  # fmt: skip
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    impact = forms.ChoiceField(label=_("How the work was hit"), choices=Impact.choices)
    since = forms.CharField(
        label=_("Since (DD-MM-YYYY)"), max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "01-04-2020"}),
    )  # fmt: skip
    income_lost = forms.CharField(label=_("Income lost per month (Rp)"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))  # fmt: skip
    employer = forms.CharField(label=_("Employer or workplace"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AffectedImportForm(TextChecked, forms.Form):
    file = forms.FileField(label=_("List (CSV or XLSX)"))
    sector = forms.ChoiceField(label=_("Sector, for rows that do not say"), choices=[("", "—"), *Sector.choices],
                               required=False)  # fmt: skip
    impact = forms.ChoiceField(label=_("Impact, for rows that do not say"), choices=[("", "—"), *Impact.choices],
                               required=False)  # fmt: skip
    since = DayField(label=_("Since, for rows that do not say (DD-MM-YYYY)"), required=False)


class EndAffectedForm(TextChecked, forms.Form):
    reason = forms.CharField(label=_("Why no longer affected"), max_length=300)


def weights_form(current: dict):
    """One field per factor of the ranking, filled with the weight in force."""
    from smartkampung.aid.priority import FACTORS

    fields = {
        f.code: forms.DecimalField(label=f.label, initial=current[f.code], min_value=-100, max_value=100,
                                   max_digits=6, decimal_places=1, help_text=f.unit or _("yes or no"))
        for f in FACTORS
    }  # fmt: skip
    return type("WeightsForm", (forms.Form,), fields)
