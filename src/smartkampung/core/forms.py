"""What every form shares: its text fields take no control characters (`core.validators`); a text area (multi-line
text) keeps its line breaks and tabs."""

from django import forms

from smartkampung.core.validators import NoControlCharacters


class TextChecked:
    """Mix into a form first (`class MyForm(TextChecked, forms.Form)`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                field.validators.append(NoControlCharacters(multiline=isinstance(field.widget, forms.Textarea)))
