"""The NHS.UK date input (core.widgets): day, month and year boxes, the NHS error messages naming the field, an ISO
value under the field's own name still read; and every date field of every NHS form uses it."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from core.forms import NHSFormMixin
from core.tests.test_form_labels import FORMS
from core.widgets import NHSDateField, NHSDateInput, NHSFields


class Probe(NHSFormMixin, forms.Form):
    due_date = forms.DateField(label="Due date")
    told_on = forms.DateField(label="LADO told on", required=False, help_text="When the LADO was told.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.DateField(label="Added later", required=False)


def _post(day="", month="", year="", **extra):
    return Probe({"due_date-day": day, "due_date-month": month, "due_date-year": year, **extra})


def _error(form):
    form.is_valid()
    return form.errors.get("due_date", [None])[0]


class TestTheField:
    def test_every_date_field_of_the_form_is_an_nhs_date_field_even_one_added_later(self):
        form = Probe()
        assert all(isinstance(form.fields[name], NHSDateField) for name in ("due_date", "told_on", "added_later"))
        assert isinstance(Probe.base_fields["due_date"], forms.DateField)  # the class itself is untouched

    def test_it_reads_the_three_boxes(self):
        form = _post("27", "3", "2027")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["due_date"] == dt.date(2027, 3, 27)

    def test_it_reads_one_iso_value_under_the_fields_own_name(self):
        form = Probe({"due_date": "2027-03-27"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["due_date"] == dt.date(2027, 3, 27)
        assert _error(Probe({"due_date": "2027-02-30"})) == "Due date must be a real date"
        assert NHSDateInput().value_from_datadict({}, {}, "due_date") is None  # nothing posted: no value at all

    @pytest.mark.parametrize(
        ("parts", "message"),
        [
            (("", "3", "2027"), "Due date must include a day"),
            (("27", "", "2027"), "Due date must include a month"),
            (("27", "3", ""), "Due date must include a year"),
            (("", "", "2027"), "Due date must include a day and month"),
            (("", "", ""), "Enter due date"),
            (("27", "March", "2027"), "Due date must be a real date"),
            (("2x", "3", "2027"), "Due date must be a real date"),
            (("-1", "3", "2027"), "Due date must be a real date"),
            (("32", "1", "2027"), "Due date must be a real date"),
            (("1", "13", "2027"), "Due date must be a real date"),
            (("0", "1", "2027"), "Due date must be a real date"),
            (("1", "1", "27"), "Due date: the year must include 4 numbers"),
        ],
    )
    def test_it_names_the_field_in_the_nhs_messages(self, parts, message):
        assert _error(_post(*parts)) == message

    def test_29_february_only_in_a_leap_year(self):
        assert _post("29", "2", "2028").is_valid()
        assert _error(_post("29", "2", "2027")) == "Due date must be a real date"
        assert _error(_post("29", "2", "2100")) == "Due date must be a real date"  # not a leap year
        assert _post("29", "2", "2000").is_valid()

    def test_an_optional_date_left_blank_is_none_and_an_acronym_keeps_its_capitals(self):
        form = _post("1", "1", "2027")
        assert form.is_valid() and form.cleaned_data["told_on"] is None
        assert Probe().fields["told_on"].widget.is_required is False
        lado = NHSFields({"told_on": forms.DateField(label="LADO told on")})["told_on"]
        with pytest.raises(ValidationError) as refused:
            lado.clean(["", "", ""])
        assert refused.value.messages == ["Enter LADO told on"]

    @settings(max_examples=60)
    @given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
    def test_any_real_date_round_trips_through_the_boxes(self, day):
        widget = NHSDateInput()
        parts = widget.decompress(day)
        assert parts == [str(day.day), str(day.month), str(day.year)]
        assert NHSDateField(label="Due date").clean(parts) == day


class TestTheMarkup:
    def test_a_fieldset_legend_hint_and_three_numeric_boxes(self):
        form = Probe(initial={"due_date": dt.date(2027, 3, 27)})
        html = render_to_string("includes/field.html", {"field": form["due_date"]})
        assert '<legend class="nhsuk-fieldset__legend">Due date</legend>' in html
        assert 'aria-describedby="id_due_date-hint"' in html
        assert "For example, 27 3 2027" in html
        for part, value, width in (("day", "27", 2), ("month", "3", 2), ("year", "2027", 4)):
            assert f'name="due_date-{part}"' in html
            assert f'id="id_due_date-{part}"' in html
            assert f'value="{value}"' in html
            assert f"nhsuk-input--width-{width}" in html
        assert html.count('inputmode="numeric"') == 3
        optional = render_to_string("includes/field.html", {"field": form["told_on"]})
        assert "LADO told on (optional)" in optional and "When the LADO was told. For example, 27 3 2027" in optional

    def test_an_error_marks_the_missing_box_and_the_summary_links_to_the_day_box(self):
        form = _post("27", "", "2027")
        form.is_valid()
        html = render_to_string("includes/field.html", {"field": form["due_date"]})
        assert "nhsuk-form-group--error" in html and "Due date must include a month" in html
        assert 'aria-describedby="id_due_date-hint id_due_date-error"' in html
        assert html.count("nhsuk-input--error") == 1
        assert 'nhsuk-input--width-2 nhsuk-input--error" inputmode="numeric" id="id_due_date-month"' in html
        summary = render_to_string("includes/error_summary.html", {"form": form})
        assert '<a href="#id_due_date-day">Due date must include a month</a>' in summary

    def test_a_disabled_date_disables_every_box(self):
        form = Probe()
        form.fields["due_date"].disabled = True
        assert str(form["due_date"]).count("disabled") == 3

    def test_a_date_that_is_not_real_marks_every_box(self):
        form = _post("31", "2", "2027")
        form.is_valid()
        html = render_to_string("includes/field.html", {"field": form["due_date"]})
        assert html.count("nhsuk-input--error") == 3


def _date_fields(form_class):
    return [name for name, field in form_class.base_fields.items() if isinstance(field, forms.DateField)]


def test_every_date_field_of_every_form_uses_the_nhs_date_input():
    """The walk of core/tests/test_form_labels.py: every form of every app with a date field is an NHS form (so its
    `fields` convert), each date field converts whatever widget it declared, and a form that needs nothing to be
    made shows the date input."""
    walked = [cls for cls in _all_forms() if _date_fields(cls)]
    assert not [cls.__qualname__ for cls in walked if not issubclass(cls, NHSFormMixin)]
    made = 0
    for form_class in walked:
        for name in _date_fields(form_class):
            field = NHSFields({name: form_class.base_fields[name]})[name]
            assert isinstance(field, NHSDateField) and isinstance(field.widget, NHSDateInput), name
            assert field.required == form_class.base_fields[name].required
        try:
            form = form_class()
        except TypeError:
            continue  # needs the records it offers (organisations, user...): converted as above
        made += 1
        for name in _date_fields(form_class):
            if name in form.fields:
                assert isinstance(form.fields[name].widget, NHSDateInput), f"{form_class.__qualname__}.{name}"
    assert len(walked) > 30 and made > 5


def _all_forms():
    """Every form class of the project's apps (NHS or not), so a date field on a form that forgot NHSFormMixin fails."""
    from core.tests.test_form_labels import _all_subclasses

    return [
        cls
        for cls in _all_subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in {cls.__module__.split(".")[0] for cls in FORMS}
        and cls.__module__.endswith(".forms")
        and cls.__qualname__ != "AuditSearchForm"  # the audit page's query string (from/to): a search, not an entry
    ]
