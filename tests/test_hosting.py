"""Hosting is a permission (live/roles.py): staff without it cannot open or control a
live session, and an instructor controls only their own sessions unless allowed to
take over a colleague's class."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from live import roles, services
from live.models import LiveSession
from quiz.models import Quiz
from quiz.sockets import CLOSE_FORBIDDEN
from tests.conftest import socket_headers
from tests.factories import instructor, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_only(db: None) -> User:
    """Staff, able to sign in to the admin, with no permission at all."""
    return User.objects.create_user("bystander", is_staff=True)


@pytest.fixture
def colleague(db: None) -> User:
    return instructor("colleague")


@pytest.fixture
def session(test_quiz: Quiz, teacher: User) -> LiveSession:
    return services.create_session(quiz=test_quiz, host=teacher)


def test_the_migration_creates_the_instructors_group_with_its_permissions() -> None:
    group = Group.objects.get(name=roles.INSTRUCTORS)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("live", "host_livesession") in held
    assert {
        ("quiz", "add_question"),
        ("quiz", "change_choice"),
        ("lessons", "change_lesson"),
    } <= held
    assert ("live", "control_any_livesession") not in held  # granted one by one


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("live:index", "get"),
        ("live:create", "post"),
        ("live:host", "get"),
        ("live:host_action", "post"),
    ],
)
def test_staff_without_the_permission_get_403_on_every_host_page(
    staff_only: User, session: LiveSession, name: str, method: str
) -> None:
    args = [session.join_code] if name in ("live:host", "live:host_action") else []
    response = getattr(signed_in(staff_only), method)(
        reverse(name, args=args), {"action": "start", "quiz": session.quiz_id}
    )
    assert response.status_code == 403
    assert LiveSession.objects.get().state == LiveSession.State.LOBBY


def test_a_visitor_is_sent_to_sign_in(client: Client, session: LiveSession) -> None:
    response = client.get(reverse("live:host", args=[session.join_code]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_the_permission_cannot_start_a_session(
    staff_only: User, test_quiz: Quiz
) -> None:
    with pytest.raises(services.NotAllowed):
        services.create_session(quiz=test_quiz, host=staff_only)


def test_an_instructor_sees_and_controls_only_their_own_sessions(
    colleague: User, session: LiveSession
) -> None:
    other = signed_in(colleague)

    assert session.join_code not in other.get(reverse("live:index")).content.decode()
    assert other.get(reverse("live:host", args=[session.join_code])).status_code == 403
    acted = other.post(reverse("live:host_action", args=[session.join_code]), {"action": "end"})
    assert acted.status_code == 403
    assert LiveSession.objects.get().ended_at is None
    with pytest.raises(services.NotAllowed):
        services.end(session=session, actor=colleague)


def test_taking_over_a_colleagues_class_needs_its_own_permission(
    colleague: User, session: LiveSession
) -> None:
    colleague.user_permissions.add(Permission.objects.get(codename="control_any_livesession"))
    colleague = User.objects.get(pk=colleague.pk)  # a fresh permission cache
    other = signed_in(colleague)

    assert session.join_code in other.get(reverse("live:index")).content.decode()
    assert other.get(reverse("live:host", args=[session.join_code])).status_code == 200
    other.post(reverse("live:host_action", args=[session.join_code]), {"action": "start"})
    assert LiveSession.objects.get().state == LiveSession.State.QUESTION


def test_a_superuser_may_host(test_quiz: Quiz) -> None:
    boss = User.objects.create_superuser("boss", password=None)
    assert services.create_session(quiz=test_quiz, host=boss).host == boss


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_thread_connection_closed")
@pytest.mark.parametrize("who", ["staff_only", "colleague"])
async def test_the_host_socket_refuses_staff_who_may_not_control_the_session(
    asgi_application: Any, test_quiz: Quiz, who: str
) -> None:
    def prepare() -> tuple[str, str]:
        owner = instructor("owner")
        session = services.create_session(quiz=test_quiz, host=owner)
        intruder = (
            User.objects.create_user("bystander", is_staff=True)
            if who == "staff_only"
            else instructor("colleague")
        )
        return session.join_code, signed_in(intruder).cookies["sessionid"].value

    code, cookie = await sync_to_async(prepare)()
    socket = WebsocketCommunicator(
        asgi_application, f"/ws/live/{code}/host/", headers=socket_headers(cookie)
    )
    assert (await socket.connect())[0]
    assert await socket.receive_output(5) == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


def test_the_admins_run_it_live_link_and_action_are_only_for_those_who_may_host(
    staff_only: User, teacher: User, test_quiz: Quiz
) -> None:
    staff_only.user_permissions.add(*Permission.objects.filter(codename__endswith="_quiz"))
    changelist = reverse("admin:quiz_quiz_changelist")
    change = reverse("admin:quiz_quiz_change", args=[test_quiz.pk])

    bystander = signed_in(User.objects.get(pk=staff_only.pk))
    assert "Run it live" not in bystander.get(changelist).content.decode()
    assert "start_live_session" not in bystander.get(changelist).content.decode()
    assert "Run it live" not in bystander.get(change).content.decode()

    host = signed_in(teacher)
    assert "Run it live" in host.get(changelist).content.decode()
    assert "start_live_session" in host.get(changelist).content.decode()
    assert "Run it live" in host.get(change).content.decode()
