"""The API's JSON parser: DRF's, with a limit on nesting (the JSON_MAX_DEPTH setting). Deeper
documents (or ones deep enough to exhaust Python's recursion) are a 400, never a RecursionError."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.conf import setting

DEFAULTS = {"JSON_MAX_DEPTH": 64}


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - the document is nested too deeply.") from error
        limit = setting("JSON_MAX_DEPTH", DEFAULTS)
        if depth(data, limit) > limit:
            raise ParseError(f"JSON parse error - the document is nested more than {limit} levels deep.")
        return data


def depth(data, stop_after):
    """How deeply arrays and objects nest in `data` (a scalar is 0), counting no further than stop_after + 1."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, level = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > stop_after:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest
