"""The API side of versions (docs/concurrency.md): `ETag: W/"<version>"` on every response about one
versioned record, `If-Match` checked on every write to one, 412 when it is stale; in the OpenAPI schema."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from core.schema import ModuleAutoSchema
from core.versioning import StaleEdit, Versioned

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
IF_MATCH_HELP = (
    'The ETag of the version you read (W/"<version>", as sent in the ETag header). If the record has been '
    "saved since, nothing is changed and the answer is 412. Optional: without it the write is checked only "
    "against the version this request reads. A `version` in the body is checked the same way."
)
PRECONDITION_FAILED_HELP = "The record has changed since the version in If-Match (or `version`): fetch it again."


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "This record has been changed since the version you sent: fetch it again and reapply your change."
    default_code = "precondition_failed"


class SavedMeanwhile(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This record was saved by someone else while your request was handled: fetch it again."
    default_code = "saved_meanwhile"


def etag_for(version):
    return f'W/"{version}"'


def versions_in_if_match(header):
    """The versions an If-Match header names (None for `*`); 400 for a value that is not one of our ETags."""
    if header.strip() == "*":
        return None
    versions = set()
    for tag in header.split(","):
        text = tag.strip().removeprefix("W/").strip('"')
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise serializers.ValidationError({"If-Match": [f"Not an ETag of this API: {tag.strip()!r}."]})
        versions.add(int(text))
    return versions


def _version_in_body(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**63:
        raise serializers.ValidationError({"version": ["The version you read: a whole number from 1."]})
    return value


def _versioned_model(view):
    model = getattr(getattr(view, "queryset", None), "model", None)
    return model if model is not None and issubclass(model, Versioned) else None


class VersionedViewSetMixin:
    """Optimistic concurrency for a viewset of versioned records.

    - Any write to one record (PUT, PATCH, a POST action on it) with `If-Match` or a body `version`
      that is not the record's current version: 412, nothing changed.
    - The write is saved only if the record is still at the version this request read: a save in
      between raises StaleEdit, answered with 412 when the client sent a precondition, 409 otherwise.
    - Every successful response about one record carries its current version as `ETag`.
    """

    def get_object(self):
        instance = super().get_object()
        if self.request.method not in SAFE_METHODS and isinstance(instance, Versioned):
            self._check_precondition(instance)
        return instance

    def _check_precondition(self, instance):
        header = self.request.headers.get("If-Match")
        wanted = versions_in_if_match(header) if header else None
        if wanted is not None and instance.version not in wanted:
            raise PreconditionFailed()
        data = self.request.data
        if isinstance(data, dict) and "version" in data and _version_in_body(data["version"]) != instance.version:
            raise PreconditionFailed()

    def handle_exception(self, exc):
        if isinstance(exc, StaleEdit):
            exc = PreconditionFailed() if self._sent_a_precondition() else SavedMeanwhile()
        return super().handle_exception(exc)

    def _sent_a_precondition(self):
        data = getattr(self.request, "_full_data", None)  # already parsed; never parse again here
        return bool(self.request.headers.get("If-Match")) or (isinstance(data, dict) and "version" in data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and (version := self._current_version(response)) is not None:
            response["ETag"] = etag_for(version)
        return response

    def _current_version(self, response):
        """Read after the write (actions may save a copy of the record, or its children)."""
        model = _versioned_model(self)
        pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if pk is None and getattr(self, "action", None) == "create" and isinstance(response.data, dict):
            pk = response.data.get("id")
        if model is None or pk is None:
            return None
        return model._base_manager.filter(pk=pk).values_list("version", flat=True).first()


class VersionedAutoSchema(ModuleAutoSchema):
    """Documents If-Match, the ETag header and the 412 answer on operations on one versioned record."""

    def _on_one_versioned_record(self):
        return _versioned_model(self.view) is not None and "{" in self.path

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._on_one_versioned_record() and self.method not in SAFE_METHODS:
            parameters.append(
                OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False, description=IF_MATCH_HELP)
            )
        return parameters

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None or not self._on_one_versioned_record():
            return operation
        responses = operation.setdefault("responses", {})
        etag = {"schema": {"type": "string"}, "description": 'The current version of the record: W/"<version>".'}
        for code, response in responses.items():
            if str(code).startswith("2"):
                response.setdefault("headers", {})["ETag"] = etag
        if method.upper() not in SAFE_METHODS:
            detail = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
            responses["412"] = {
                "description": PRECONDITION_FAILED_HELP,
                "content": {"application/json": {"schema": detail}},
            }
        return operation
