"""Form helpers: NHS.UK design-system classes, turning action errors into form errors, and the
version an edit form started from (a stale save is refused with what changed meanwhile)."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import formats

from core.bounds import bounded_field_class
from core.rules import smart_action_problems
from core.versioning import Versioned, changes_since, saved_by_since
from core.widgets import NHSDateInput, NHSFields

WIDGET_CLASSES = {
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
    forms.ClearableFileInput: "nhsuk-file-upload",
}


class VersionedFormMixin:
    """An edit form of a versioned record sends, in a hidden `version` field, the version the person
    started from. The record is the ModelForm's instance, or `version_of` for a form that edits
    the record's children (a return's figures). `expected_version` is None for a new record."""

    def __init__(self, *args, version_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        record = version_of if version_of is not None else getattr(self, "instance", None)
        self.versioned = record if isinstance(record, Versioned) and record.pk else None
        self.expected_version = None
        if self.versioned is not None:
            # Not required: a post without it (a script, a page opened before versions) is checked only
            # against the version this request read, as the API does without If-Match.
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, required=False, initial=self.versioned.version
            )

    def full_clean(self):
        super().full_clean()
        if self.versioned is not None and "version" in getattr(self, "cleaned_data", {}):
            self.expected_version = self.cleaned_data.pop("version")  # None when not sent

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != "version"]


def refuse_stale(form, stale):
    """Someone saved the record since the form was opened: keep the person's input, say what differs
    now and who saved it, and carry the current version so that saving again keeps the person's input."""
    current = stale.current()
    savers = sorted(set(saved_by_since(current, stale.expected_version).values()), key=lambda saver: saver[1])
    who = "; ".join(f"{by} at {_when(at)}" for by, at in savers) or "someone else"
    form.add_error(
        None,
        f"This record was changed by {who} while you were editing it, so your changes have not been "
        "saved. Check the differences below: to keep your version, save again.",
    )
    labels = {name: str(field.label or name) for name, field in form.fields.items()}
    for change in changes_since(current, stale.expected_version, _record_fields(form, current), labels):
        by = f" by {change.by} at {_when(change.at)}" if change.by else ""
        form.add_error(
            change.name,
            f"Changed{by} to “{_shown(current, change.name, change.saved)}”; "
            f"yours is “{_shown(current, change.name, change.yours)}”.",
        )
    if "version" in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = current.version


def _record_fields(form, record):
    """The submitted values of the record's own fields (not those a form names `not_the_records`: a form that
    starts a new record from this one, such as a corrected return, shares names with it but changes none)."""
    submitted = {}
    skipped = set(getattr(form, "not_the_records", ()))
    for name, value in getattr(form, "cleaned_data", {}).items():
        if name in skipped:
            continue
        try:
            record._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if name in form.fields:
            submitted[name] = value
    return submitted


def _when(moment):
    return formats.date_format(moment, "j F Y, H:i") if moment else "an unknown time"


def _shown(record, name, value):
    field = record._meta.get_field(name)
    if field.choices and not isinstance(value, (list, tuple)):
        value = dict(field.flatchoices).get(value, value)
    if value in (None, "", []):
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "j F Y")
    return str(value)


def _nhs_field(name, field):
    field.__class__ = bounded_field_class(field.__class__)  # a huge id or number is a form error
    widget = field.widget
    css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "nhsuk-input")
    if css not in widget.attrs.get("class", "").split():
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    if field.help_text and not isinstance(widget, NHSDateInput):  # the date input's fieldset has it
        widget.attrs["aria-describedby"] = f"id_{name}-hint"
    return field


class NHSFormMixin(VersionedFormMixin):
    """NHS.UK classes on every widget; every date field the NHS date input and every select its "Choose …" prompt
    (core.widgets), including a field a subclass adds after this __init__ (`self.fields` converts on assignment)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = NHSFields(self.fields, self.initial, prepare=_nhs_field)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} nhsuk-input--error".strip()

    def apply_action_error(self, error: ValidationError):
        """Attach a ValidationError raised by an action to the right fields of this form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class ClosureDayForm(NHSFormMixin, forms.Form):
    date = forms.DateField(widget=forms.DateInput)
    reason = forms.CharField(max_length=200)


