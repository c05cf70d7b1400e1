"""Every page and endpoint of the reviews module × every role, and a provider user against reviews
(and parts of reviews) its organisation is not involved in, by id: 404, the review is not revealed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import ALL_ROLES, Role
from core.testing import pdf_bytes
from reviews import actions

ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
ICB = ALL - {Role.PROVIDER}
EDITORS = {Role.DESIGNATED, Role.ADMINISTRATOR}

# (url template, roles that get 200; every other role gets 403)
PAGES = [
    ("/reviews/", ALL),
    ("/reviews/add/", EDITORS),
    ("/reviews/learning/", ICB),
    ("/reviews/notifications/", ICB),
    ("/reviews/notifications/xlsx/?year=2026&quarter=3", ICB),
    ("/reviews/{review}/", ALL),
    ("/reviews/{review}/edit/", EDITORS),
    ("/reviews/{review}/decision/", EDITORS),
    ("/reviews/{review}/contributions/add/", EDITORS),
    ("/reviews/{review}/recommendations/add/", EDITORS),
    ("/reviews/{review}/learning/add/", EDITORS),
    ("/reviews/{review}/terms-of-reference/", ALL),
    ("/reviews/contributions/{contribution}/edit/", EDITORS | {Role.PROVIDER}),
]

# (url template, roles that may read; roles that may PATCH)
ENDPOINTS = [
    ("/api/v1/reviews/{review}/", ALL, EDITORS),
    ("/api/v1/review-contributions/{contribution}/", ALL, EDITORS | {Role.PROVIDER}),
    ("/api/v1/review-recommendations/{recommendation}/", ALL, EDITORS),
    ("/api/v1/review-learning/{learning}/", ALL, EDITORS),
]

# Read-only endpoints: (url template, roles that get 200)
READ_ONLY = [
    ("/api/v1/reviews/", ALL),
    ("/api/v1/reviews/{review}/milestones/", ALL),
    ("/api/v1/reviews/notification-list/", ICB),
    ("/api/v1/review-contributions/", ALL),
    ("/api/v1/review-recommendations/", ALL),
    ("/api/v1/review-learning/", ALL),
    ("/api/v1/review-kinds/", ALL),
    ("/api/v1/review-themes/", ALL),
]

# A review the provider's organisation is not involved in, and another organisation's part of its own review.
FOREIGN = [
    "/reviews/{other_review}/",
    "/reviews/{other_review}/edit/",
    "/reviews/{other_review}/decision/",
    "/reviews/{other_review}/contributions/add/",
    "/reviews/{other_review}/recommendations/add/",
    "/reviews/{other_review}/learning/add/",
    "/reviews/{other_review}/terms-of-reference/",
    "/reviews/contributions/{other_contribution}/edit/",
    "/reviews/contributions/{sibling_contribution}/edit/",
    "/api/v1/reviews/{other_review}/",
    "/api/v1/reviews/{other_review}/milestones/",
    "/api/v1/review-contributions/{other_contribution}/",
    "/api/v1/review-contributions/{sibling_contribution}/",
    "/api/v1/review-recommendations/{other_recommendation}/",
    "/api/v1/review-learning/{other_learning}/",
]


@pytest.fixture
def ids(world, open_review, recommend, today):
    def pdf():
        return SimpleUploadedFile("tor.pdf", pdf_bytes())

    review = open_review(tor_file=pdf())
    other = open_review(subject_reference="Child T", tor_file=pdf())

    def contribute(target, organisation):
        (made,) = actions.do_add_contributions(
            target, organisation=organisation, kinds=["chronology"], due_date=today, acting_user=None
        )
        return made.pk

    def learn(target):
        return actions.do_add_learning(
            target, key_findings="Findings", disseminated_to="Forum", date=today, acting_user=None
        ).pk

    return {
        "review": review.pk,
        "contribution": contribute(review, world.provider),
        "sibling_contribution": contribute(review, world.other_provider),
        "recommendation": recommend(review, [world.provider]).pk,
        "learning": learn(review),
        "other_review": other.pk,
        "other_contribution": contribute(other, world.other_provider),
        "other_recommendation": recommend(other, [world.other_provider]).pk,
        "other_learning": learn(other),
    }


# Each test checks one url for every role (one world per url keeps the matrix fast); a failure
# names every role whose answer differs from the expected one.


@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_matrix(world, ids, client_for, url, allowed):
    answers = {role: client_for(world.user(role)).get(url.format(**ids)).status_code for role in sorted(Role.values)}
    assert answers == {role: 200 if role in allowed else 403 for role in sorted(Role.values)}, url


def test_archive_is_for_editors_only(world, ids, client_for):
    url = f"/reviews/{ids['review']}/archive/"
    answers = {role: client_for(world.user(role)).post(url).status_code for role in sorted(set(Role.values) - EDITORS)}
    assert answers == dict.fromkeys(sorted(set(Role.values) - EDITORS), 403)
    assert client_for(world.user(Role.ADMINISTRATOR)).post(url).status_code == 302


@pytest.mark.parametrize(("url", "readers", "writers"), ENDPOINTS)
def test_endpoint_matrix(world, ids, url, readers, writers):
    target = url.format(**ids)
    reads = {role: world.api(role).get(target).status_code for role in sorted(Role.values)}
    assert reads == {role: 200 if role in readers else 403 for role in sorted(Role.values)}, target
    patches = {role: world.api(role).patch(target, {}, format="json").status_code for role in sorted(Role.values)}
    assert patches == {role: 200 if role in writers else 403 for role in sorted(Role.values)}, target


@pytest.mark.parametrize(("url", "readers"), READ_ONLY)
def test_read_only_endpoint_matrix(world, ids, url, readers):
    answers = {role: world.api(role).get(url.format(**ids)).status_code for role in sorted(Role.values)}
    assert answers == {role: 200 if role in readers else 403 for role in sorted(Role.values)}, url


@pytest.mark.parametrize("url", FOREIGN)
def test_a_provider_not_involved_cannot_see_the_review_at_all(world, ids, client_for, url):
    target = url.format(**ids)
    if target.startswith("/api/"):
        response = world.api(Role.PROVIDER).get(target)
    else:
        response = client_for(world.user(Role.PROVIDER)).get(target)
    assert response.status_code == 404


def test_lists_do_not_reveal_reviews_a_provider_is_not_involved_in(world, ids, client_for):
    page = client_for(world.user(Role.PROVIDER)).get("/reviews/").content.decode()
    assert f"R{ids['review']:04d}" in page and f"R{ids['other_review']:04d}" not in page
    listed = world.api(Role.PROVIDER).get("/api/v1/reviews/").json()["results"]
    assert [r["id"] for r in listed] == [ids["review"]]
    for endpoint, key in (
        ("review-contributions", "contribution"),
        ("review-recommendations", "recommendation"),
        ("review-learning", "learning"),
    ):
        listed = world.api(Role.PROVIDER).get(f"/api/v1/{endpoint}/").json()["results"]
        assert [row["id"] for row in listed] == [ids[key]], endpoint


def test_icb_staff_of_another_icb_cannot_see_the_review(world, ids):
    from core.testing import make_user

    outsider = make_user(Role.DESIGNATED, world.other_icb)
    assert world.api(outsider).get(f"/api/v1/reviews/{ids['review']}/").status_code == 404
