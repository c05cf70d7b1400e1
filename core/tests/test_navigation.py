"""The header menu grouped by module: one item per module for each role, exactly one current item, a module's
own pages beneath the header on its pages (core.navigation)."""

import pytest
from django.urls import reverse

from core.choices import ALL_ROLES, Role
from core.navigation import menu, navigation_for


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_entry_a_role_may_use_is_in_one_group_and_the_header_stays_short(role):
    groups, _ = navigation_for(role, "/")
    entries = [reverse(url_name) for _, url_name, roles in menu() if role in roles]
    grouped = [item.url for group in groups for item in group.items]
    assert sorted(grouped) == sorted(entries)
    assert len(groups) <= 10
    assert len({group.label for group in groups}) == len(groups)


@pytest.mark.parametrize(
    ("path", "group", "item"),
    [
        ("/", "Home", "Home"),
        ("/assurance/cycles/", "Assurance", "Assurance cycles"),
        ("/assurance/cycles/4/", "Assurance", "Assurance cycles"),
        ("/returns/matrix/", "Returns", "RAG matrix"),
        ("/returns/12/", "Returns", "Returns"),
        ("/casework/due/", "Casework", "What needs doing"),
        ("/closure-days/", "Organisations", "Closure days"),
    ],
)
def test_exactly_one_group_and_one_item_are_current(path, group, item):
    groups, current = navigation_for(Role.DESIGNATED, path)
    assert [g.label for g in groups if g.current] == [group]
    assert current.label == group
    assert [i.label for i in current.items if i.current] == [item]


def test_a_page_outside_every_menu_marks_nothing_current():
    groups, current = navigation_for(Role.DESIGNATED, "/account/")
    assert current is None and not any(group.current for group in groups)


def test_a_module_s_pages_are_listed_beneath_the_header_on_its_pages(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    page = client.get("/returns/matrix/").content.decode()
    assert 'aria-label="Returns pages"' in page
    assert '<a class="vigil-section-nav__link" href="/returns/matrix/" aria-current="page">RAG matrix</a>' in page
    home = client.get("/").content.decode()
    assert "vigil-section-nav" not in home
    header = home.split("</header>")[0]
    assert "RAG matrix" not in header and ">Returns</a>" in header
