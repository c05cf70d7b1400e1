from django.contrib.auth import views as auth_views
from django.urls import path

from core import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("closure-days/", views.ClosureDaysView.as_view(), name="closure-days"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
]
