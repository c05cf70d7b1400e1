from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from core.home import Panel
from core.scoping import allowed_organisations
from organisations import reports
from organisations.models import Contract

# Commissioning gaps are the contracts managers' and the designated professionals' to close [CPCCG 6.8; SAAF 4.7.1].
COMMISSIONING_GAP_READERS = frozenset({Role.DESIGNATED, Role.CONTRACTS, Role.ADMINISTRATOR})


def panels(user):
    organisations = allowed_organisations(user)
    gaps = reports.gaps_by_organisation(organisations)
    title = "Gaps in your safeguarding roles" if user.role == Role.PROVIDER else "Organisations with role gaps"
    result = [
        Panel(
            title,
            items=[
                (
                    entry.organisation.name,
                    reverse("organisations:detail", args=[entry.organisation.pk]),
                    ", ".join(f"{gap.role_label} ({gap.status_label.lower()})" for gap in entry.gaps),
                )
                for entry in gaps[:15]
            ],
            count=len(gaps),
            empty_text="Every required role is filled.",
            link=("See every gap", reverse("organisations:gaps")) if user.role != Role.PROVIDER else None,
        )
    ]
    contracts = Contract.objects.restrict(user)
    if user.role in {Role.DESIGNATED, Role.CONTRACTS, Role.ADMINISTRATOR, Role.EXECUTIVE}:
        missing = reports.contracts_without_schedule(contracts)
        result.append(
            Panel(
                "Contracts without the safeguarding schedule",
                items=[
                    (c.provider.name, reverse("organisations:detail", args=[c.provider_id]), c.reference)
                    for c in missing[:15]
                ],
                count=missing.count(),
                empty_text="Every contract carries the safeguarding standards schedule.",
                link=("All contracts", reverse("organisations:contracts")),
            )
        )
    if user.role in COMMISSIONING_GAP_READERS:
        result.append(commissioning_panel(user))
    today = timezone.localdate()
    horizon = today + timezone.timedelta(days=settings.VIGIL["CONTRACT_ENDING_SOON_DAYS"])
    ending = contracts.filter(archived_at__isnull=True, end_date__range=(today, horizon)).select_related("provider")
    result.append(
        Panel(
            "Contracts ending soon",
            items=[
                (
                    c.provider.name,
                    reverse("organisations:detail", args=[c.provider_id]),
                    f"{c.reference} ends {c.end_date:%d %B %Y}",
                )
                for c in ending
            ],
            empty_text="No contract ends in the next quarter.",
        )
    )
    return result


def commissioning_panel(user):
    gaps = reports.commissioning_gaps(user)
    index = reverse("organisations:commissioning")
    return Panel(
        "Commissioning gaps",
        items=[(f"{gap.area}: {gap.record}", gap.url, gap.text) for gap in gaps[:15]],
        count=len(gaps),
        empty_text="Every commissioning event, specification and contract has its safeguarding in place.",
        link=("Commissioning", index),
    )
