"""Success banners: after a save, an add, a submit or an archive the next page says what was done in the
NHS.UK notification banner (success variant); errors use the error summary, not an information box."""

import datetime as dt

from django.utils import timezone

from core.choices import Role

BANNER = 'class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert"'


def test_a_form_page_save_shows_a_success_banner_naming_the_record(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post("/closure-days/", {"date": day.isoformat(), "reason": "Training day"}, follow=True)
    page = response.content.decode()
    assert BANNER in page
    assert "saved:" in page.split(BANNER)[1].split("</div>\n</div>")[0]


def test_a_view_with_its_own_words_is_not_repeated(world, client_for):
    from returns.tests.factories import Q

    client = client_for(world.user(Role.PROVIDER))
    page = client.post("/returns/start/", {"quarter": Q.label}, follow=True).content.decode()
    assert page.count(BANNER) == 1
    assert f"{Q} return started" in page


def test_an_archive_shows_a_success_banner(world, client_for):
    from organisations.actions import do_add_role_holder
    from organisations.choices import SafeguardingRole

    holder = do_add_role_holder(
        organisation=world.provider, role=SafeguardingRole.values[0], holder_name="Alex Example", acting_user=None
    )
    client = client_for(world.user(Role.DESIGNATED))
    page = client.post(f"/organisations/role-holders/{holder.pk}/archive/", follow=True).content.decode()
    assert BANNER in page and "archived: " in page and "never deleted" in page


def test_an_error_message_is_an_error_summary_not_an_information_box(world, client_for):
    client = client_for(world.user(Role.PROVIDER))
    page = client.post("/returns/start/", {"quarter": "2030/31 Q1"}, follow=True).content.decode()
    assert 'class="nhsuk-error-summary"' in page
    assert BANNER not in page
