from core.models import TrackedAction
from organisations import demo as organisations_demo
from reviews import demo, reports
from reviews.models import Review


def test_demo_reviews_load_once_through_the_actions(db):
    organisations_demo.load()
    demo.load()
    kinds = sorted(Review.objects.values_list("kind__code", flat=True))
    assert kinds == ["cspr_local", "dhr", "rapid_review", "rapid_review", "sar"]
    cspr = Review.objects.get(kind__code="cspr_local")
    assert cspr.linked_reviews.get().kind.code == "rapid_review"
    assert TrackedAction.objects.filter(source_kind="review", status="verified").count() == 1
    counts, years, _ = reports.themes_by_year(Review.objects.all())
    assert len(years) == 2 and counts["Information sharing"]
    demo.load()
    assert Review.objects.count() == 5
