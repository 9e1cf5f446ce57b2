from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoverageAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coverage_app"
    verbose_name = "Coverage review"

    def ready(self):
        from django.db.backends.signals import connection_created

        from coverage_app.db_outage import outage

        connection_created.connect(outage.reconnected, dispatch_uid="coverage_app.db_outage")


class CoverageAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose `admin.site` is coverage_app.admin_site.CoverageAdminSite."""

    default = False  # named in INSTALLED_APPS; "coverage_app" there means CoverageAppConfig
    default_site = "coverage_app.admin_site.CoverageAdminSite"
