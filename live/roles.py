"""Who may host: the permissions, and the "Instructors" group that holds them.

Defined once here and used both by the migration that creates the group and by code
and tests that need it: `instructors_group` takes an apps registry, the migration's
historical one or the running site's.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import Group

HOST = "live.host_livesession"
CONTROL_ANY = "live.control_any_livesession"
INSTRUCTORS = "Instructors"

# (app label, model): what instructors author and read, with every default permission.
AUTHORING = [("lessons", "lesson"), ("lessons", "section"), ("quiz", "quiz"),
             ("quiz", "question"), ("quiz", "choice")]  # fmt: skip
# Read only: their classes' attempts, answers and live sessions.
READING = [("quiz", "attempt"), ("quiz", "response"), ("live", "livesession"),
           ("live", "player"), ("live", "liveanswer")]  # fmt: skip


def instructor_permissions() -> list[tuple[str, str]]:
    """(app label, codename) of every permission the Instructors group holds. Taking
    over a colleague's session (CONTROL_ANY) is granted separately."""
    authoring = [
        (app, f"{action}_{model}")
        for app, model in AUTHORING
        for action in ("add", "change", "delete", "view")
    ]
    reading = [(app, f"view_{model}") for app, model in READING]
    return [*authoring, *reading, tuple(HOST.split("."))]  # type: ignore[list-item]


def instructors_group(apps: Apps = global_apps) -> Group:
    """The Instructors group with its permissions, created or completed."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=INSTRUCTORS)
    for app_label, codename in instructor_permissions():
        group.permissions.add(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group  # type: ignore[no-any-return]
