from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from smartkampung.accounts.models import (
    CHECKPOINT_ROLES,
    DISTRICT_ROLES,
    PUSKESMAS_ROLES,
    REGENCY_ROLES,
    VILLAGE_ROLES,
    Pillar,
    Role,
    RoleAssignment,
)
from smartkampung.core.forms import TextChecked
from smartkampung.regions.models import District, Village
from smartkampung.regions.selectors import puskesmas_choices, regency_choices


class UserForm(TextChecked, forms.Form):
    username = forms.RegexField(
        label=_("username"),
        regex=r"^[\w.@+-]+$",
        max_length=150,
        help_text=_("Letters, digits and . _ - only, e.g. operator.bakungan"),
    )
    full_name = forms.CharField(label=_("full name"), max_length=150)
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, min_length=10)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class RoleForm(TextChecked, forms.Form):
    # A blank first choice: a careless submit must not make anyone an administrator.
    role = forms.ChoiceField(label=_("role"), choices=[("", "—"), *Role.choices])
    regency = forms.ChoiceField(label=_("regency"), required=False)
    district = forms.ChoiceField(label=_("kecamatan"), required=False)
    village = forms.ChoiceField(label=_("village"), required=False)
    puskesmas = forms.ChoiceField(label=_("Puskesmas"), required=False)
    checkpoint = forms.ChoiceField(label=_("checkpoint"), required=False)
    pillar = forms.ChoiceField(label=_("pillar"), required=False, choices=[("", "—"), *Pillar.choices])

    def __init__(self, *args, regencies=None, whole_deployment: bool = True, **kwargs):
        """`regencies`: those whose places are offered (the administrator's; by default every one served);
        `whole_deployment`: whether the province administrator's role is offered."""
        super().__init__(*args, **kwargs)
        regencies = tuple(settings.SMARTKAMPUNG_REGENCIES if regencies is None else regencies)
        if not whole_deployment:
            self.fields["role"].choices = [
                (v, label) for v, label in self.fields["role"].choices if v != Role.PROVINCE_ADMIN
            ]
        self.fields["regency"].choices = [("", "—"), *regency_choices(regencies)]
        self.fields["district"].choices = [("", "—")] + list(
            District.objects.filter(regency_id__in=regencies).order_by("name").values_list("code", "name")
        )
        self.fields["village"].choices = [("", "—")] + [
            (code, f"{name} ({district})")
            for code, name, district in Village.objects.filter(district__regency_id__in=regencies)
            .order_by("name")
            .values_list("code", "name", "district__name")
        ]
        self.fields["puskesmas"].choices = [("", "—"), *puskesmas_choices(regencies)]
        self.fields["checkpoint"].choices = [("", "—")] + list(
            RoleAssignment._meta.get_field("checkpoint")  # the checkpoints module sits above accounts
            .related_model.objects.filter(active=True, village__district__regency_id__in=regencies)
            .order_by("name")
            .values_list("pk", "name")
        )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in REGENCY_ROLES and not data.get("regency"):
            self.add_error("regency", _("Choose the regency of this role."))
        if role in DISTRICT_ROLES and not data.get("district"):
            self.add_error("district", _("Choose the kecamatan of this role."))
        if role in VILLAGE_ROLES and not data.get("village"):
            self.add_error("village", _("Choose the village of this role."))
        if role in PUSKESMAS_ROLES and not data.get("puskesmas"):
            self.add_error("puskesmas", _("Choose the Puskesmas of this role."))
        if role in CHECKPOINT_ROLES and not data.get("checkpoint"):
            self.add_error("checkpoint", _("Choose the checkpoint of this role."))
        if role == Role.VILLAGE_OVERSIGHT and not data.get("pillar"):
            self.add_error("pillar", _("Choose which of the three pillars."))
        if role not in REGENCY_ROLES:
            data["regency"] = ""
        if role not in DISTRICT_ROLES:
            data["district"] = ""
        if role not in VILLAGE_ROLES:
            data["village"] = ""
        if role not in PUSKESMAS_ROLES:
            data["puskesmas"] = ""
        if role not in CHECKPOINT_ROLES:
            data["checkpoint"] = ""
        if role != Role.VILLAGE_OVERSIGHT:
            data["pillar"] = ""
        return data
