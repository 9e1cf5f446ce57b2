from django.apps import AppConfig


class CoverageAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coverage_app"
    verbose_name = "Coverage review"
