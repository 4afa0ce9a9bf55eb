"""Audit entries in words: field names and roles as the forms call them, not as the code does (the words
come from the apps that own them, through audit.access)."""

from django import template

from smartkampung.audit import access

register = template.Library()


@register.filter
def field_label(name: str) -> str:
    return access.field_label(str(name))


@register.filter
def role_labels(codes: str) -> str:
    return ", ".join(access.role_label(code) for code in codes.split(",") if code)
