from decimal import Decimal

from django.utils import timezone

from organisations import demo as organisations_demo
from workforce import demo, reports
from workforce.models import CapacityEntry, DbsCheck, StaffMember, SupervisionSession


def test_demo_workforce_loads_once_through_the_actions(db):
    organisations_demo.load()
    demo.load()
    icb = StaffMember.objects.first().icb
    assert StaffMember.objects.count() == 60
    today = timezone.localdate()
    result = reports.compliance_for(icb.pk, today)
    assert result.reds and result.expiring
    flagged = [row for row in reports.dbs_rows(StaffMember.objects.all(), today) if row.problem]
    assert len(flagged) == 2  # one check obtained after the start, one enhanced without barred list
    assert any(row.overdue for row in reports.supervision_rows(icb.pk, today))
    gaps = {row.role: row.gap for row in reports.capacity_rows(icb.pk)[0]}
    assert gaps["named_doctor_lac"] == Decimal("-3.2")  # 3 PA a week = 12 hours in post; 880 / 400 × 4 = 8.8 needed
    demo.load()
    assert (DbsCheck.objects.count(), SupervisionSession.objects.count(), CapacityEntry.objects.count()) == (8, 3, 9)
