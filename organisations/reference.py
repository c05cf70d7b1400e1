"""Reference data shipped in the repository and loaded idempotently."""

import json
from pathlib import Path

ROLE_REQUIREMENTS_FILE = Path(__file__).parent / "data" / "role_requirements.json"


def sync_role_requirements(requirement_model, data=None):
    """Create any requirement in the data file (or `data`, a frozen copy a migration passes) that is missing and
    correct the source of those that exist; loading twice changes nothing. Requirements the ICB added stay.

    Takes the model class so that a data migration can pass its historical model.
    """
    data = data or json.loads(ROLE_REQUIREMENTS_FILE.read_text())
    created = 0
    for row in data["requirements"]:
        _, was_created = requirement_model.objects.update_or_create(
            kind=row["kind"], role=row["role"], condition=row["condition"], defaults={"source": row["source"]}
        )
        created += was_created
    return created


# NHS England's seven regions since April 2020, by their public names [SAAF 4.4, App. 1: regional chief nurses and
# regional safeguarding leads assure the ICBs of their region].
NHS_ENGLAND_REGIONS = (
    "North East and Yorkshire",
    "North West",
    "Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
NHS_ENGLAND_NAME = "NHS England"


def ensure_nhs_england(acting_user=None):
    """NHS England and its seven regions, created if missing (by name; loading twice changes nothing).
    Returns (NHS England, {region name: region})."""
    from organisations import actions
    from organisations.choices import OrganisationKind
    from organisations.models import Organisation

    def ensure(kind, name):
        found = Organisation.objects.filter(kind=kind, name=name).first()
        return found or actions.do_create_organisation(kind=kind, name=name, acting_user=acting_user)

    nhs_england = ensure(OrganisationKind.NHS_ENGLAND, NHS_ENGLAND_NAME)
    return nhs_england, {name: ensure(OrganisationKind.REGION, name) for name in NHS_ENGLAND_REGIONS}
