"""The second-factor pages: set up an authenticator app (QR code and key), then enter its code."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.generic import FormView

from core import second_factor
from core.forms import SecondFactorCodeForm


class SecondFactorFormView(LoginRequiredMixin, FormView):
    form_class = SecondFactorCodeForm

    def get_initial(self):
        return {"next": self.request.GET.get("next", "")}

    def form_valid(self, form):
        if problem := second_factor.code_problem(self.device, form.cleaned_data["code"]):
            form.add_error("code", problem)
            return self.form_invalid(form)
        self.accept(self.device)
        return redirect(self.safe_next(form.cleaned_data["next"]))

    def safe_next(self, url):
        request = self.request
        if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
            return url
        return resolve_url(settings.LOGIN_REDIRECT_URL)


class SecondFactorSetupView(SecondFactorFormView):
    """Scan the QR code (or type the key) into an authenticator app, then confirm with a code."""

    template_name = "registration/second_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if second_factor.confirmed_device(request.user):
                return self.already_set_up(request)
            self.device = second_factor.unconfirmed_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def already_set_up(self, request):
        if request.second_factor_pending:
            return redirect(f"{resolve_url('second-factor-verify')}?{request.GET.urlencode()}")
        return self.render_to_response({"already_set_up": True})

    def accept(self, device):
        second_factor.do_confirm_device(self.request, device)

    def get_context_data(self, **kwargs):
        config_url = self.device.config_url
        qr_svg = segno.make(config_url, error="m").svg_inline(
            scale=4, light="#fff", title="QR code for your authenticator app"
        )
        key = b32encode(self.device.bin_key).decode()
        return super().get_context_data(
            qr_svg=mark_safe(qr_svg),  # noqa: S308 - segno's own SVG of our own otpauth URL
            key_groups=[key[i : i + 4] for i in range(0, len(key), 4)],
            required=second_factor.needs_second_factor(self.request.user),
            **kwargs,
        )


class SecondFactorVerifyView(SecondFactorFormView):
    template_name = "registration/second_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.second_factor_pending:
                return redirect(self.safe_next(request.GET.get("next", "")))
            self.device = second_factor.confirmed_device(request.user)
            if self.device is None:
                return redirect(f"{resolve_url('second-factor-setup')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def accept(self, device):
        second_factor.do_verify_session(self.request, device)
