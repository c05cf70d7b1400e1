"""What NHS England's roles may see: regions and ICBs, never an ICB's or a provider's own records.

A regional safeguarding lead's organisation is its region: it sees that region and the ICBs in it. The national
safeguarding team (organisation: NHS England) sees every region and every ICB. Any other role sees none of this
(its own ICB is served by the ICB pages). An ICB outside the user's scope is a 404 (see views and api).
"""

from core.choices import Role
from organisations.choices import OrganisationKind
from organisations.models import Organisation


def regions_for(user):
    regions = Organisation.objects.filter(kind=OrganisationKind.REGION, archived_at__isnull=True)
    role = getattr(user, "role", None)
    if not (user and user.is_authenticated and user.is_active and user.organisation_id):
        return regions.none()
    if role == Role.NATIONAL:
        return regions
    if role == Role.REGIONAL:
        return regions.filter(pk=user.organisation_id)
    return regions.none()


def icbs_for(user, region=None):
    """The ICBs `user` may see the roll-up of (of `region`, when given)."""
    regions = regions_for(user)
    if region is not None:
        regions = regions.filter(pk=region.pk)
    return Organisation.objects.filter(
        kind=OrganisationKind.ICB, archived_at__isnull=True, parent__in=regions.values("pk")
    ).select_related("parent")
