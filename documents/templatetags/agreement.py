"""Words agreed with a person's civility in the documents they appear on (issue 26):
`{{ member.user|agreed:"présent,présente,présent(e)" }}` — masculine, feminine, and the
inclusive form kept only when the civility is unknown."""

from django import template

register = template.Library()


@register.filter
def agreed(user, forms: str) -> str:
    masculine, feminine, either = (forms.split(",") + ["", ""])[:3]
    agree = getattr(user, "agreed", None)
    if agree is None:
        return either or masculine
    return agree(masculine, feminine, either or masculine)
