"""Response headers every page shares."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` on the API and on every page answered to a signed-in user.

    Every signed-in page may show restricted records, so none may stay in a browser's or proxy's
    cache after sign-out. Static files are answered earlier, by WhiteNoise, and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
