"""API authentication by personal token (`Authorization: Token <key>`), refusing expired keys."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from core import tokens
from core.models import ApiToken

# Record use at most once a minute per token, so busy scripts do not write on every request.
LAST_USED_RESOLUTION_SECONDS = 60


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_digest=tokens.digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed("Token has expired: make a new one on your API tokens page.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token.last_used is None or (now - token.last_used).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token
