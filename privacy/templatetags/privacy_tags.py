from django import template

from cqpm.core.registry import value_label

register = template.Library()


@register.filter
def code_label(value):
    """The French label of a coded value (a stage, an outcome), as the audit history shows it."""
    return value_label(value) if isinstance(value, str) else value


@register.filter
def iso_date(value):
    """JJ/MM/AAAA for the ISO dates and date-times of the export ("" for none)."""
    if not value:
        return "—"
    day = str(value)[:10]
    return f"{day[8:10]}/{day[5:7]}/{day[0:4]}" if len(day) == 10 else value
