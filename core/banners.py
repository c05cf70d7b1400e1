"""Success banners: after every create, edit, submit and archive the next page says what was done, in the
NHS.UK notification banner's success variant (templates/includes/messages.html renders messages by level).

`ActionFormView` (every form page that calls an action) says it for you: set `success_message` on a view to
word it ("{result}" is what the action returned, "{object}" the view's record), otherwise it names the record
saved. A view whose action already said something (a success with details, or an error) is not repeated. Views
that only POST (archive, submit) call `say_done` themselves, or `say_archived`."""

from django.contrib import messages
from django.db import models
from django.utils.text import capfirst

DEFAULT_MESSAGE = "Your changes have been saved."


def already_said(request):
    """Whether this request has queued a message already (a view's own, more specific words)."""
    storage = getattr(request, "_messages", None)
    return bool(getattr(storage, "_queued_messages", None))


def say_done(request, message):
    if not already_said(request):
        messages.success(request, message)


def say_archived(request, record):
    say_done(request, f"{capfirst(record._meta.verbose_name)} archived: {record}. It is kept, never deleted.")


def describe_saved(result):
    """“Role holder saved: Jane Example.” for a record; the generic words for anything else."""
    if isinstance(result, models.Model):
        return f"{capfirst(result._meta.verbose_name)} saved: {result}."
    return DEFAULT_MESSAGE


class SuccessBannerMixin:
    success_message = ""

    def get_success_message(self):
        result = getattr(self, "result", None)
        if self.success_message:
            return self.success_message.format(result=result, object=getattr(self, "object", None))
        return describe_saved(result)

    def announce_success(self):
        say_done(self.request, self.get_success_message())
