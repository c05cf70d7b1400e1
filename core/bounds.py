"""Bounds on numbers a client sends: every integer that reaches a query or a column fits a signed
64-bit column (SQLite raises OverflowError beyond it, PostgreSQL a DataError), so a huge number is a
400 naming the field, never a 500."""

import functools
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def column_range(model_field):
    """The (min, max) of an integer model field's column on PostgreSQL, the stricter database:
    the API answers the same on SQLite and PostgreSQL."""
    return BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type(), (INT64_MIN, INT64_MAX))


def out_of_range(value):
    """True when `value` reads as a number beyond what a 64-bit integer column holds."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return False
    return number.is_finite() and not INT64_MIN <= number <= INT64_MAX


def check_in_range(values, message="That number is out of range."):
    """Raise a ValidationError (code `invalid_choice`) when any of `values` is an out-of-range integer."""
    if any(out_of_range(value) for value in values):
        raise ValidationError(message, code="invalid_choice")


class BoundedValuesField:
    """A form field mixin that refuses out-of-range integers before the field queries with them."""

    def clean(self, value):
        check_in_range(value if isinstance(value, list | tuple) else [value])
        return super().clean(value)


_BOUNDED_FIELD_BASES = (forms.ModelChoiceField, forms.DecimalField, forms.IntegerField)


@functools.cache
def bounded_field_class(field_class):
    """`field_class` with BoundedValuesField in front, for the fields that turn a value into a number
    or a primary key lookup; any other class unchanged."""
    if not issubclass(field_class, _BOUNDED_FIELD_BASES) or issubclass(field_class, BoundedValuesField):
        return field_class
    return type(f"Bounded{field_class.__name__}", (BoundedValuesField, field_class), {})


class BoundedValuesMixin:
    """A FilterSet mixin: every filter's value that reads as an integer must fit a 64-bit column,
    else it is a form error (400 on the API) naming the filter, instead of an OverflowError on SQLite."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for each in self.filters.values():
            bounded = bounded_field_class(each.field_class)
            if bounded is not each.field_class:
                each.field_class = bounded
                each.__dict__.pop("_field", None)  # a field built earlier (e.g. for the schema) is rebuilt
