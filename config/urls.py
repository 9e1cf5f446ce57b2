from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coverage_app.auth import ThrottledPasswordChangeView

urlpatterns = [
    # Log in, log out and change password; no e-mailed password resets (accounts are managed by
    # an administrator).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Wrong old passwords count towards the log-in lockout (django-axes).
    path("accounts/password_change/", ThrottledPasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("coverage_app.urls")),
]

# An unreachable database is answered 503 (Retry-After), anything else with the 500 page.
handler500 = "coverage_app.views_ops.server_error"
