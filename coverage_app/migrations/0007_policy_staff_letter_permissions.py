"""Policy staff keep the letter wording and may read issued determinations in the admin site."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = [
    ("letterwording", ("view", "add", "change")),
    ("determination", ("view",)),
    ("reviewevent", ("view",)),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.get(name="Policy staff")
    for model, actions in GRANTS:
        for action in actions:
            staff.permissions.add(
                Permission.objects.get(content_type__app_label="coverage_app", codename=f"{action}_{model}")
            )


class Migration(migrations.Migration):
    dependencies = [("coverage_app", "0006_letter_wording_and_frozen_determinations")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
