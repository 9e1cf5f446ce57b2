"""The three roles. Permissions on policy data go to policy staff for the admin site; what nurses
and directors may do is checked in the views by group."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NURSE = "Nurse reviewer"
DIRECTOR = "Medical director"
POLICY_STAFF = "Policy staff"

POLICY_STAFF_PERMISSIONS = [
    ("coveragepolicy", ("view", "add", "change")),
    ("policyrevision", ("view", "add", "change")),
    ("policyversion", ("view", "add", "change")),
    ("criterion", ("view", "add", "change")),
    ("review", ("view",)),
]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; policy staff need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in (NURSE, DIRECTOR, POLICY_STAFF):
        Group.objects.get_or_create(name=name)
    staff = Group.objects.get(name=POLICY_STAFF)
    for model, actions in POLICY_STAFF_PERMISSIONS:
        for action in actions:
            staff.permissions.add(
                Permission.objects.get(
                    content_type__app_label="coverage_app", codename=f"{action}_{model}"
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=(NURSE, DIRECTOR, POLICY_STAFF)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coverage_app", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
