"""One form field as crispy-bootstrap5 draws it (`|as_crispy_field`), drawn in Python.

`{{ form.name|as_field }}` gives the markup of crispy's `bootstrap5/field.html` for a vertical
form (no helper, no label or field class): the wrapper `div`, the label (a `fieldset`/`legend`
for radio buttons and check boxes), the required marker, the widget with its Bootstrap classes,
the errors (`invalid-feedback`, ids `error_N_<id>`) and the help text (`<id>_helptext`, the target
of Django's `aria-describedby`). The same elements, attributes and texts, without crispy's chain of
five to eight template includes per field, which made a form of 80 fields cost 40 ms of template
rendering. File inputs still go through crispy (no page of many files). The widget itself is
Django's, as with crispy: `tests/test_form_fields.py` compares both renderings field by field.
"""

from typing import Any, cast

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WIDGETS = "django/forms/widgets/"
# Django's widget templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("checkbox", "color", "date", "datetime", "email", "hidden", "number", "password")
    + ("search", "tel", "text", "time", "url")
)
_CONTEXT = Context()  # as a widget template renders a value: localized, autoescaped


def _value(value: object) -> str:
    if isinstance(value, Promise):  # what render_value_in_context does, translating once
        value = str(value)
    return render_value_in_context(value, _CONTEXT)


