from django.contrib.auth.management import create_permissions
from django.db import migrations

# As for quizzes: Editors write tracks and the quizzes they hold;
# Analysts read them and their statistics. Neither gets learners' checks.
CONTENT = ("track", "trackquiz")
EDIT = ("add", "change", "delete", "view")

GROUPS = {
    "Editors": [f"tracks.{action}_{model}" for model in CONTENT for action in EDIT],
    "Analysts": [
        *(f"tracks.view_{model}" for model in CONTENT),
        "tracks.view_track_statistics",
    ],
}


def codes(apps):
    Permission = apps.get_model("auth", "Permission")
    for name, names in GROUPS.items():
        yield name, [
            Permission.objects.get(
                content_type__app_label=code.split(".")[0],
                codename=code.split(".")[1],
            )
            for code in names
        ]


def add_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # the tracks' now so that the groups can hold them.
    app_config = apps.get_app_config("tracks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, permissions in codes(apps):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, permissions in codes(apps):
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0002_simulations_for_editors_and_analysts"),
        ("tracks", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
