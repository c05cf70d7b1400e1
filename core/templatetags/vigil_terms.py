"""`{{ "ICB"|abbr }}` writes <abbr title="Integrated Care Board">ICB</abbr> (core/glossary.py); a word not in the
glossary is written as it is."""

from django import template
from django.utils.html import format_html

from core.glossary import full_name

register = template.Library()


@register.filter
def abbr(short):
    full = full_name(str(short))
    return format_html('<abbr title="{}">{}</abbr>', full, short) if full else short
