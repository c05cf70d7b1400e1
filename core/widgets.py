"""The NHS.UK date input (day, month and year boxes) as a Django widget and form field, and the prompt every
select without a sensible default starts with ("Choose organisation").

Every date field of every NHS form (core.forms.NHSFormMixin) becomes an `NHSDateField` with an
`NHSDateInput`, whether it was declared on the form, made from a model's DateField or added in a
form's `__init__`: see `nhs_date_field` and `NHSFields`.

Names posted: `<name>-day`, `<name>-month`, `<name>-year` (ids `id_<name>-day`...). A single ISO
value posted under the field's own name (`due_date=2027-03-27`, as a script or an API-like client
sends) is read as well, when none of the three boxes is posted.

Errors follow the NHS pattern and name the field: "Due date must include a month", "Due date must
be a real date", "Enter due date"; the error summary links to the day box (`id_for_label`).
"""

import copy
import datetime as dt
import functools

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

PARTS = ("day", "month", "year")
EXAMPLE_HINT = "For example, 27 3 2027"
_DEFAULT_REQUIRED = str(forms.Field.default_error_messages["required"])


class NHSDateInput(forms.MultiWidget):
    """Three numeric text boxes inside `nhsuk-date-input`; the fieldset, legend, hint and error message
    around them are templates/includes/date_field.html (chosen by templates/includes/field.html)."""

    template_name = "core/widgets/date_input.html"
    nhs_date_input = True  # templates/includes/field.html renders a fieldset for it

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput, forms.TextInput, forms.TextInput], attrs)
        self.widgets_names = [f"-{part}" for part in PARTS]

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value.count("-") == 2:  # an ISO value posted under the field's name
            year, month, day = value.strip().split("-")
            return [day, month, year]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        if all(f"{name}-{part}" not in data for part in PARTS):
            return data.get(name)  # one ISO value under the field's own name, or None when nothing is posted
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        errored = "nhsuk-input--error" in widget["attrs"].get("class", "")
        missing = [sub["value"] in (None, "") for sub in widget["subwidgets"]]
        # Only the missing boxes are marked when a part is missing; every box when the date is not real.
        marked = missing if errored and any(missing) and not all(missing) else [errored] * 3
        id_ = widget["attrs"].get("id")
        for part, sub, mark in zip(PARTS, widget["subwidgets"], marked, strict=True):
            width = 4 if part == "year" else 2
            sub["label"] = part.capitalize()
            kept = {k: v for k, v in sub["attrs"].items() if k in ("disabled", "readonly")}
            sub["attrs"] = {
                "class": f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}"
                + (" nhsuk-input--error" if mark else ""),
                "inputmode": "numeric",
                **({"id": f"{id_}-{part}"} if id_ else {}),
                **kept,
            }
        return context


class NHSDateField(forms.DateField):
    """A date from the three boxes of NHSDateInput (or one ISO value), with the NHS error messages."""

    widget = NHSDateInput

    def _name(self):
        return str(self.label) if self.label else "The date"

    def _not_real(self):
        return ValidationError(f"{self._name()} must be a real date", code="invalid")

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return self._from_parts(value)
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise self._not_real() from error

    def _from_parts(self, parts):
        parts = [str(part or "").strip() for part in (list(parts) + ["", "", ""])[:3]]
        if not any(parts):
            return None
        missing = [part for part, given in zip(PARTS, parts, strict=True) if not given]
        if missing:
            raise ValidationError(f"{self._name()} must include a {' and '.join(missing)}", code="incomplete")
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise self._not_real()
        day, month, year = parts
        if len(year) != 4:
            raise ValidationError(f"{self._name()}: the year must include 4 numbers", code="invalid_year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise self._not_real() from error


def nhs_date_field(field, name):
    """`field` (a forms.DateField) as an NHSDateField with its label, requiredness, help, initial value,
    validators and custom messages; the default "required" message becomes "Enter <label>"."""
    if isinstance(field, NHSDateField) or not isinstance(field, forms.DateField):
        return field
    converted = copy.copy(field)
    converted.__class__ = NHSDateField
    converted.label = field.label if field.label is not None else pretty_name(name)
    converted.widget = NHSDateInput()
    converted.widget.is_required = field.required
    converted.error_messages = dict(field.error_messages)
    if str(converted.error_messages.get("required")) == _DEFAULT_REQUIRED:
        converted.error_messages["required"] = f"Enter {_lowered(converted.label)}"
    return converted


def _lowered(label):
    label = str(label)
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]  # "LADO told on" keeps its capitals


DASHES = "---------"


class PromptedSelectMixin:
    """A select whose empty option reads "Choose <label>" instead of Django's dashes; `add_prompt` puts that option
    first when the choices have no empty one and more than one option (a required choice not made yet)."""

    prompt = "Choose one"
    add_prompt = False

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = [option for _, group, _ in groups for option in group]
        for option in options:
            if option["value"] in ("", None) and str(option["label"]) == DASHES:
                option["label"] = self.prompt
        if self.add_prompt and len(options) > 1 and not any(option["value"] in ("", None) for option in options):
            chosen = any(option["selected"] for option in options)
            prompt = self.create_option(name, "", self.prompt, not chosen, 0, attrs=attrs)
            groups.insert(0, (None, [prompt], 0))
        return groups


@functools.cache
def _prompted(widget_class):
    return type(widget_class.__name__, (PromptedSelectMixin, widget_class), {})


def prompt_select(field, name, *, has_initial=False):
    """Give a single select its prompt: Django's "---------" empty option becomes "Choose <label>"; a required choice
    without an empty option and without an initial value gets one (so nothing is chosen for the person); a required
    one refused blank says "Choose <label>"."""
    widget = field.widget
    if not isinstance(widget, forms.Select) or isinstance(widget, forms.SelectMultiple):
        return field
    label = field.label if field.label is not None else pretty_name(name)
    if not isinstance(widget, PromptedSelectMixin):
        widget.__class__ = _prompted(widget.__class__)
    widget.prompt = f"Choose {_lowered(label)}"
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = widget.prompt
    elif field.required and not has_initial and field.initial is None:
        widget.add_prompt = True
    if field.required and str(field.error_messages.get("required")) == _DEFAULT_REQUIRED:
        field.error_messages = {**field.error_messages, "required": widget.prompt}
    return field


class NHSFields(dict):
    """A form's `fields` in which every date field is an NHSDateField and every select has its prompt, including a
    field added after the form's __init__ began (core.forms.NHSFormMixin installs it)."""

    def __init__(self, fields, initial=None, prepare=None):
        super().__init__()
        self.initial = initial or {}
        self.prepare = prepare  # core.forms: NHS.UK classes, bounded numbers
        for name, field in fields.items():
            self[name] = field

    def __setitem__(self, name, field):
        field = nhs_date_field(field, name)
        field = prompt_select(field, name, has_initial=self.initial.get(name) not in (None, ""))
        if self.prepare is not None:
            field = self.prepare(name, field)
        super().__setitem__(name, field)

    def update(self, *args, **kwargs):
        for name, field in dict(*args, **kwargs).items():
            self[name] = field

    def __deepcopy__(self, memo):
        copied = {name: copy.deepcopy(field, memo) for name, field in self.items()}
        return NHSFields(copied, self.initial, self.prepare)
