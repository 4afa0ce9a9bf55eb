from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.errors import Refused
from smartkampung.core.forms import TextChecked
from smartkampung.privacy.services import REFERENCE_MAX


class SubjectRequestForm(TextChecked, forms.Form):
    """Whose data, and the request it answers (both kept in the audit entry). The service checks them."""

    nik = forms.CharField(label=_("NIK"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    reference = forms.CharField(
        label=_("Reference of the request"),
        max_length=REFERENCE_MAX,
        help_text=_("The number of the person's request letter, kept in the audit log with the export."),
    )

    def add_refusal(self, refusal: Refused) -> None:
        for field, message in refusal.errors:
            self.add_error(field if field in self.fields else None, message)
