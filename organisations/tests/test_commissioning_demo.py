from core.choices import Role
from core.testing import make_user
from organisations import demo, reports
from organisations.models import CommissioningEvent, Organisation, ServiceSpecification


def test_the_demo_shows_a_tender_without_designated_consultation_and_loads_once(db):
    demo.load()
    icb = Organisation.objects.get(ods_code=demo.ICB_CODE)
    gaps = reports.commissioning_gaps(make_user(Role.CONTRACTS, icb))
    texts = {(gap.area, str(gap.record)): gap.text for gap in gaps}
    tender = "Tender: Community children's services (0-19) tender"
    assert "No designated professional consulted at: service specification" in texts[("Commissioning", tender)]
    assert {area for area, _ in texts} >= {
        "Commissioning",
        "Specification",
        "Subcontractor",
        "Associate commissioner",
        "Due diligence",
    }
    assert not any(area == "Modern slavery statement" for area, _ in texts)
    counts = CommissioningEvent.objects.count(), ServiceSpecification.objects.count()
    demo.load()
    assert (CommissioningEvent.objects.count(), ServiceSpecification.objects.count()) == counts