def _widget(field: BoundField) -> str:
    """`str(field)`: Django's widget, drawn in Python as its stock templates draw it (input,
    textarea, select) with the default form renderer; any other widget through its template."""
    widget = field.field.widget
    template_name = widget.template_name
    if (
        field.field.show_hidden_initial
        or type(field.form.renderer) is not DjangoTemplates
        or not (template_name in INPUTS or template_name in (TEXTAREA, SELECT))
    ):
        return str(field)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    data = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(data["name"])
    if template_name == TEXTAREA:
        value = _value(data["value"]) if data["value"] else ""
        return f'<textarea name="{name}"{_attrs(data["attrs"])}>\n{value}</textarea>'
    if template_name == SELECT:
        parts = [f'<select name="{name}"{_attrs(data["attrs"])}>']
        for group, options, _index in data["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{_value(group)}">')
            for option in options:
                if option["template_name"] != OPTION:
                    return str(field)
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{_value(option['label'])}</option>\n"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
    value = data["value"]
    value = f' value="{conditional_escape(str(value))}"' if value is not None else ""
    kind = conditional_escape(data["type"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(data["attrs"])}>'


TEXTAREA = f"{WIDGETS}textarea.html"
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"


def _widget_classes(field: BoundField, extra: str) -> None:
    """What crispy's `{% crispy_field field 'class' extra %}` does to the widget's attributes."""
    widget = field.field.widget
    widgets = getattr(widget, "widgets", [getattr(widget, "widget", widget)])
    converters = getattr(settings, "CRISPY_CLASS_CONVERTERS", {})
    for sub in widgets:
        class_name = sub.__class__.__name__.lower()
        class_name = converters.get(class_name, class_name)
        css_class = sub.attrs.get("class", "")
        if css_class:
            if css_class.find(class_name) == -1:
                css_class += f" {class_name}"
        else:
            css_class = class_name
        present = css_class.split()
        css_class += "".join(f" {name}" for name in extra.split() if name not in present)
        sub.attrs["class"] = css_class


def _errors_block(field: BoundField, errors: ErrorList) -> str:
    if not errors:
        return ""
    ident = escape(field.auto_id)
    items = "".join(
        f'<p id="error_{number}_{ident}"><strong>{conditional_escape(str(error))}</strong></p>'
        for number, error in enumerate(errors, 1)
    )
    field_id = errors.field_id  # type: ignore[attr-defined]  # Django 5.2's, not in the stubs
    return f'<div id="{escape(field_id)}_error" class="invalid-feedback">{items}</div>'


def _help_text(field: BoundField) -> str:
    if not field.help_text:
        return ""
    ident = f'id="{escape(field.auto_id)}_helptext" ' if field.auto_id else ""
    return f'<div {ident}class="form-text">{field.help_text}</div>'


def _attrs(attrs: dict[str, Any]) -> str:
    """crispy's `bootstrap5/layout/attrs.html`."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _choices(field: BoundField, errors: ErrorList) -> str:
    """crispy's `bootstrap5/layout/radio_checkbox_select.html` (no inline class)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    invalid = " is-invalid" if errors else ""
    name = conditional_escape(field.html_name)
    parts = ["<div>"]
    for group_number, (group, options, _index) in enumerate(groups, 1):
        if group:
            parts.append(f"<strong>{conditional_escape(group)}</strong>")
        for number, option in enumerate(options, 1):
            value = conditional_escape(str(option["value"]))
            parts.append(
                f'<div class="form-check"><input type="{option["type"]}" '
                f'class="form-check-input{invalid}" name="{name}" value="{value}"'
                f"{_attrs(option['attrs'])}>"
                f'<label for="{conditional_escape(option["attrs"].get("id", ""))}" '
                f'class="form-check-label">{conditional_escape(str(option["label"]))}</label>'
            )
            if errors and number == len(options) and group_number == len(groups):
                parts.append(_errors_block(field, errors))
            parts.append("</div>")
    parts.append("</div>")
    parts.append(_help_text(field))
    return "".join(parts)


@register.filter
def as_field(field: BoundField) -> SafeString:
    """The field as `|as_crispy_field` draws it, in one call (see the module's docstring)."""
    widget = field.field.widget
    if isinstance(widget, forms.FileInput):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return cast(SafeString, as_crispy_field(field))
    if field.is_hidden:
        return mark_safe(_widget(field))  # noqa: S308 - Django's widget, its values escaped
    errors = field.errors
    required = field.field.required
    checkbox = isinstance(widget, forms.CheckboxInput)
    choices = isinstance(widget, forms.RadioSelect)  # radio buttons and CheckboxSelectMultiple
    label = conditional_escape(str(field.label))  # a lazy label: translated once
    marker = '<span class="asteriskField">*</span>' if required else ""
    css = field.css_classes()
    parts = []
    if checkbox:
        parts.append('<div class="mb-3">')
    wrapper = "form-check" if checkbox else "mb-3"
    wrapper += f" {escape(css)}" if css else ""
    parts.append(f'<div id="div_{escape(field.auto_id)}" class="{wrapper}">')
    fieldset = field.use_fieldset and bool(label) and not checkbox
    if label and not checkbox:
        tag = "legend" if field.use_fieldset else "label"
        if field.use_fieldset:
            described = field.aria_describedby
            parts.append(
                f'<fieldset aria-describedby="{escape(described)}">' if described else "<fieldset>"
            )
        target = field.id_for_label
        classes = "form-label" + (" requiredField" if required else "")
        classes += " fs-6" if field.use_fieldset else ""
        target_attr = f' for="{escape(target)}"' if target else ""
        parts.append(f'<{tag}{target_attr} class="{classes}">{label}{marker}</{tag}>')
    if choices:
        parts.append(_choices(field, errors))
    elif checkbox:
        _widget_classes(field, "form-check-input is-invalid" if errors else "form-check-input")
        parts.append(_widget(field))
        parts.append(
            f'<label for="{escape(field.id_for_label)}" class="form-check-label'
            f'{" requiredField" if required else ""}">{label}{marker}</label>'
        )
        parts.append(_errors_block(field, errors) + _help_text(field))
    else:
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        _widget_classes(field, f"{kind} is-invalid" if errors else kind)
        parts.append(_widget(field))
        parts.append(_errors_block(field, errors) + _help_text(field))
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    if checkbox:
        parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or Django's


@register.filter
def as_form(form: forms.BaseForm) -> SafeString:
    """The form as crispy-bootstrap5's `|crispy` draws it: its errors that belong to no field,
    then each field as `|as_field` draws it."""
    parts = []
    errors = form.non_field_errors()
    if errors:
        items = "\n".join(f"\t<li>{conditional_escape(str(error))}</li>" for error in errors)
        parts.append(
            f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>'
        )
    parts.extend(as_field(field) for field in form)
    return mark_safe("".join(parts))  # noqa: S308 - drawn by as_field, the errors escaped
