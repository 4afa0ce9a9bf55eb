"""Audit entries in words: field names and roles as the forms call them, not as the code does."""

from django import template

register = template.Library()


@register.filter
def field_label(name: str) -> str:
    from smartkampung.population.validation import name_label

    return name_label(str(name))


@register.filter
def role_labels(codes: str) -> str:
    from smartkampung.accounts.models import Role

    labels = dict(Role.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes.split(",") if code)
