"""Error pages (400, 403 for a failed CSRF check, 500) that render without the database.

Django renders 403 and 404 itself with the request's context; 400 and 500 are rendered here from
static context only, because the failure may be the database or the session itself. If even that
fails (a missing static manifest, say), a plain page still answers.
"""

import logging

from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseServerError
from django.template import loader

from core.context_processors import frontend_assets

logger = logging.getLogger(__name__)

PLAIN_PAGE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title} – Vigil</title></head>'
    '<body><h1>{title}</h1><p><a href="/">Go to the Vigil home page</a></p></body></html>'
)


def render_standalone(template_name, title):
    try:
        return loader.get_template(template_name).render(frontend_assets())
    except Exception:
        logger.exception("The %s error page could not be rendered", template_name)
        return PLAIN_PAGE.format(title=title)


def bad_request(request, exception=None):
    return HttpResponseBadRequest(render_standalone("400.html", "Sorry, there is a problem with your request"))


def server_error(request):
    return HttpResponseServerError(render_standalone("500.html", "Sorry, there is a problem with the service"))


def csrf_failure(request, reason=""):
    return HttpResponseForbidden(render_standalone("403_csrf.html", "Your form could not be sent"))
