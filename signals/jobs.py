"""Stored jobs of the signals app (core.jobs): a large extract's import (signals.imports.run_import_job) and the
evaluation of every rule for an organisation."""

from core.jobs import enqueue, register_job
from signals import imports  # noqa: F401 - registers "signals.import"


def enqueue_evaluation(organisation, *, acting_user=None):
    return enqueue(
        "signals.evaluate",
        {"organisation": organisation.pk, "user": getattr(acting_user, "pk", None)},
        acting_user=acting_user,
    )


@register_job("signals.evaluate")
def run_evaluation_job(payload):
    from core.models import User
    from organisations.models import Organisation
    from signals.actions import do_evaluate

    organisation = Organisation.objects.get(pk=payload["organisation"])
    user = User.objects.filter(pk=payload.get("user")).first()
    return {"results": do_evaluate(organisation, acting_user=user)}
