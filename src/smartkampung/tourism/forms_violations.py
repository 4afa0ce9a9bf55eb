"""Forms of violations: they collect what was typed; the services check it (one set of rules for pages and API)
and their refusals are shown next to these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from smartkampung.core.errors import Refused
from smartkampung.core.forms import TextChecked
from smartkampung.tourism.models import Certificate
from smartkampung.tourism.services import violations as services


class ReportForm(TextChecked, forms.Form):
    """A violation report. `places` are the (searched) reportable places; one may be preselected. Its text is
    checked here for control characters (TextChecked): the page is read after the client is counted, not by the
    middleware."""

    place_id = forms.TypedChoiceField(label=_("Place"), coerce=int, choices=())
    what = forms.CharField(
        label=_("What happened"),
        max_length=services.WHAT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": services.WHAT_MAX}),
        help_text=_("For example: staff without masks, no hand-washing place, far more visitors than allowed."),
    )
    seen_at = forms.CharField(
        label=_("When you saw it (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Date and time in WIB, as DD-MM-YYYY HH:MM. Not in the future."),
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
    )
    contact = forms.CharField(
        label=_("Your phone or e-mail (optional)"),
        required=False,
        max_length=120,
        help_text=_(
            "Optional. It is used only to ask you about this report, and only the tourism agency sees it. "
            "You can report without it."
        ),
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_id"].choices = [("", _("Choose the place")), *((p.pk, str(p)) for p in places)]


class StatusLookupForm(forms.Form):
    code = forms.CharField(label=_("Report code"), max_length=20)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("upheld", _("uphold the report")), ("dismissed", _("dismiss the report"))]
    )
    outcome = forms.CharField(
        label=_("Outcome (the reporter reads it)"),
        max_length=services.OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    action = forms.ChoiceField(
        label=_("The certificate"),
        required=False,
        initial=services.Action.NONE,
        choices=[
            (services.Action.NONE, _("stays as it is")),
            (services.Action.SUSPEND, _("is suspended")),
            (services.Action.REVOKE, _("is revoked (final)")),
        ],
    )


class CertificateStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (Certificate.Status.SUSPENDED, _("suspended")),
            (Certificate.Status.REVOKED, _("revoked (final)")),
            (Certificate.Status.VALID, _("valid again (lift a suspension)")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


def add_errors(form: forms.Form, refusal: Refused) -> None:
    """A service's refusal next to the form's fields (the API's field names map onto the form's)."""
    for field, message in refusal.errors:
        form.add_error(field if field in form.fields else None, message)
