"""The "Instructors" group: the authoring permissions and the one to host live sessions
(live/roles.py says which). Staff without it can no longer host; add your instructors
to this group in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from live.roles import INSTRUCTORS, instructors_group


def create_group(apps, schema_editor):
    # Permissions are made after all migrations ran (post_migrate); the group needs
    # them now, on a new database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    instructors_group(apps)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=INSTRUCTORS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lessons", "0001_initial"),
        ("quiz", "0004_live_models_to_their_app"),
        ("live", "0004_hosting_permissions"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
