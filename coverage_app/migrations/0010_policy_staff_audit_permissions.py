"""Policy staff answer to auditors: they may read the access log in the admin site."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Policy staff").permissions.add(
        Permission.objects.get(content_type__app_label="coverage_app", codename="view_accesslog")
    )


class Migration(migrations.Migration):
    dependencies = [("coverage_app", "0009_history_and_access_log")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
