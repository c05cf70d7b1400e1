"""No lost update (docs/concurrency.md): versions on every editable record, stale form saves and stale
If-Match refused, concurrent saves on PostgreSQL."""

import threading
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from assurance import actions as assurance_actions
from casework.registers import BY_SLUG
from casework.tests import factories as casework_factories
from config.api_urls import router
from core.choices import Role
from core.scoping import CHANGE
from core.tests.versioned_records import build
from core.versioning import StaleEdit, Versioned
from core.views import ActionFormView
from organisations import actions as organisation_actions
from organisations.models import Organisation
from reporting import actions as reporting_actions
from returns import actions as return_actions
from returns.tests.factories import entries_for
from reviews import actions as review_actions

VERSIONED_MODELS = sorted(
    (m for m in apps.get_models() if issubclass(m, Versioned)), key=lambda m: (m._meta.app_label, m.__name__)
)


@pytest.fixture
def records(world):
    return build(world)


def fresh(record):
    return type(record)._base_manager.get(pk=record.pk)


def users_of(world):
    return [*world.users.values(), world.other_provider_user]


def editor_of(world, record):
    """Someone in `world` who may change `record` (the designated professional when they may)."""
    for user in users_of(world):
        if type(record).objects.restrict(user, CHANGE).filter(pk=record.pk).exists():
            return user
    raise AssertionError(f"nobody in the test world may change {record!r}")


# The model: every save makes a new version; a save from an older copy changes nothing.


class TestVersionedSave:
    def test_every_versioned_model_has_a_record_in_the_fixture(self, records):
        assert set(records) == set(VERSIONED_MODELS)

    def test_a_save_bumps_the_version_by_one(self, world):
        organisation = fresh(world.provider)
        before = organisation.version
        organisation_actions.do_update_organisation(organisation, name="Renamed", acting_user=None)
        assert (organisation.version, fresh(organisation).version) == (before + 1, before + 1)

    def test_a_save_from_a_stale_copy_is_refused_and_changes_nothing(self, world):
        mine, theirs = fresh(world.provider), fresh(world.provider)
        organisation_actions.do_update_organisation(theirs, name="Their name", acting_user=None)
        with pytest.raises(StaleEdit) as refused:
            organisation_actions.do_update_organisation(mine, name="My name", acting_user=None)
        saved = fresh(world.provider)
        assert (saved.name, saved.version) == ("Their name", theirs.version)
        assert refused.value.expected_version == theirs.version - 1
        assert mine.version == theirs.version - 1  # the copy is left at the version it had

    def test_touch_makes_a_new_version_and_the_audit_trail_records_it(self, world):
        from core.audit import history_for

        organisation = fresh(world.provider)
        organisation.touch()
        assert fresh(organisation).version == 2
        assert history_for(organisation).first().changes_dict["version"] == ["1", "2"]

    def test_saving_a_returns_figures_makes_a_new_version_of_the_return(self, world, records):
        ret = records[apps.get_model("returns", "Return")]
        before = ret.version
        return_actions.do_save_figures(ret, entries=entries_for(world.provider, count=5), acting_user=None)
        assert fresh(ret).version == before + 1


# The API: ETag on every response about one record, If-Match checked on every write to one.


def detail_routes():
    """(basename, model, viewset) for every router entry over a versioned model."""
    for _prefix, viewset, basename in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None)
        if model is not None and issubclass(model, Versioned) and hasattr(viewset, "retrieve"):
            yield pytest.param(basename, model, viewset, id=basename)


def write_endpoints():
    """(basename, model, method, url action) for every write to one versioned record the router offers:
    PUT/PATCH on the record and every POST action on it."""
    for param in detail_routes():
        basename, model, viewset = param.values
        methods = viewset.http_method_names
        for method in ("put", "patch"):
            if method in methods:
                yield pytest.param(basename, model, method, None, id=f"{basename}-{method}")
        if "post" in methods:
            for extra in viewset.get_extra_actions():
                if extra.detail and "post" in extra.mapping:
                    yield pytest.param(basename, model, "post", extra.url_name, id=f"{basename}-{extra.url_name}")


