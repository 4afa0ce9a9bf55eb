"""A village's own numbering pattern is set here (/django-admin/letters/numberingrule/): the regency administrator
enters it for the village that asks, checked like the letter types' patterns on /letters/types/."""

from django import forms
from django.contrib import admin

from smartkampung.letters.models import NumberingRule
from smartkampung.letters.numbering import pattern_problems


class NumberingRuleForm(forms.ModelForm):
    class Meta:
        model = NumberingRule
        fields = ["village", "letter_type", "pattern"]

    def clean(self):
        data = super().clean()
        for problem in pattern_problems(data.get("pattern") or "", village_wide=not data.get("letter_type")):
            self.add_error("pattern", problem)
        return data


@admin.register(NumberingRule)
class NumberingRuleAdmin(admin.ModelAdmin):
    form = NumberingRuleForm
    list_display = ["village", "letter_type", "pattern"]
    search_fields = ["village__name", "village__code"]
    raw_id_fields = ["village"]
