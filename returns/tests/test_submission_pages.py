"""Honest return pages: a new draft shows no errors; warnings are callouts linked to their explanation box
and drop off once explained; a refused submission lists what is missing; figures show a provisional rating."""

import pytest

from core.choices import Role
from returns import actions, catalogue
from returns.tests.factories import Q, entries_for, submitted_return
from returns.tests.test_views import form_data


@pytest.fixture
def draft(world):
    return actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_return_shows_no_errors_before_anything_is_typed(world, client_for, draft):
    client = client_for(world.user(Role.PROVIDER))
    detail = page(client, f"/returns/{draft.pk}/")
    assert "Error:" not in detail and "has no figure" not in detail
    assert "Before you submit" not in detail
    assert "Not entered yet" in detail and "TRN-CH" in detail
    assert "any figure can be left blank" in detail and "Every figure is needed" in detail
    form = page(client, f"/returns/{draft.pk}/edit/")
    assert "nhsuk-error-message" not in form and "There is a problem" not in form
    assert "Every figure is optional while the return is a draft" in form


def test_a_draft_with_some_figures_saved_is_accepted(world, client_for, draft):
    data = {"TRN-CH__num": "80", "TRN-CH__den": "100"}
    response = client_for(world.user(Role.PROVIDER)).post(f"/returns/{draft.pk}/edit/", data)
    assert response.status_code == 302


def test_a_refused_submission_lists_what_is_missing_as_errors_linked_to_the_form(world, client_for, draft):
    client = client_for(world.user(Role.PROVIDER))
    response = client.post(f"/returns/{draft.pk}/submit/")
    assert response.url == f"/returns/{draft.pk}/?submit=failed#before-you-submit"
    detail = client.get(response.url).content.decode()
    assert "The return has not been submitted" in detail
    assert "Before you submit" in detail
    assert f'href="/returns/{draft.pk}/edit/#metric-TRN-CH">Error: TRN-CH: not entered yet' in detail


def explained_change_setup(world):
    submitted_return(world.provider, quarter=Q.previous(), count=10)
    ret = actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(ret, entries=entries_for(world.provider, count=30), acting_user=None)
    return ret


def test_a_change_warning_is_a_callout_linked_to_its_explanation_box(world, client_for):
    ret = explained_change_setup(world)
    client = client_for(world.user(Role.PROVIDER))
    detail = page(client, f"/returns/{ret.pk}/")
    assert 'class="nhsuk-warning-callout" id="before-you-submit"' in detail
    assert f'href="/returns/{ret.pk}/edit/#id_REF__exp">Warning: REF / explanation: changed by 200 %' in detail
    form = page(client, f"/returns/{ret.pk}/edit/")
    assert 'id="changes-to-explain"' in form and 'href="#id_REF__exp"' in form
    assert 'id="warning-REF"' in form and 'id="id_REF__exp"' in form
    assert form.index('id="warning-REF"') < form.index('id="id_REF__exp"')  # the box right below the warning


def test_once_explained_the_warning_is_no_longer_listed(world, client_for):
    ret = explained_change_setup(world)
    client = client_for(world.user(Role.PROVIDER))
    data = form_data(world.provider, count=30)
    counts = [metric.code for metric in catalogue.metrics_for(world.provider.kind) if metric.unit == "count"]
    assert {"REF", "ALLEG", "ESC"} <= set(counts)
    for code in counts:
        data[f"{code}__exp"] = "More referrals after the new front door opened."
    assert client.post(f"/returns/{ret.pk}/edit/", data).status_code == 302
    detail = page(client, f"/returns/{ret.pk}/")
    assert "Before you submit" not in detail
    form = page(client, f"/returns/{ret.pk}/edit/")
    assert 'id="changes-to-explain"' not in form and 'id="warning-REF"' not in form


def test_a_small_count_change_is_not_flagged(world, client_for):
    submitted_return(world.provider, quarter=Q.previous(), count=2)
    ret = actions.get_or_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(ret, entries=entries_for(world.provider, count=0), acting_user=None)
    blocking, _ = actions.submission_problems(ret)
    assert not [p for p in blocking if p.rule == "change_count_percent"]


def test_the_provider_sees_a_provisional_rating_before_submitting(world, client_for, draft):
    actions.do_save_figures(draft, entries=entries_for(world.provider, pct=(70, 100)), acting_user=None)
    client = client_for(world.user(Role.PROVIDER))
    detail = page(client, f"/returns/{draft.pk}/")
    assert "Rating (provisional)" in detail and "Provisional: from the figures saved" in detail
    assert "nhsuk-tag--red" in detail  # 70 % training is red [CPCCG App. 3 11.b]
    form = page(client, f"/returns/{draft.pk}/edit/")
    provisional = (
        'id="provisional-TRN-CH">Provisional rating from the figures saved: <strong class="nhsuk-tag nhsuk-tag--red">'
    )
    assert provisional in form
