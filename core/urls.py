from django.contrib.auth import views as auth_views
from django.urls import path

from core import account, second_factor_views, sso, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/second-factor/", second_factor_views.SecondFactorVerifyView.as_view(), name="second-factor-verify"),
    path(
        "sign-in/second-factor/set-up/",
        second_factor_views.SecondFactorSetupView.as_view(),
        name="second-factor-setup",
    ),
    path("oidc/authenticate/", sso.SingleSignOnStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.SingleSignOnCallbackView.as_view(), name="oidc_authentication_callback"),
    path("closure-days/", views.ClosureDaysView.as_view(), name="closure-days"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("actions/", views.ActionListView.as_view(), name="action-list"),
    path("actions/overdue/", views.OverdueActionsView.as_view(), name="action-overdue"),
    path("actions/add/", views.StandaloneActionCreateView.as_view(), name="action-add"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:pk>/note/", views.ActionNoteView.as_view(), name="action-note"),
    path("actions/<int:pk>/complete/", views.ActionCompleteView.as_view(), name="action-complete"),
    path("actions/<int:pk>/verify/", views.ActionVerifyView.as_view(), name="action-verify"),
    path("actions/<int:pk>/reopen/", views.ActionReopenView.as_view(), name="action-reopen"),
    # The signed-in user's account: password, password reset by e-mail, API tokens (core/account.py).
    path("account/", account.AccountView.as_view(), name="account"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", account.password_change_done, name="password_change_done"),
    path("account/tokens/", account.ApiTokensView.as_view(), name="api-tokens"),
    path("account/tokens/<int:pk>/rotate/", account.ApiTokenRotateView.as_view(), name="api-token-rotate"),
    path("account/tokens/<int:pk>/revoke/", account.ApiTokenRevokeView.as_view(), name="api-token-revoke"),
    path("password-reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", account.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", account.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/complete/", account.password_reset_complete, name="password_reset_complete"),
]