class ActionNoteForm(NHSFormMixin, forms.Form):
    note = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 3}))


class ActionEvidenceForm(NHSFormMixin, forms.Form):
    evidence = forms.CharField(
        label="Evidence that the action is complete",
        help_text="Describe the evidence, or give a link to where it is kept.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionReopenForm(NHSFormMixin, forms.Form):
    note = forms.CharField(label="Why the evidence is not enough", widget=forms.Textarea(attrs={"rows": 3}))


def smart_action_fields():
    """The four SMART fields of a tracked action, all required (core.rules.smart_action_problems refuses any
    left blank), with the rule's own words as the message for a blank one."""
    blank = smart_action_problems(title="", owner="", due_date=None, success_measure="", today=None)
    return {
        "title": forms.CharField(
            label="What will be done",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": blank["title"]},
        ),
        "owner": forms.CharField(
            label="Owner",
            max_length=150,
            help_text="The person or post responsible.",
            error_messages={"required": blank["owner"]},
        ),
        "due_date": forms.DateField(
            label="Due date", widget=forms.DateInput, error_messages={"required": blank["due_date"]}
        ),
        "success_measure": forms.CharField(
            label="How success will be measured",
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": blank["success_measure"]},
        ),
    }


_SMART = smart_action_fields()


class SmartActionForm(NHSFormMixin, forms.Form):
    """A SMART action: what, owner, due date and success measure, every one required and marked so. Forms that
    ask for more (an organisation, where the action arose) subclass this and set `field_order`."""

    title = _SMART["title"]
    owner = _SMART["owner"]
    due_date = _SMART["due_date"]
    success_measure = _SMART["success_measure"]


class StandaloneActionForm(SmartActionForm):
    """An action from an inspection or assurance visit, raised directly in the tracker."""

    organisation = forms.ModelChoiceField(queryset=None)
    arising_from = forms.ChoiceField(label="Arising from", choices=[])
    occasion = forms.CharField(
        label="Which inspection or visit", max_length=250, help_text="For example: unannounced assurance visit, 12 Nov"
    )
    field_order = ["organisation", "arising_from", "occasion"]

    def __init__(self, *args, organisations, **kwargs):
        from core.rules import STANDALONE_SOURCES

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["arising_from"].choices = [(c.value, c.label) for c in STANDALONE_SOURCES]


class SecondFactorCodeForm(NHSFormMixin, forms.Form):
    """The 6-digit code from an authenticator app (spaces allowed, as some apps show "123 456")."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValidationError("Enter the 6-digit code shown in your authenticator app.")
        return code


class ApiTokenForm(NHSFormMixin, forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, for example the name of your script.")


class FinancialQuarterForm(forms.Form):
    """?year=2026&quarter=3: a financial quarter chosen in a query string (pages and reports)."""

    year = forms.IntegerField(min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(choices=[(n, f"Q{n}") for n in range(1, 5)], coerce=int)


class AuditSearchForm(forms.Form):
    """The auditor's search (query string). A value that does not parse is a form error on the page,
    and that criterion is left out."""

    q = forms.CharField(required=False, max_length=200)
    actor = forms.CharField(required=False, max_length=150)
    action = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    record = forms.CharField(required=False, max_length=100)
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def __init__(self, data, action_choices):
        # "from" is a Python keyword, so the query string's from/to map onto date_from/date_to.
        renamed = {"date_from": data.get("from", ""), "date_to": data.get("to", "")}
        super().__init__({**data.dict(), **renamed}, auto_id="%s")
        self.fields["action"].choices = [("", "Any"), *action_choices]

    def criteria(self):
        """The cleaned values of the fields that are valid and given."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name) not in (None, "")}
