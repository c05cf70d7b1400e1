"""The rules page and API change owners and S2's age bands: checked (contiguous from 0 to 18, no overlap, an owner
each), audited, version-guarded, and used by the next evaluation. S6 is set on its page; S8 and S9 say plainly
that they are settings only."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from core.choices import Role
from signals import actions, rules
from signals.choices import Owner
from signals.models import ReviewTask, SignalRule
from signals.tests.factories import evaluate, import_notifications, nhs_numbers


def two(first, second, second_owners=("gp",)):
    return [{"from": 0, "to": first, "owners": ["gp"]}, {"from": second, "to": 18, "owners": list(second_owners)}]


SPLIT = [
    {"from": 0, "to": 5, "owners": ["health_visitor", "gp"]},
    {"from": 5, "to": 11, "owners": ["school_health"]},
    {"from": 11, "to": 16, "owners": ["gp", "school_health"]},
    {"from": 16, "to": 18, "owners": ["gp"]},
]


@pytest.fixture
def rule_of(world):
    held = actions.ensure_rules(world.provider)
    return lambda signal: SignalRule.objects.get(pk=held[signal].pk)


def band_post(rule, bands, **extra):
    data = {"enabled": "on", "timescale_unit": "working_days", "version": str(rule.version), **extra}
    for row, band in enumerate(bands, start=1):
        data |= {f"band_{row}_from": band["from"], f"band_{row}_to": band["to"], f"band_{row}_owners": band["owners"]}
    return data


class TestPureBands:
    def test_the_default_bands_are_sound(self):
        assert rules.age_band_problems(list(rules.DEFAULT_AGE_BANDS), Owner.values) == []

    @pytest.mark.parametrize(
        ("bands", "where", "words"),
        [
            ([{"from": 0, "to": 5, "owners": ["gp"]}, {"from": 6, "to": 18, "owners": ["gp"]}], (1, "from"), "no band"),
            (
                [{"from": 0, "to": 10, "owners": ["gp"]}, {"from": 5, "to": 18, "owners": ["gp"]}],
                (1, "from"),
                "overlaps",
            ),
            ([{"from": 1, "to": 18, "owners": ["gp"]}], (0, "from"), "start at 0"),
            ([{"from": 0, "to": 16, "owners": ["gp"]}], (0, "to"), "end at 18"),
            ([{"from": 0, "to": 18, "owners": []}], (0, "owners"), "at least one owner"),
            ([{"from": 0, "to": 18, "owners": ["mayor"]}], (0, "owners"), "owners must be"),
            ([{"from": 7, "to": 3, "owners": ["gp"]}], (0, "to"), "more than from"),
            ([{"from": True, "to": "x", "owners": "gp"}], (0, "from"), "whole age"),
            ([], (None, None), "Give the age bands"),
            (["text"], (0, None), "give from"),
        ],
    )
    def test_each_problem_is_named_on_its_band(self, bands, where, words):
        problems = rules.age_band_problems(bands, Owner.values)
        assert any((i, f) == where and words in m for i, f, m in problems), problems


class TestPage:
    def test_s2_bands_are_changed_audited_and_route_the_next_evaluation(self, world, user, rule_of, client_for):
        rule = rule_of("S2")
        client = client_for(user)
        page = client.get(f"/signals/rules/{rule.pk}/edit/").content.decode()
        assert "Band 3" in page and 'name="band_1_owners" value="health_visitor"' in page
        assert 'name="owners"' not in page  # S2's owners are its bands'
        response = client.post(f"/signals/rules/{rule.pk}/edit/", band_post(rule, SPLIT))
        assert response.status_code == 302, response.context["form"].errors
        saved = rule_of("S2")
        assert saved.parameters["age_bands"] == SPLIT and saved.version == rule.version + 1
        assert saved.owners == ["health_visitor", "gp", "school_health"]
        entry = LogEntry.objects.get_for_object(saved).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
        assert entry.actor == user and "parameters" in entry.changes_dict
        assert "5 to 11: School health adviser or school nurse" in client.get("/signals/rules/").content.decode()

        today = timezone.localdate()
        child = nhs_numbers(1)[0]
        import_notifications(world.provider, user, [(today - dt.timedelta(days=3), "HH-1", "P1", "high", child, 7)])
        evaluate(world, user)
        assert ReviewTask.objects.get(signal="S2").owners == ["school_health"]  # the rule's bands, not the defaults

    @pytest.mark.parametrize(
        ("bands", "field", "words"),
        [
            (
                [{"from": 0, "to": 5, "owners": ["gp"]}, {"from": 6, "to": 18, "owners": ["gp"]}],
                "band_2_from",
                "no band",
            ),
            (
                [{"from": 0, "to": 9, "owners": ["gp"]}, {"from": 5, "to": 18, "owners": ["gp"]}],
                "band_2_from",
                "overlaps",
            ),
            ([{"from": 0, "to": 5, "owners": ["gp"]}, {"from": 5, "to": 18, "owners": []}], "band_2_owners", "owner"),
            ([{"from": 0, "to": 5, "owners": ["gp"]}, {"from": 5, "to": "", "owners": ["gp"]}], "band_2_to", "clear"),
        ],
    )
    def test_bad_bands_are_refused_with_the_band_named(self, user, rule_of, client_for, bands, field, words):
        rule = rule_of("S2")
        response = client_for(user).post(f"/signals/rules/{rule.pk}/edit/", band_post(rule, bands))
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html and f'href="#id_{field}' in html
        assert words in " ".join(response.context["form"].errors[field])
        assert rule_of("S2").version == rule.version  # nothing saved

    def test_owners_are_changed_and_one_is_needed(self, user, rule_of, client_for):
        rule, client = rule_of("S3"), client_for(user)
        data = {"enabled": "on", "threshold": 4, "window_months": 6, "timescale_unit": "working_days"}
        refused = client.post(f"/signals/rules/{rule.pk}/edit/", data)
        assert refused.status_code == 200 and "Choose at least one owner" in refused.content.decode()
        saved = client.post(f"/signals/rules/{rule.pk}/edit/", {**data, "owners": ["designated_nurse", "gp"]})
        assert saved.status_code == 302 and rule_of("S3").owners == ["designated_nurse", "gp"]

    def test_s6_is_set_on_its_page_and_then_evaluated(self, user, rule_of, client_for):
        rule, client = rule_of("S6"), client_for(user)
        assert "No: set a threshold and window" in client.get("/signals/rules/").content.decode()
        page = client.get(f"/signals/rules/{rule.pk}/edit/").content.decode()
        assert 'name="threshold"' in page and 'name="window_months"' in page and "not evaluated until" in page
        data = {"enabled": "on", "threshold": 3, "window_months": 12, "timescale_unit": "working_days"}
        response = client.post(f"/signals/rules/{rule.pk}/edit/", {**data, "owners": ["safeguarding_team"]})
        assert response.status_code == 302
        assert (rule_of("S6").threshold, rule_of("S6").window_months) == (3, 12)
        missing = client.post(f"/signals/rules/{rule.pk}/edit/", {**data, "window_months": "", "owners": ["gp"]})
        assert "Give the rolling window" in missing.content.decode()

    @pytest.mark.parametrize("signal", ["S8", "S9"])
    def test_settings_without_a_feed_say_so(self, user, rule_of, client_for, signal):
        client = client_for(user)
        page = client.get(f"/signals/rules/{rule_of(signal).pk}/edit/").content.decode()
        assert "Not evaluated: no feed" in page and "never evaluated and opens no review" in page
        assert "No: no feed yet" in client.get("/signals/rules/").content.decode()


class TestApi:
    def test_read_by_the_icb_changed_by_the_team_with_field_errors(self, world, user, rule_of):
        s2 = rule_of("S2")
        listed = world.api(Role.DESIGNATED).get("/api/v1/signals/rules/")
        assert listed.status_code == 200
        assert world.api(Role.DESIGNATED).patch(f"/api/v1/signals/rules/{s2.pk}/", {}, format="json").status_code == 403
        api = world.api(user)
        shown = api.get(f"/api/v1/signals/rules/{s2.pk}/").json()
        assert shown["age_bands"] == list(rules.DEFAULT_AGE_BANDS) and shown["version"] == s2.version

        changed = api.patch(f"/api/v1/signals/rules/{s2.pk}/", {"age_bands": SPLIT}, format="json")
        assert changed.status_code == 200, changed.json()
        assert changed.json()["age_bands"] == SPLIT and changed["ETag"] == f'W/"{s2.version + 1}"'

        gap = [{"from": 0, "to": 5, "owners": ["gp"]}, {"from": 7, "to": 18, "owners": ["gp"]}]
        refused = api.patch(f"/api/v1/signals/rules/{s2.pk}/", {"age_bands": gap}, format="json")
        assert refused.status_code == 400 and "no band" in " ".join(refused.json()["age_bands"])
        owners = api.patch(f"/api/v1/signals/rules/{s2.pk}/", {"owners": ["gp"]}, format="json")
        assert owners.status_code == 400 and "owners" in owners.json()
        read = api.get(f"/api/v1/signals/rules/{s2.pk}/").json()
        sent_back = {k: v for k, v in read.items() if k not in ("id", "organisation", "signal", "parameters", "source")}
        assert api.put(f"/api/v1/signals/rules/{s2.pk}/", sent_back, format="json").status_code == 200

        s1 = rule_of("S1")
        assert api.patch(f"/api/v1/signals/rules/{s1.pk}/", {"age_bands": SPLIT}, format="json").status_code == 400
        none = api.patch(f"/api/v1/signals/rules/{s1.pk}/", {"owners": []}, format="json")
        assert none.status_code == 400 and "at least one owner" in " ".join(none.json()["owners"])
        ok = api.patch(f"/api/v1/signals/rules/{s1.pk}/", {"owners": ["gp"]}, format="json", HTTP_IF_MATCH='W/"1"')
        assert ok.status_code == 200 and rule_of("S1").owners == ["gp"]
        stale = api.patch(f"/api/v1/signals/rules/{s1.pk}/", {"owners": ["gp"]}, format="json", HTTP_IF_MATCH='W/"1"')
        assert stale.status_code == 412
        other = world.api(world.other_provider_user).patch(f"/api/v1/signals/rules/{s1.pk}/", {}, format="json")
        assert other.status_code == 404
