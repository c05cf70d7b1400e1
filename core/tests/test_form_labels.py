"""Honest forms: a field the page marks "(optional)" is one that saving does not refuse when blank.

Walks every NHS.UK form class of every app (subclasses of core.forms.NHSFormMixin) and checks, for each
field marked optional (required=False, shown "(optional)" by templates/includes/field.html):
- it is not one of the SMART fields the action tracker refuses when blank (core.rules.smart_action_problems);
- on a model form, the model itself allows it blank.
And the SMART action forms refuse a blank field on the form, naming it with the rule's own message.
"""

import datetime as dt
import importlib

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.template.loader import render_to_string

from core.forms import NHSFormMixin, SmartActionForm, smart_action_fields
from core.rules import smart_action_problems

SMART_REFUSED_BLANK = set(smart_action_problems(title="", owner="", due_date=None, success_measure="", today=None))


# Optional fields whose model column is required, because blank has a meaning the action fills in (each
# field's hint says so on the page).
BLANK_MEANS = {
    ("PolicyForm", "review_interval_months"): "the default interval (governance.actions)",
    ("DbsCheckForm", "certificate_number"): "keep the stored number; required when a check is recorded",
}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def nhs_form_classes():
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
    found = {cls for cls in _all_subclasses(NHSFormMixin) if issubclass(cls, forms.BaseForm)}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = nhs_form_classes()


def _optional_fields(form_class):
    return [(name, field) for name, field in form_class.base_fields.items() if not field.required]


def test_the_walk_finds_the_forms_of_every_app():
    modules = {cls.__module__.split(".")[0] for cls in FORMS}
    assert {"core", "assurance", "returns", "reviews", "casework", "governance", "workforce"} <= modules
    assert len(FORMS) > 30


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_no_field_marked_optional_is_one_an_action_refuses_blank(form_class):
    optional = {name for name, _ in _optional_fields(form_class)}
    smart_form = {"owner", "due_date", "success_measure"} <= set(form_class.base_fields)
    if smart_form:
        assert not optional & SMART_REFUSED_BLANK, (
            f"{form_class.__qualname__} marks {sorted(optional & SMART_REFUSED_BLANK)} optional, "
            "but a SMART action is refused without them"
        )
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return
    for name, field in _optional_fields(form_class):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if (form_class.__qualname__, name) in BLANK_MEANS:
            continue
        if isinstance(field.widget, (forms.CheckboxInput, forms.HiddenInput)):
            continue  # a checkbox left unticked is False, not blank
        allows_blank = model_field.blank or model_field.has_default() or model_field.null
        assert allows_blank, f"{form_class.__qualname__}.{name} is marked optional but {model.__name__} requires it"


@pytest.mark.parametrize(
    "form_class", [cls for cls in FORMS if issubclass(cls, SmartActionForm)], ids=lambda cls: cls.__qualname__
)
def test_smart_action_forms_mark_and_refuse_every_smart_field(form_class):
    for name in SMART_REFUSED_BLANK:
        assert form_class.base_fields[name].required, f"{form_class.__qualname__}.{name}"
    blank = smart_action_problems(title="", owner="", due_date=None, success_measure="", today=None)
    for name, message in blank.items():
        with pytest.raises(ValidationError) as refused:
            form_class.base_fields[name].clean("")
        assert refused.value.messages == [message]


def test_every_smart_action_form_shares_the_one_definition():
    smart = [cls for cls in FORMS if {"owner", "due_date", "success_measure"} <= set(cls.base_fields)]
    not_shared = [
        cls.__qualname__
        for cls in smart
        if not issubclass(cls, SmartActionForm) and not cls.__module__.startswith("reviews")  # one action per org
    ]
    assert not not_shared


def test_a_required_field_is_not_labelled_optional_and_an_optional_one_is():
    class Probe(NHSFormMixin, forms.Form):
        needed = forms.CharField(label="Needed")
        extra = forms.CharField(label="Extra", required=False)

    form = Probe()
    assert "(optional)" not in render_to_string("includes/field.html", {"field": form["needed"]})
    assert "Extra (optional)" in render_to_string("includes/field.html", {"field": form["extra"]})
    smart = forms.Form()
    smart.fields = smart_action_fields()
    for name in SMART_REFUSED_BLANK:
        assert "(optional)" not in render_to_string("includes/field.html", {"field": smart[name]})


def test_a_past_due_date_is_still_refused_by_the_action():
    problems = smart_action_problems(
        title="t", owner="o", due_date=dt.date(2026, 1, 1), success_measure="s", today=dt.date(2026, 2, 1)
    )
    assert problems == {"due_date": "The due date cannot be in the past."}
