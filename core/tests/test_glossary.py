"""The glossary: every acronym a safeguarding team meets, expanded, linked from every page's footer."""

from django.template import Context, Template
from django.test import Client

from core.choices import Role
from core.glossary import BY_SHORT, TERMS

NAMED_IN_ISSUE_10 = [
    "ICB",
    "LADO",
    "SAR",
    "CSPR",
    "DHR",
    "RAG",
    "SMART",
    "TNA",
    "DBS",
    "WTE",
    "PA",
    "MCA",
    "DoLS",
    "CQC",
    "PiPoT",
]


def test_the_glossary_expands_every_acronym_the_pages_use():
    assert set(NAMED_IN_ISSUE_10) <= set(BY_SHORT)
    assert all(term.full and term.meaning for term in TERMS)
    assert len(BY_SHORT) == len(TERMS)


def test_the_glossary_page_is_open_to_anyone_and_lists_every_term(db):
    page = Client().get("/glossary/").content.decode()
    for term in TERMS:
        assert f'<abbr title="{term.full}">{term.short}</abbr>' in page.replace("&#x27;", "'")


def test_every_page_links_the_glossary_from_its_footer(world, client_for):
    assert 'href="/glossary/"' in Client().get("/sign-in/").content.decode()
    assert 'href="/glossary/"' in client_for(world.user(Role.DESIGNATED)).get("/").content.decode()


def test_the_abbr_filter_expands_a_known_acronym_and_leaves_others_alone():
    template = Template('{% load vigil_terms %}{{ "LADO"|abbr }} {{ "XYZ"|abbr }}')
    assert template.render(Context()) == '<abbr title="Local Authority Designated Officer">LADO</abbr> XYZ'
