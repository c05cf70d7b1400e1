from assurance import demo
from assurance.choices import AssessmentStatus
from assurance.models import Assessment, Cycle
from assurance.reports import rollup
from core.models import TrackedAction, User
from organisations import demo as organisations_demo


def test_demo_has_a_mix_of_states_with_actions_and_is_idempotent(db, client):
    organisations_demo.load()
    demo.load()
    demo.load()
    s11 = Cycle.objects.get(framework__key="section11-children", period_label="2026/27")
    statuses = dict(s11.assessments.values_list("organisation__ods_code", "status"))
    assert statuses["ZA1"] == AssessmentStatus.SIGNED_OFF
    assert statuses["ZA2"] == AssessmentStatus.SUBMITTED
    assert statuses["ZA3"] == AssessmentStatus.RETURNED
    assert statuses["ZA7"] == AssessmentStatus.IN_PROGRESS
    assert list(statuses.values()).count(AssessmentStatus.NOT_STARTED) >= 5
    late = Assessment.objects.filter(cycle__framework__key="prevent", organisation__ods_code="ZA9").get()
    assert late.status == AssessmentStatus.NOT_STARTED and late.cycle.due_date < late.cycle.opened_at.date()
    assert TrackedAction.objects.filter(source_kind="assessment").count() >= 5
    assert Cycle.objects.count() == 3
    designated = User.objects.get(username="designated")
    result = rollup(Assessment.objects.restrict(designated))
    assert result.comparisons and result.icb_rag in {"red", "amber", "green"}
    client.force_login(designated)
    for url in ("/assurance/", "/assurance/cycles/", f"/assurance/cycles/{s11.pk}/", "/assurance/roll-up/", "/"):
        assert client.get(url).status_code == 200, url
    assert "Self-assessments awaiting review" in client.get("/").content.decode()
    client.force_login(User.objects.get(username="provider.za3"))
    assert "Self-assessments to complete" in client.get("/").content.decode()


def test_demo_icb_duties_show_their_gaps(db, client):
    from django.utils import timezone

    from assurance.models import ChildrenInCareSpecification, FundingPanelAssurance
    from assurance.reports import icb_duties

    organisations_demo.load()
    demo.load()
    demo.load()
    designated = User.objects.get(username="designated")
    duties = icb_duties(
        ChildrenInCareSpecification.objects.restrict(designated),
        FundingPanelAssurance.objects.restrict(designated),
        timezone.localdate(),
    )
    assert duties.missing == [] and len(duties.panels) == 2
    assert duties.specifications[0][1][0].startswith("Review date passed")
    assert [panel.panel for panel, gaps in duties.panels if gaps] == ["Individual funding requests panel"]
    client.force_login(designated)
    assert "Individual funding requests panel" in client.get("/assurance/icb-duties/").content.decode()
