"""Uploading a returns template safely: a template made before the return changed is refused, so of two
uploads from one template the second never silently replaces the first; a huge or error-ridden file gets
a short report naming sheet, row and column; nothing is written when anything is wrong."""

import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from openpyxl import load_workbook

from core.choices import Role
from core.downloads import workbook_bytes
from core.tests import workbooks
from returns import actions, reports, spreadsheet
from returns.models import MetricValue, Return
from returns.tests.factories import Q, entries_for


@pytest.fixture
def ret(world):
    return actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)


def stored(ret):
    return reports.entries_of(reports.working_version(ret))


def filled(ret, **figures):
    """The return's own template (as the download page makes it) with its figures set to `figures`."""
    template = spreadsheet.template_for(ret)
    entries = entries_for(ret.provider, **figures)
    meta = {row[0]: row[1] for row in load_workbook(io.BytesIO(template))["_vigil"].iter_rows(values_only=True)}
    return spreadsheet.build_template(ret.provider, ret.quarter, entries=entries, stamp=meta["stamp"]), entries


def upload(ret, content):
    return spreadsheet.import_upload(ret, io.BytesIO(content), acting_user=None)


class TestStaleTemplates:
    def test_a_template_made_before_the_return_changed_is_refused_and_nothing_is_written(self, world, ret):
        content, _ = filled(ret, pct=(70, 100))
        saved_by_web = entries_for(world.provider, pct=(90, 100))
        actions.do_save_figures(ret, entries=saved_by_web, acting_user=None)
        with pytest.raises(ValidationError) as error:
            upload(ret, content)
        (message,) = error.value.message_dict["file"]
        assert message.startswith("This return changed since the template was downloaded on ")
        assert "download a new template" in message
        assert stored(ret) == saved_by_web

    def test_any_save_since_the_template_was_made_makes_it_stale_even_with_the_same_figures(self, world, ret):
        # Every save makes a new version of the return (core.versioning), so a second upload of one template,
        # even of the same figures, can never silently replace the first.
        actions.do_save_figures(ret, entries=entries_for(world.provider), acting_user=None)
        content, _ = filled(ret, pct=(70, 100))
        actions.do_save_figures(ret, entries=entries_for(world.provider), acting_user=None)  # the same figures
        with pytest.raises(ValidationError, match="changed since the template was downloaded"):
            upload(ret, content)

    def test_any_change_of_a_figure_or_an_explanation_changes_the_stamp(self, world, ret):
        entries = entries_for(world.provider)
        actions.do_save_figures(ret, entries=entries, acting_user=None)
        before = reports.edit_stamp(ret)
        entries["TRN-AD"].explanation = "One more word."
        actions.do_save_figures(ret, entries=entries, acting_user=None)
        assert reports.edit_stamp(ret) != before

    def test_of_two_uploads_from_one_template_the_second_is_refused(self, world, ret):
        first, first_entries = filled(ret, pct=(70, 100))
        second, _ = filled(ret, pct=(95, 100))
        upload(ret, first)
        with pytest.raises(ValidationError) as error:
            upload(ret, second)
        assert "changed since the template was downloaded" in error.value.messages[0]
        assert stored(ret) == first_entries

    def test_a_template_without_a_stamp_is_refused(self, world, ret):
        content = spreadsheet.build_template(world.provider, Q, entries=entries_for(world.provider))
        with pytest.raises(ValidationError) as error:
            upload(ret, content)
        assert "does not record the state of the return" in error.value.messages[0]
        assert not MetricValue.objects.exists()

    def test_the_downloaded_template_carries_the_current_stamp(self, world, ret, client_for):
        template = client_for(world.user(Role.PROVIDER)).get(f"/returns/{ret.pk}/template.xlsx").content
        meta = dict(load_workbook(io.BytesIO(template))["_vigil"].iter_rows(values_only=True))
        assert meta["stamp"] == reports.edit_stamp(ret) and meta["made_at"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_concurrent_uploads_from_one_template_store_one_and_refuse_the_other(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    contents = [filled(ret, pct=(70, 100))[0], filled(ret, pct=(95, 100))[0]]
    start, outcomes = threading.Barrier(2), []

    def send(content):
        try:
            start.wait()
            upload(Return.objects.get(pk=ret.pk), content)
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(content,)) for content in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=len)[0] == "stored"
    assert "changed since the template was downloaded" in sorted(outcomes, key=len)[1]


class TestReports:
    def test_many_bad_cells_give_the_first_fifty_with_sheet_row_and_column_and_a_count(self, world, ret):
        content, _ = filled(ret)
        book = load_workbook(io.BytesIO(content))
        sheet = book["Return"]
        rows = [row[0].row for row in sheet.iter_rows(min_row=spreadsheet.FIRST_ROW) if row[0].value]
        for number in rows:
            sheet[f"G{number}"] = "lots"
        with pytest.raises(ValidationError) as error:
            upload(ret, workbook_bytes(book))
        report = error.value.message_dict["file"]
        assert len(report) == 51
        assert report[0].startswith(f"Return, row {rows[0]}, column G: ")
        assert report[0].endswith("'lots' is not a number")
        assert report[-1] == f"… and {len(rows) - 50} more problems (the first 50 are listed)."
        assert not MetricValue.objects.filter(numerator__isnull=False).exists()

    def test_one_bad_cell_among_good_ones_writes_nothing(self, world, ret):
        content, _ = filled(ret)
        book = load_workbook(io.BytesIO(content))
        last = max(row[0].row for row in book["Return"].iter_rows(min_row=spreadsheet.FIRST_ROW) if row[0].value)
        book["Return"][f"G{last}"] = "x"
        with pytest.raises(ValidationError) as error:
            upload(ret, workbook_bytes(book))
        assert error.value.messages[0].startswith(f"Return, row {last}, column G: ")
        assert not MetricValue.objects.filter(numerator__isnull=False).exists()

    def test_200000_rows_sent_to_the_upload_page_get_a_short_page_and_write_nothing(self, world, ret, client_for):
        content, _ = filled(ret)
        huge = workbooks.with_sheet_xml(content, workbooks.many_rows(200_000, width=1))
        file = io.BytesIO(huge)
        file.name = "return.xlsx"
        page = client_for(world.user(Role.PROVIDER)).post(f"/returns/{ret.pk}/upload/", {"file": file})
        text = page.content.decode()
        assert page.status_code == 200 and "nothing was saved" in text
        assert "Sheet &#x27;Return&#x27; has a value in row 2,001: at most 2,000 rows can be imported." in text
        assert len(page.content) < 30_000
        assert not MetricValue.objects.filter(numerator__isnull=False).exists()

    def test_a_zip_bomb_is_refused_on_the_file_field(self, world, ret):
        with pytest.raises(ValidationError) as error:
            upload(ret, workbooks.zip_bomb())
        assert error.value.message_dict["file"][0].startswith("This file unpacks to 64.1 MB")
