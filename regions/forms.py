from django import forms

from core.forms import NHSFormMixin
from regions import rules


class SendReturnForm(NHSFormMixin, forms.Form):
    report = forms.ModelChoiceField(
        label="Approved quarterly assurance report",
        queryset=None,
        help_text="The quarter's approved report: the region receives its aggregates, never a casework register.",
        error_messages={"required": "Choose the approved quarterly assurance report to send."},
    )
    statement = forms.CharField(
        label="Covering statement (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the region should know about the quarter: assurance, concerns, support asked for.",
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports


class ReviewForm(NHSFormMixin, forms.Form):
    feedback = forms.CharField(
        label="Feedback to the ICB",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": rules.feedback_problems("")["feedback"]},
    )


class WithdrawForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the return withdrawn?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The region reads it, for example: the figures for the quarter were incomplete.",
        error_messages={
            "required": rules.withdrawal_problems(status=rules.AWAITING_REVIEW, replaced=False, reason="")["reason"]
        },
    )


class ResendForm(SendReturnForm):
    """A corrected return in place of a withdrawn or reviewed one: the same quarter's approved report (a new
    version of it when the report itself was corrected) and the covering statement. They go to the new return: a
    stale form is refused without comparing them to the replaced return's."""

    not_the_records = ("report", "statement")
