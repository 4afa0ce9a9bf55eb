"""Forms of the letters pages. They only parse what a person typed; the checks that matter (who may, the NIK and KK
number, the attachments' real type and size, the template's placeholders) are the services' and come back as
Refused, shown next to the fields."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.core.forms import TextChecked
from smartkampung.letters.attachments import Upload
from smartkampung.letters.models import MAX_CHAIN, Action, LetterType, Position

ATTACHMENT_ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"
_ATTACHMENT_LINE = re.compile(r"^\s*([a-z0-9][a-z0-9_-]{0,29})\s*:\s*(.{1,120}?)\s*$")


def attachment_field_name(code: str) -> str:
    return f"attachment_{code}"


def uploads_from(files) -> dict[str, Upload]:
    """The files a request carries, keyed by the requirement's code (the inputs are named attachment_<code>);
    files under other names are handed on too, so the service can say it does not take them."""
    found: dict[str, Upload] = {}
    for name, upload in files.items():
        if not name.startswith("attachment_"):
            continue
        # Read one byte past the limit at most: the service says "too large" without holding a huge file.
        data = upload.read(settings.LETTERS_ATTACHMENT_MAX_BYTES + 1)
        found[name.removeprefix("attachment_")[:30]] = Upload(name=str(upload.name or "")[:200], data=data)
    return found


def attachment_context(chosen: LetterType | None, file_errors: dict[str, list[str]] | None = None) -> dict:
    """What the attachment inputs need: one row (requirement, its errors) a document the chosen letter takes,
    and the errors about files it does not take."""
    file_errors = file_errors or {}
    required = list(chosen.attachments) if chosen else []
    codes = {item["code"] for item in required}
    return {
        "chosen": chosen,
        "attachment_rows": [(item, file_errors.get(item["code"], [])) for item in required],
        "other_file_errors": [e for code, errors in file_errors.items() if code not in codes for e in errors],
        "attachment_accept": ATTACHMENT_ACCEPT,
        "attachment_max_mb": f"{settings.LETTERS_ATTACHMENT_MAX_BYTES / 1024 / 1024:g}",
    }


def type_choices(letter_types) -> list[tuple[str, str]]:
    return [("", gettext_lazy("— choose a letter —")), *[(t.code, t.name) for t in letter_types]]


class OfficeRequestForm(TextChecked, forms.Form):
    """A request taken at the village office: the resident's NIK is enough, the register fills the rest."""

    letter_type = forms.ChoiceField(label=gettext_lazy("Letter"))
    nik = forms.CharField(
        label="NIK",
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=300, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone (if not the one in the register)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, letter_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_type"].choices = type_choices(letter_types)


class OnlineRequestForm(TextChecked, forms.Form):
    """A resident's own request from a phone: NIK with the KK number as second factor, a phone to be told on."""

    letter_type = forms.ChoiceField(label=gettext_lazy("Letter"))
    nik = forms.CharField(
        label="NIK", max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    kk_number = forms.CharField(
        label=gettext_lazy("KK number (family card)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Your phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    purpose = forms.CharField(label=gettext_lazy("What is the letter for?"), max_length=300, required=False)

    def __init__(self, *args, letter_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_type"].choices = type_choices(letter_types)


class OwnLetterForm(TextChecked, forms.Form):
    """The resident's code with their NIK and KK number: nothing of a letter shows without all three."""

    code = forms.CharField(
        label=gettext_lazy("Request code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    nik = forms.CharField(
        label="NIK", max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    kk_number = forms.CharField(
        label=gettext_lazy("KK number (family card)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def secret_field(label) -> forms.CharField:
    """A passphrase or a file's password: taken as typed (spaces count), never shown again, never remembered."""
    return forms.CharField(
        label=label, max_length=1024, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


class SignForm(forms.Form):
    passphrase = secret_field(gettext_lazy("Passphrase of your signing key"))


class RejectForm(TextChecked, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the resident is told)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class Pkcs12Form(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Certificate file from BSrE (.p12 or .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    password = secret_field(gettext_lazy("Password of the file"))


class GatewayForm(TextChecked, forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("Your NIK, as registered at BSrE"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The letter as a PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


# ---------------------------------------------------------------- the administrator's letter types

POSITION_CHOICES = [("", gettext_lazy("— no step —")), *Position.choices]
ACTION_CHOICES = Action.choices


class LetterTypeForm(TextChecked, forms.Form):
    """A letter type as the administrator edits it; the chain is MAX_CHAIN rows of position + meaning (an empty
    position ends the chain), the attachments one "code: label" a line."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    title = forms.CharField(label=gettext_lazy("Printed title"), max_length=120)
    classification_code = forms.CharField(label=gettext_lazy("Classification code"), max_length=20)
    body_template = forms.CharField(
        label=gettext_lazy("Template (opening)"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    closing_template = forms.CharField(
        label=gettext_lazy("Closing"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, required=False
    )
    attachments = forms.CharField(
        label=gettext_lazy("Required documents"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("One a line, as “code: label”, e.g. “kk: Kartu Keluarga”."),
    )
    validity_days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=3650)
    number_pattern = forms.CharField(label=gettext_lazy("Number pattern"), max_length=120)
    needs_purpose = forms.BooleanField(label=gettext_lazy("Ask for the purpose"), required=False)
    active = forms.BooleanField(label=gettext_lazy("Offered"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_CHAIN + 1):
            self.fields[f"position_{i}"] = forms.ChoiceField(
                label=gettext_lazy("Step %(n)s: who") % {"n": i}, choices=POSITION_CHOICES, required=False
            )
            self.fields[f"action_{i}"] = forms.ChoiceField(
                label=gettext_lazy("Step %(n)s: meaning") % {"n": i}, choices=ACTION_CHOICES, required=False
            )

    @classmethod
    def initial_of(cls, letter_type: LetterType) -> dict:
        initial = {
            "name": letter_type.name,
            "title": letter_type.title,
            "classification_code": letter_type.classification_code,
            "body_template": letter_type.body_template,
            "closing_template": letter_type.closing_template,
            "attachments": "\n".join(f"{a['code']}: {a['label']}" for a in letter_type.attachments),
            "validity_days": letter_type.validity_days,
            "number_pattern": letter_type.number_pattern,
            "needs_purpose": letter_type.needs_purpose,
            "active": letter_type.active,
        }
        for step in letter_type.steps.order_by("order"):
            initial[f"position_{step.order}"] = step.position
            initial[f"action_{step.order}"] = step.action
        return initial

    def chain_rows(self) -> list[tuple]:
        """(position field, meaning field) per row, for the template."""
        return [(self[f"position_{i}"], self[f"action_{i}"]) for i in range(1, MAX_CHAIN + 1)]

    def clean_attachments(self) -> list[dict]:
        items, bad = [], []
        for line in self.cleaned_data.get("attachments", "").splitlines():
            if not line.strip():
                continue
            match = _ATTACHMENT_LINE.match(_lower_code(line))
            if match is None:
                bad.append(line.strip()[:40])
                continue
            items.append({"code": match.group(1), "label": match.group(2)})
        if bad:
            raise forms.ValidationError(
                _("Write each document as “code: label” (the code in small letters, digits, - or _): %(lines)s")
                % {"lines": "; ".join(bad)}
            )
        return items

    def clean(self):
        cleaned = super().clean()
        chain, ended = [], False
        for i in range(1, MAX_CHAIN + 1):
            position, action = cleaned.get(f"position_{i}") or "", cleaned.get(f"action_{i}") or ""
            if not position:
                ended = True
                continue
            if ended:
                self.add_error(f"position_{i}", _("Fill the steps in order, without an empty one between."))
            chain.append((position, action or Action.SIGN))
        cleaned["chain"] = chain
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            **{f: data.get(f) for f in ("name", "title", "classification_code", "body_template", "closing_template")},
            "attachments": data.get("attachments") or [],
            "validity_days": data.get("validity_days"),
            "number_pattern": data.get("number_pattern"),
            "needs_purpose": bool(data.get("needs_purpose")),
            "active": bool(data.get("active")),
            "chain": data.get("chain") or [],
        }


def _lower_code(line: str) -> str:
    code, _sep, label = line.strip().partition(":")
    return f"{code.strip().lower()}:{label}"
