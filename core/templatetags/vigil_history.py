"""`{% readable_entries entries as rows %}`: audit entries in human terms (core.history), for the shared log table."""

from django import template

from core.history import readable

register = template.Library()


@register.simple_tag
def readable_entries(entries):
    return readable(entries)