def detail_url(basename, record, url_name=None):
    name = f"{basename}-{url_name}" if url_name else f"{basename}-detail"
    return reverse(name, args=[record.pk])


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestApiVersions:
    @pytest.mark.parametrize(("basename", "model", "viewset"), list(detail_routes()))
    def test_retrieve_sends_the_version_as_etag(self, world, records, basename, model, viewset):
        record = records[model]
        response = api_for(editor_of(world, record)).get(detail_url(basename, record))
        assert response.status_code == 200
        assert response["ETag"] == f'W/"{record.version}"'

    @pytest.mark.parametrize(("basename", "model", "method", "url_name"), list(write_endpoints()))
    def test_a_stale_if_match_is_412_and_changes_nothing(self, world, records, basename, model, method, url_name):
        record = records[model]
        stale = record.version
        fresh(record).touch()  # someone saved since this client read the record
        response = getattr(api_for(editor_of(world, record)), method)(
            detail_url(basename, record, url_name), {}, format="json", HTTP_IF_MATCH=f'W/"{stale}"'
        )
        assert response.status_code == 412, response.content
        assert fresh(record).version == stale + 1

    def test_a_fresh_if_match_saves_and_the_etag_moves_on(self, world):
        client = api_for(world.user(Role.DESIGNATED))
        url = reverse("organisation-detail", args=[world.provider.pk])
        etag = client.get(url)["ETag"]
        response = client.patch(url, {"name": "Provider One renamed"}, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200
        assert response["ETag"] == f'W/"{fresh(world.provider).version}"' != etag
        assert response.json()["version"] == fresh(world.provider).version
        assert client.patch(url, {"name": "Again"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
        assert fresh(world.provider).name == "Provider One renamed"

    def test_two_people_editing_one_allegation_through_the_api(self, world):
        """The reported lost update: the second save from the same version is refused."""
        allegation = casework_factories.allegation(world)
        first, second = api_for(world.user(Role.DESIGNATED)), api_for(world.user(Role.DESIGNATED))
        url = reverse("casework-allegations-detail", args=[allegation.pk])
        etag = first.get(url)["ETag"]
        assert first.patch(url, {"person_role": "Porter"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
        refused = second.patch(url, {"person_role": "Nurse"}, format="json", HTTP_IF_MATCH=etag)
        assert refused.status_code == 412
        assert fresh(allegation).person_role == "Porter"

    def test_a_version_in_the_body_is_checked_like_if_match(self, world):
        client = api_for(world.user(Role.DESIGNATED))
        url = reverse("organisation-detail", args=[world.provider.pk])
        version = fresh(world.provider).version
        assert client.patch(url, {"name": "Stale", "version": version - 1 or 99}, format="json").status_code == 412
        assert client.patch(url, {"name": "Fresh", "version": version}, format="json").status_code == 200
        assert fresh(world.provider).name == "Fresh"

    @pytest.mark.parametrize(
        ("header", "body", "field"),
        [
            ('"abc"', {}, "If-Match"),
            ('W/"²"', {}, "If-Match"),
            ("W/1", {}, None),
            ("", {"version": "1"}, "version"),
            ("", {"version": 0}, "version"),
        ],
    )
    def test_a_malformed_precondition_is_400_naming_it(self, world, header, body, field):
        client = api_for(world.user(Role.DESIGNATED))
        url = reverse("organisation-detail", args=[world.provider.pk])
        extra = {"HTTP_IF_MATCH": header} if header else {}
        response = client.patch(url, body, format="json", **extra)
        if field is None:  # W/1 without quotes is still version 1: accepted
            assert response.status_code == 200
        else:
            assert response.status_code == 400
            assert field in response.json()

    def test_if_match_star_and_no_if_match_are_allowed(self, world):
        client = api_for(world.user(Role.DESIGNATED))
        url = reverse("organisation-detail", args=[world.provider.pk])
        assert client.patch(url, {"name": "Star"}, format="json", HTTP_IF_MATCH="*").status_code == 200
        assert client.patch(url, {"name": "None"}, format="json").status_code == 200

    def test_the_schema_documents_if_match_etag_and_412(self, world):
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator().get_schema(request=None, public=True)
        patch = schema["paths"]["/api/v1/organisations/{id}/"]["patch"]
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
        assert "412" in patch["responses"]
        assert "ETag" in schema["paths"]["/api/v1/organisations/{id}/"]["get"]["responses"]["200"]["headers"]
        listing = schema["paths"]["/api/v1/organisations/"]["get"]
        assert "412" not in listing["responses"]


# The pages: every edit form sends its version; a stale save is refused with what changed, keeping the input.


def _their_change(slug, field, value):
    def change(world, record):
        BY_SLUG[slug].update(
            fresh(record), acting_user=world.user(Role.DESIGNATED), acknowledge_warnings=True, **{field: value}
        )
        return field, value

    return change


def _organisation_change(world, record):
    organisation_actions.do_update_organisation(
        fresh(record), name="Renamed meanwhile", acting_user=world.user(Role.ADMINISTRATOR)
    )
    return "name", "Renamed meanwhile"


def _contract_change(world, record):
    organisation_actions.do_update_contract(fresh(record), services="Community services", acting_user=None)
    return "services", "Community services"


def _holder_change(world, record):
    organisation_actions.do_update_role_holder(fresh(record), job_title="Head of safeguarding", acting_user=None)
    return "job_title", "Head of safeguarding"


def _contact_change(world, record):
    organisation_actions.do_update_contact(fresh(record), hours="Their hours", acting_user=world.user(Role.DESIGNATED))
    return "hours", "Their hours"


def _review_change(world, record):
    review_actions.do_update_review(
        fresh(record), summary="Their summary", acknowledge_identifiers=True, acting_user=world.user(Role.DESIGNATED)
    )
    return "summary", "Their summary"


def _contribution_change(world, record):
    review_actions.do_update_contribution(
        fresh(record), notes="Chased by phone", acting_user=world.user(Role.DESIGNATED)
    )
    return "notes", "Chased by phone"


def _figures_change(world, record):
    return_actions.do_save_figures(fresh(record), entries=entries_for(world.provider, count=9), acting_user=None)
    return None, None


def _answers_change(world, record):
    response = record.responses.order_by("pk").first()
    assurance_actions.do_save_responses(
        fresh(record), {response: {"narrative": "Their narrative"}}, acting_user=world.user(Role.PROVIDER)
    )
    return None, None


def _inspection_change(world, record):
    assurance_actions.do_update_inspection(
        fresh(record), findings="Their findings", acting_user=world.user(Role.DESIGNATED)
    )
    return "findings", "Their findings"


def _non_participation_change(world, record):
    review_actions.do_update_non_participation(
        fresh(record), escalation_note="Their note", acting_user=world.user(Role.DESIGNATED)
    )
    return "escalation_note", "Their note"


def _enquiry_change(world, record):
    review_actions.do_update_enquiry(fresh(record), outcome="Their outcome", acting_user=world.user(Role.DESIGNATED))
    return "outcome", "Their outcome"


def _notice_change(world, record):
    assurance_actions.do_update_notice(fresh(record), summary="Their summary", acting_user=world.user(Role.DESIGNATED))
    return "summary", "Their summary"


def _registration_change(world, record):
    assurance_actions.do_update_registration(
        fresh(record), conditions="Their conditions", acting_user=world.user(Role.DESIGNATED)
    )
    return "conditions", "Their conditions"


REGISTER_FIELDS = {
    "allegations": ("person_role", "Porter"),
    "escalations": ("raised_by", "Named doctor"),
    "advice": ("caller", "Health visitor"),
    "referrals": ("referred_by", "School nurse"),
    "serious-incidents": ("summary", "Their incident summary"),
    "complex-health-needs": ("outcome", "Their outcome"),
    "disclosures": ("disclosed_to", "Probation"),
}


def _narrative_change(world, record):
    reporting_actions.do_save_narrative(
        record.report, key=record.key, text="Their narrative", acting_user=world.user(Role.DESIGNATED)
    )
    return "text", "Their narrative"


def _to(name, *args):
    return lambda record: reverse(name, args=[arg(record) if callable(arg) else arg for arg in args])


def _pk(record):
    return record.pk


def _first_section(assessment):
    return assessment.responses.order_by("pk").first().requirement.section_id


# (model, the edit page of a record, who edits it, another person's save meanwhile: (field, value) or (None, None))
def _committee_change(world, record):
    from governance import actions as governance_actions

    governance_actions.do_update_committee(fresh(record), name="Renamed group", acting_user=world.user(Role.DESIGNATED))
    return "name", "Renamed group"


def _monitoring_check_change(world, record):
    from governance import actions as governance_actions

    governance_actions.do_update_monitoring_check(
        fresh(record), owner="Their owner", acting_user=world.user(Role.DESIGNATED)
    )
    return "owner", "Their owner"


def _cic_specification_change(world, record):
    from assurance import actions as assurance_actions

    assurance_actions.do_update_cic_specification(
        fresh(record), child_voice="Their wording", acting_user=world.user(Role.DESIGNATED)
    )
    return "child_voice", "Their wording"


def _funding_panel_change(world, record):
    from assurance import actions as assurance_actions

    assurance_actions.do_update_funding_panel(
        fresh(record), panel="Their panel", acting_user=world.user(Role.DESIGNATED)
    )
    return "panel", "Their panel"


def _risk_change(world, record):
    from governance import actions as governance_actions

    governance_actions.do_update_risk(fresh(record), owner="Their owner", acting_user=world.user(Role.DESIGNATED))
    return "owner", "Their owner"


def _policy_change(world, record):
    from governance import actions as governance_actions

    governance_actions.do_update_policy(fresh(record), owner="Their owner", acting_user=world.user(Role.DESIGNATED))
    return "owner", "Their owner"


def _dbs_change(world, record):
    from workforce import actions as workforce_actions

    workforce_actions.do_update_dbs_check(fresh(record), update_service=True, acting_user=world.user(Role.HR))
    return None, None


def _session_change(world, record):
    from workforce import actions as workforce_actions

    workforce_actions.do_update_session(fresh(record), venue="Room 9", acting_user=world.user(Role.DESIGNATED))
    return "venue", "Room 9"


def _rule_change(world, record):
    from signals import actions as signals_actions

    signals_actions.do_update_rule(fresh(record), threshold=7, acting_user=world.user(Role.PROVIDER))
    return None, None  # a number: the checks below compare text


def _evidence_change(world, record):
    return_actions.do_save_evidence(
        fresh(record), answers={"11.b": {"effect_on_practice": "Theirs"}}, acting_user=world.user(Role.PROVIDER)
    )
    return None, None


def _commissioning_change(field, value):
    def change(world, record):
        action = {
            "CommissioningEvent": organisation_actions.do_update_commissioning_event,
            "ServiceSpecification": organisation_actions.do_update_specification,
            "Subcontractor": organisation_actions.do_update_subcontractor,
            "AssociateNotification": organisation_actions.do_update_associate_notification,
            "ModernSlaveryStatement": organisation_actions.do_update_statement,
        }[type(record).__name__]
        action(fresh(record), **{field: value}, acting_user=world.user(Role.CONTRACTS))
        return field, value

    return change


EDIT_FORMS = [
    ("Organisation", _to("organisations:edit", _pk), Role.ADMINISTRATOR, _organisation_change),
    (
        "CommissioningEvent",
        _to("organisations:commissioning-edit", _pk),
        Role.CONTRACTS,
        _commissioning_change("commissioner", "Their lead"),
    ),
    (
        "ServiceSpecification",
        _to("organisations:specification-edit", _pk),
        Role.DESIGNATED,
        _commissioning_change("title", "Their title"),
    ),
    (
        "Subcontractor",
        _to("organisations:subcontractor-edit", _pk),
        Role.DESIGNATED,
        _commissioning_change("services", "Their services"),
    ),
    (
        "AssociateNotification",
        _to("organisations:notification-edit", _pk),
        Role.DESIGNATED,
        _commissioning_change("summary", "Their summary"),
    ),
    (
        "ModernSlaveryStatement",
        _to("organisations:statement-edit", _pk),
        Role.DESIGNATED,
        _commissioning_change("chief_officer", "Their chief officer"),
    ),
    ("Contract", _to("organisations:contract-edit", _pk), Role.DESIGNATED, _contract_change),
    ("RoleHolder", _to("organisations:holder-edit", _pk), Role.DESIGNATED, _holder_change),
    ("SafeguardingContact", _to("organisations:contact-edit", _pk), Role.DESIGNATED, _contact_change),
    ("Review", _to("reviews:edit", _pk), Role.DESIGNATED, _review_change),
    ("Contribution", _to("reviews:contribution-edit", _pk), Role.DESIGNATED, _contribution_change),
    ("Return", _to("returns:edit", _pk), Role.PROVIDER, _figures_change),
    ("SignalRule", _to("signals:rule-edit", _pk), Role.PROVIDER, _rule_change),
    (
        "ReportNarrative",
        _to("reporting:narrative", lambda r: r.report_id, "executive-summary"),
        Role.DESIGNATED,
        _narrative_change,
    ),
    ("Assessment", _to("assurance:section", _pk, _first_section), Role.PROVIDER, _answers_change),
    ("Inspection", _to("assurance:inspection-edit", _pk), Role.DESIGNATED, _inspection_change),
    ("NonParticipation", _to("reviews:non-participation-edit", _pk), Role.DESIGNATED, _non_participation_change),
    ("SafeguardingEnquiry", _to("reviews:enquiry-edit", _pk), Role.DESIGNATED, _enquiry_change),
    ("RegulatoryNotice", _to("assurance:notice-edit", _pk), Role.DESIGNATED, _notice_change),
    ("CqcRegistration", _to("assurance:registration-edit", _pk), Role.DESIGNATED, _registration_change),
    ("Committee", _to("governance:committee-edit", _pk), Role.DESIGNATED, _committee_change),
    ("Risk", _to("governance:risk-edit", _pk), Role.DESIGNATED, _risk_change),
    ("MonitoringCheck", _to("governance:monitoring-edit", _pk), Role.DESIGNATED, _monitoring_check_change),
    (
        "ChildrenInCareSpecification",
        _to("assurance:cic-spec-edit", _pk),
        Role.DESIGNATED,
        _cic_specification_change,
    ),
    ("FundingPanelAssurance", _to("assurance:funding-panel-edit", _pk), Role.DESIGNATED, _funding_panel_change),
    ("Policy", _to("governance:policy-edit", _pk), Role.DESIGNATED, _policy_change),
    ("DbsCheck", _to("workforce:dbs-edit", _pk), Role.HR, _dbs_change),
    ("SupervisionSession", _to("workforce:session-edit", _pk), Role.DESIGNATED, _session_change),
    ("Return", _to("returns:evidence", _pk), Role.PROVIDER, _evidence_change),
] + [
    (BY_SLUG[slug].model.__name__, _to("casework:edit", slug, _pk), Role.DESIGNATED, _their_change(slug, *change))
    for slug, change in REGISTER_FIELDS.items()
]


def form_data(form):
    """What the browser would send back for an untouched form."""
    data = {}
    for field in form:
        widget, value = field.field.widget, field.value()
        if isinstance(widget, forms.FileInput) or value is None:
            continue
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif getattr(widget, "allow_multiple_selected", False):
            data[field.html_name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            shown = widget.format_value(value)
            data[field.html_name] = (shown[0] if shown else "") if isinstance(shown, list) else (shown or "")
    return data


def edit_views_in_urlconf():
    """Every page that edits an existing record through a form (the pattern: ...EditView, ...UpdateView,
    or a form over the record's children)."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "view_class"):
                yield pattern.callback.view_class

    return {
        view
        for view in walk(get_resolver().url_patterns)
        if issubclass(view, ActionFormView)
        and (view.__name__.endswith(("EditView", "UpdateView")) or view.edits_object_children)
    }


class TestStaleFormSave:
    def test_every_edit_page_is_covered(self, records):
        by_name = {model.__name__: record for model, record in records.items()}
        covered = {resolve(urlsplit(address(by_name[name])).path).func.view_class for name, address, *_ in EDIT_FORMS}
        assert edit_views_in_urlconf() <= covered

    @pytest.mark.parametrize(
        ("model_name", "address_of", "role", "their_change"), EDIT_FORMS, ids=[case[0] for case in EDIT_FORMS]
    )
    def test_a_stale_save_is_refused_with_what_changed(
        self, world, records, client, model_name, address_of, role, their_change
    ):
        record = next(r for m, r in records.items() if m.__name__ == model_name)
        client.force_login(world.user(role))
        address = address_of(record)
        opened = client.get(address)
        assert opened.status_code == 200
        data = form_data(opened.context["form"])
        assert data["version"] == str(record.version)

        field, theirs = their_change(world, record)
        saved_meanwhile = fresh(record)

        refused = client.post(address, data)
        assert refused.status_code == 200
        form = refused.context["form"]
        summary = " ".join(form.non_field_errors())
        assert "while you were editing it" in summary and "someone else" not in summary  # who and when, from the audit
        assert "There is a problem" in refused.content.decode()
        assert fresh(record).version == saved_meanwhile.version  # nothing saved
        if field is not None:
            assert getattr(fresh(record), field) == theirs  # their change is not reverted
            assert "Changed by " in " ".join(form.errors[field]) and theirs in " ".join(form.errors[field])
            assert form[field].value() == data[field]  # the person's input is kept
        assert form["version"].value() == saved_meanwhile.version  # saving again keeps theirs

        again = client.post(address, form_data(form))
        assert again.status_code == 302, again.context["form"].errors if again.context else again
        assert fresh(record).version > saved_meanwhile.version


# Two saves at the same moment on PostgreSQL: one wins, the other is refused.


@pytest.mark.django_db(transaction=True)
class TestConcurrentSaves:
    @pytest.fixture(autouse=True)
    def _postgresql_only(self):
        if connection.vendor != "postgresql":
            pytest.skip("row locks and concurrent transactions need PostgreSQL")

    def test_two_threads_saving_one_record_one_wins_the_other_is_refused(self, world):
        first_copy, second_copy = fresh(world.provider), fresh(world.provider)
        first_claimed, outcome = threading.Event(), {}

        def first():
            try:
                with transaction.atomic():
                    organisation_actions.do_update_organisation(first_copy, name="First", acting_user=None)
                    first_claimed.set()
                    threading.Event().wait(0.5)  # the second writer is now waiting on the row lock
                outcome["first"] = "saved"
            finally:
                connection.close()

        def second():
            first_claimed.wait(5)
            try:
                organisation_actions.do_update_organisation(second_copy, name="Second", acting_user=None)
                outcome["second"] = "saved"
            except StaleEdit:
                outcome["second"] = "refused"
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert outcome == {"first": "saved", "second": "refused"}
        saved = Organisation.objects.get(pk=world.provider.pk)
        assert (saved.name, saved.version) == ("First", first_copy.version)

    def test_concurrent_api_patches_with_one_if_match_give_one_200_and_412s(self, world):
        url = reverse("organisation-detail", args=[world.provider.pk])
        etag = api_for(world.user(Role.DESIGNATED)).get(url)["ETag"]
        start, statuses = threading.Barrier(4), []

        def patch(name):
            try:
                start.wait(5)
                client = api_for(world.user(Role.DESIGNATED))
                statuses.append(client.patch(url, {"name": name}, format="json", HTTP_IF_MATCH=etag).status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=patch, args=(f"Name {n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
        assert sorted(statuses) == [200, 412, 412, 412]
        assert Organisation.objects.get(pk=world.provider.pk).version == 2


def test_a_button_that_meets_a_save_at_the_same_moment_goes_back_with_a_message(world, client, monkeypatch):
    """Pages that save without a form (archive, submit, accept) answer a race with a message, not a 500."""
    archive = organisation_actions.do_archive_organisation

    def archive_after_someone_else_saved(organisation, *, acting_user):
        organisation_actions.do_update_organisation(fresh(organisation), name="Saved meanwhile", acting_user=None)
        return archive(organisation, acting_user=acting_user)

    monkeypatch.setattr(organisation_actions, "do_archive_organisation", archive_after_someone_else_saved)
    client.force_login(world.user(Role.ADMINISTRATOR))
    detail = reverse("organisations:detail", args=[world.provider.pk])
    response = client.post(reverse("organisations:archive", args=[world.provider.pk]), HTTP_REFERER=detail, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "Someone else saved this record at the same moment" in response.content.decode()
    saved = fresh(world.provider)
    assert (saved.name, saved.archived_at) == ("Saved meanwhile", None)


def test_a_form_posted_without_its_version_is_checked_only_against_the_version_the_request_read(world, client):
    """Like the API without If-Match: a script or a page opened before versions existed still saves."""
    allegation = casework_factories.allegation(world)
    client.force_login(world.user(Role.DESIGNATED))
    address = reverse("casework:edit", args=["allegations", allegation.pk])
    data = form_data(client.get(address).context["form"])
    del data["version"]
    data["person_role"] = "Porter"
    assert client.post(address, data).status_code == 302
    assert (fresh(allegation).person_role, fresh(allegation).version) == ("Porter", allegation.version + 1)


@pytest.mark.parametrize(("if_match", "expected"), [(True, 412), (False, 409)])
def test_an_api_save_meeting_another_save_in_the_same_moment_changes_nothing(world, monkeypatch, if_match, expected):
    """Between this request's read and its write someone saves: 412 with a precondition, 409 without."""
    from organisations.api import OrganisationViewSet

    update = organisation_actions.do_update_organisation

    def update_after_someone_else_saved(organisation, *, acting_user, **fields):
        update(fresh(organisation), name="Saved meanwhile", acting_user=None)
        return update(organisation, acting_user=acting_user, **fields)

    monkeypatch.setattr(OrganisationViewSet, "update_action", staticmethod(update_after_someone_else_saved))
    client = api_for(world.user(Role.DESIGNATED))
    url = reverse("organisation-detail", args=[world.provider.pk])
    headers = {"HTTP_IF_MATCH": client.get(url)["ETag"]} if if_match else {}
    response = client.patch(url, {"name": "Mine"}, format="json", **headers)
    assert response.status_code == expected
    assert "ETag" not in response
    assert fresh(world.provider).name == "Saved meanwhile"
