"""The typeset PDF: cover fields, headings, DRAFT only on a draft, user text printed as itself (never read as Typst
markup), the same bytes for the same snapshot. No database: a snapshot is plain JSON."""

import copy
import io

import pytest
from pypdf import PdfReader

from reporting.typeset import render_pdf

MARKUP = 'Ward #1 $x^2$ *bold* _it_ [x] <lab> @ref \\ #eval("1+1") #set text(red)'


def sample_snapshot(text=MARKUP):
    return {
        "schema": 1,
        "report": {
            "type": "quarterly-assurance",
            "title": "Quarterly safeguarding assurance report",
            "audience": "ICB quality and safety group",
            "organisation": {"name": "Test ICB", "ods_code": "Q0001"},
            "period": {"start": "2026-01-01", "end": "2026-03-31", "label": "2025/26 Q4"},
            "as_at": "2026-04-30T12:00:00+01:00",
        },
        "key_messages": [{"text": "Red ratings in provider returns", "count": 3, "severity": "red", "url": "/r/"}],
        "sections": [
            {
                "key": "executive-summary",
                "title": "Executive summary",
                "kind": "narrative",
                "blocks": [{"type": "paragraph", "text": text}],
            },
            {
                "key": "returns",
                "title": "Provider returns",
                "kind": "generated",
                "blocks": [
                    {
                        "type": "table",
                        "caption": "Completeness",
                        "columns": ["Provider", "Rating", "Note"],
                        "rows": [[text, {"text": "Red", "rag": "red"}, None], ["Other", 5, "fewer than 5"]],
                        "wide": False,
                    },
                    {
                        "type": "table",
                        "caption": "A wide table",
                        "columns": [f"Column {i}" for i in range(9)],
                        "rows": [list(range(9))],
                        "wide": True,
                    },
                    {
                        "type": "heatmap",
                        "caption": "Ratings",
                        "alt": "2 providers by 2 metrics",
                        "row_labels": [text, "Provider Two"],
                        "column_labels": ["TRN-CH", "SUP"],
                        "cells": [
                            [{"text": "Red", "rag": "red"}, {"text": "Green", "rag": "green"}],
                            [{"text": "n/a", "rag": "none"}, {"text": "Amber", "rag": "amber"}],
                        ],
                    },
                    {
                        "type": "chart",
                        "caption": "TRN-CH by quarter",
                        "alt": "Q1: Red 1",
                        "kind": "line",
                        "x_labels": ["2025/26 Q3", "2025/26 Q4"],
                        "series": [{"name": "Red", "values": [1, None]}, {"name": "Green", "values": [2, 3]}],
                    },
                    {
                        "type": "chart",
                        "caption": "Bars",
                        "alt": "bars",
                        "kind": "bar",
                        "x_labels": ["A"],
                        "series": [{"name": "Open", "values": [4]}],
                    },
                    {
                        "type": "risk_matrix",
                        "caption": "Risks",
                        "alt": "one",
                        "counts": [[0] * 5] * 4 + [[1, 0, 0, 0, 0]],
                    },
                ],
            },
        ],
        "glossary": [{"term": "TRN-CH", "meaning": "Staff trained in safeguarding children"}],
    }


def text_of(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def draft_pdf():
    return render_pdf(sample_snapshot(), status_label="Draft", version=2, draft=True)


class TestPdf:
    def test_the_cover_has_every_field(self, draft_pdf):
        text = text_of(draft_pdf)
        for expected in (
            "Test ICB",
            "Quarterly safeguarding assurance report",
            "2025/26 Q4",
            "Draft",
            "Version",
            "OFFICIAL-SENSITIVE",
            "30 April 2026",
            "ICB quality and safety group",
        ):
            assert expected in text

    def test_contents_headings_key_messages_glossary_and_page_numbers(self, draft_pdf):
        text = text_of(draft_pdf)
        for expected in ("Contents", "Key messages", "Executive summary", "Provider returns", "Glossary", "Page 1 of"):
            assert expected in text
        assert "Staff trained in safeguarding children" in text

    def test_draft_is_marked_only_on_a_draft(self, draft_pdf):
        assert "DRAFT" in text_of(draft_pdf)
        approved = render_pdf(sample_snapshot(), status_label="Approved", version=2, draft=False)
        assert "DRAFT" not in text_of(approved)

    def test_user_text_is_printed_as_itself_never_run_as_markup(self, draft_pdf):
        text = text_of(draft_pdf).replace("\n", " ")
        assert '#eval("1+1")' in text and "$x^2$" in text and "*bold*" in text and "<lab> @ref" in text
        assert "#set text(red)" in text

    def test_the_same_snapshot_gives_the_same_bytes(self, draft_pdf):
        again = render_pdf(copy.deepcopy(sample_snapshot()), status_label="Draft", version=2, draft=True)
        assert again == draft_pdf
        assert draft_pdf.startswith(b"%PDF")


@pytest.fixture(scope="module")
def html():
    from django.template.loader import render_to_string

    return render_to_string("reporting/includes/snapshot.html", {"snapshot": sample_snapshot("<script>x</script>")})


class TestHtml:
    """The accessible HTML rendering of the same snapshot (reporting/includes/snapshot.html)."""

    def test_user_text_is_escaped_and_nothing_breaks_the_csp(self, html):
        assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
        assert "<script" not in html and "<style" not in html and " style=" not in html and " onload=" not in html

    def test_tables_have_captions_and_ratings_in_words(self, html):
        assert '<caption class="nhsuk-table__caption">Completeness</caption>' in html
        assert '<td class="rag-red">Red</td>' in html
        assert "OFFICIAL-SENSITIVE" in html

    def test_charts_are_svg_with_a_text_alternative_and_their_figures(self, html):
        assert "<svg" in html and "<title>TRN-CH by quarter</title><desc>Q1: Red 1</desc>" in html
        assert "The figures in this chart" in html

    def test_key_messages_link_and_the_glossary_names_the_metrics(self, html):
        assert '<a href="/r/">Red ratings in provider returns: 3</a>' in html
        assert "Staff trained in safeguarding children" in html
        assert "(score 5, Moderate)" in html
