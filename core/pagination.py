"""The API's one pagination: ?limit= and ?offset=, validated (a 400 naming the parameter) and the
limit capped at the API_MAX_LIMIT setting, so no request asks the database for a slice it cannot take."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from core.bounds import INT64_MAX
from core.conf import setting

DEFAULTS = {"API_MAX_LIMIT": 1000}


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    @property
    def max_limit(self):
        return setting("API_MAX_LIMIT", DEFAULTS)

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        return min(_count(raw, self.limit_query_param, minimum=1, cap=self.max_limit), self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        return 0 if raw is None else _count(raw, self.offset_query_param, minimum=0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        minimum = {self.limit_query_param: 1, self.offset_query_param: 0}
        for parameter in parameters:
            parameter["schema"]["minimum"] = minimum[parameter["name"]]
        return parameters


def _count(raw, name, *, minimum, cap=None):
    """`raw` as a whole number of at least `minimum`; a larger one than a 64-bit column holds is
    `cap` when given (a limit) and refused otherwise (an offset)."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError({name: [f"Enter a whole number of at least {minimum}."]})
    value = int(text) if len(text) <= 19 else INT64_MAX + 1
    if value > INT64_MAX and cap is not None:
        return cap
    if value < minimum or value > INT64_MAX:
        raise ValidationError({name: [f"Enter a whole number from {minimum} to {INT64_MAX}."]})
    return value
