"""The roll-up counts the matrix's cells in the database (regions.reports._add_returns): for every ICB and metric it
agrees with the ICB's own RAG matrix (returns.reports.build_matrix) built provider by provider, which is the
reference here."""

import datetime as dt

from django.utils import timezone

from core.choices import Role
from core.testing import make_organisation, make_provider
from organisations.choices import OrganisationKind
from regions import reports
from regions.scoping import icbs_for
from returns import actions
from returns.models import Return
from returns.reports import build_matrix
from returns.tests.factories import Q, entries_for, submitted_return


def matrix_counts(icb):
    """{metric code: {rating: providers}}, with completeness and timeliness, from the ICB's matrix."""
    providers = type(icb).objects.filter(icb=icb).exclude(kind=OrganisationKind.ICB)
    matrix = build_matrix(providers, Return.objects.filter(archived_at__isnull=True), Q)
    counts = {}
    for row in matrix.rows:
        for code, cell in row.cells.items():
            if cell is not None:
                rating = cell.rating if cell.rating in reports.RATINGS else "none"
                counts.setdefault(code, dict.fromkeys(reports.RATINGS, 0))[rating] += 1
    return counts, (matrix.expected, matrix.submitted, matrix.on_time)


def rollup_counts(rollup):
    counts = {share.code: dict(share.counts) for share in rollup.metrics}
    return counts, (rollup.expected, rollup.submitted, rollup.on_time)


def test_the_roll_up_counts_what_the_matrix_shows(world, neighbour):
    submitted_return(world.provider, pct=(50, 100))  # red
    submitted_return(world.other_provider, pct=(80, 100), broken_down=False)  # amber, some red unbroken
    gp = make_provider(world.icb, kind=OrganisationKind.GP_PRACTICE, name="Fell Lane Surgery")
    corrected = submitted_return(gp, pct=(95, 100))
    actions.do_return_for_correction(corrected, comment="Check the training figure.", acting_user=None)
    actions.do_save_figures(corrected, entries=entries_for(gp, pct=(10, 100)), acting_user=None)  # not submitted
    make_provider(world.icb, name="Silent Trust")  # no return: every cell counted as not rated
    late = submitted_return(neighbour[1], pct=(100, 100))
    Return.objects.filter(pk=late.pk).update(due_date=timezone.localdate(late.first_submitted_at) - dt.timedelta(1))
    far = make_organisation(OrganisationKind.ICB, parent=world.region, name="Empty ICB", ods_code="QEM")
    rollups = {r.icb.pk: r for r in reports.rollups(icbs_for(world.user(Role.REGIONAL)), Q)}
    for icb in (world.icb, neighbour[0], far):
        assert rollup_counts(rollups[icb.pk]) == matrix_counts(icb)
    assert rollups[world.icb.pk].metrics and rollups[neighbour[0].pk].on_time == 0
    assert rollups[far.pk].metrics == [] and rollups[far.pk].expected == 0
