from django import template

from smartkampung.aid.explain import words

register = template.Library()


@register.filter
def explain(parts):
    """A stored match explanation as (field, what was seen, weight) in the reader's language."""
    return words(parts)
