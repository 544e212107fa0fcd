from django.contrib.auth.management import create_permissions
from django.db import migrations

# What each group may do, as (app label, model, actions). Editors write the
# content and the quizzes and see the audit trail of that content; Analysts
# read quizzes and their statistics. Neither sees a learner's attempts: that
# needs the separate quizzes.view_learner_progress permission.
CONTENT = [
    ("awareness", model)
    for model in (
        "casestudy",
        "precautiontip",
        "chainlink",
        "chainrole",
        "keyfigure",
        "guide",
        "source",
    )
] + [("quizzes", model) for model in ("quiz", "question", "choice")]
EDIT = ("add", "change", "delete", "view")

GROUPS = {
    "Editors": [
        *(f"{app}.{action}_{model}" for app, model in CONTENT for action in EDIT),
        "admin.view_logentry",
    ],
    "Analysts": [
        "quizzes.view_quiz",
        "quizzes.view_question",
        "quizzes.view_choice",
        "quizzes.view_quiz_statistics",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # them now so that the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("awareness", "0001_initial"),
        ("quizzes", "0007_question_publishing_and_misconceptions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
