from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoverageAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coverage_app"
    verbose_name = "Coverage review"


class CoverageAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose `admin.site` is coverage_app.admin_site.CoverageAdminSite."""

    default = False  # named in INSTALLED_APPS; "coverage_app" there means CoverageAppConfig
    default_site = "coverage_app.admin_site.CoverageAdminSite"
