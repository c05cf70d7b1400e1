"""The signed-in user's own account: password change, password reset by e-mail, and API tokens."""

from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core import actions, tokens
from core.forms import ApiTokenForm, NHSFormMixin
from core.models import ApiToken


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "core/account.html"


class NHSPasswordChangeForm(NHSFormMixin, auth_forms.PasswordChangeForm):
    pass


class NHSPasswordResetForm(NHSFormMixin, auth_forms.PasswordResetForm):
    pass


class NHSSetPasswordForm(NHSFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = NHSPasswordChangeForm
    template_name = "registration/password_change_form.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Always says an e-mail was sent, whether or not the address is known (no account discovery)."""

    form_class = NHSPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NHSSetPasswordForm
    template_name = "registration/password_reset_confirm.html"


class ApiTokensView(LoginRequiredMixin, View):
    """List the user's tokens; POST makes one and shows its key on this response only."""

    template_name = "core/api_tokens.html"

    def get(self, request):
        return self.page(ApiTokenForm())

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            token, key = actions.do_create_api_token(
                request.user, name=form.cleaned_data["name"], acting_user=request.user
            )
        except ValidationError as refused:
            form.apply_action_error(refused)
            return self.page(form)
        return self.page(ApiTokenForm(), new_token=token, new_key=key)

    def page(self, form, **extra):
        context = {
            "form": form,
            "tokens": ApiToken.objects.filter(user=self.request.user),
            "now": timezone.now(),
            "token_days": tokens.token_days(),
            **extra,
        }
        return render(self.request, self.template_name, context)


class ApiTokenRotateView(ApiTokensView):
    def get(self, request, pk):
        return redirect("api-tokens")

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        new_token, key = actions.do_rotate_api_token(token, acting_user=request.user)
        return self.page(ApiTokenForm(), new_token=new_token, new_key=key, rotated=True)


class ApiTokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        actions.do_revoke_api_token(token, acting_user=request.user)
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
        return redirect("api-tokens")


password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html")
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)
