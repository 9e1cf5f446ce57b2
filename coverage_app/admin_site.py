"""The admin site: Django's, with the password change throttled as the app's is."""

from django.contrib import admin
from django.urls import reverse

from coverage_app.auth import ThrottledPasswordChangeView


class CoverageAdminSite(admin.AdminSite):
    site_header = "Coverage review: policy administration"
    site_title = "Coverage review admin"
    index_template = "admin/coverage_index.html"

    def password_change(self, request, extra_context=None):
        """Django's own checks the old password unseen by django-axes; this one counts each wrong
        guess towards the log-in lockout."""
        request.current_app = self.name
        return ThrottledPasswordChangeView.as_view(
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)
