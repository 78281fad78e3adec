"""The host keeps a room in hand: a lock, kicks that stick to the browser, a cap on
players, and join limits per address and per room (live/services.py join, live/views.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from live import services
from live.models import LiveSession, Player
from live.views import DEVICE_COOKIE
from quiz.models import Quiz
from tests.factories import host_action, join, new_session_key, race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> Iterator[None]:
    # Counted over a day: a one-minute window could roll over mid-test.
    settings.RATELIMIT_JOIN = "30/d"
    settings.RATELIMIT_JOIN_ROOM = "120/d"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def room(test_quiz: Quiz, teacher: User) -> LiveSession:
    return services.create_session(quiz=test_quiz, host=teacher)


def join_page(client: Client, code: str, nickname: str) -> Any:
    return client.post(reverse("live:join"), {"code": code, "nickname": nickname})


def fresh(session: LiveSession) -> LiveSession:
    return LiveSession.objects.get(pk=session.pk)


# The lock


def test_a_locked_room_refuses_new_players_and_keeps_those_in_it(
    room: LiveSession, teacher: User
) -> None:
    ada_key = new_session_key()
    ada = join(room, "Ada", ada_key)
    locked = host_action(session=room, actor=teacher, action="lock")

    assert locked.locked
    assert locked.version == room.version + 1  # every screen redraws: the host sees it
    with pytest.raises(services.RoomLocked, match="locked this room"):
        join(room, "Eve")
    assert join(room, "Ada again", ada_key) == ada  # a reload or rejoin still works

    host_action(session=room, actor=teacher, action="unlock")
    assert join(room, "Eve").nickname == "Eve"


def test_the_join_page_says_the_room_is_locked(
    client: Client, room: LiveSession, teacher: User
) -> None:
    host_action(session=room, actor=teacher, action="lock")

    response = join_page(client, room.join_code, "Eve")

    assert response.status_code == 400
    assert "locked this room" in response.content.decode()
    assert not Player.objects.exists()


def test_the_host_screen_shows_the_lock_and_the_way_back(room: LiveSession, teacher: User) -> None:
    host = Client()
    host.force_login(teacher)
    page = host.get(reverse("live:host", args=[room.join_code])).content.decode()
    assert 'value="lock"' in page
    assert "Room locked" not in page

    host.post(reverse("live:host_action", args=[room.join_code]), {"action": "lock"})

    page = host.get(reverse("live:host", args=[room.join_code])).content.decode()
    assert "Room locked" in page
    assert 'value="unlock"' in page


def test_a_student_cannot_lock_a_room(room: LiveSession) -> None:
    student = User.objects.create_user("student")
    with pytest.raises(services.NotAllowed):
        services.set_locked(session=room, actor=student, locked=True)
    assert not fresh(room).locked


# Kicks stick to the browser


def test_a_kicked_browser_cannot_come_back_under_another_name_with_a_new_session(
    client: Client, room: LiveSession, teacher: User
) -> None:
    assert join_page(client, room.join_code, "Troll").status_code == 302
    services.kick(session=room, actor=teacher, player_id=Player.objects.get().pk)

    client.cookies.pop("sessionid")  # a new Django session, the same browser
    response = join_page(client, room.join_code, "Innocent")

    assert response.status_code == 400
    assert "removed you" in response.content.decode()
    assert Player.objects.filter(kicked=False).count() == 0


def test_another_browser_may_still_join_until_the_host_locks_the_room(
    client: Client, room: LiveSession, teacher: User
) -> None:
    assert join_page(client, room.join_code, "Troll").status_code == 302
    services.kick(session=room, actor=teacher, player_id=Player.objects.get().pk)

    assert join_page(Client(), room.join_code, "Newcomer").status_code == 302


def test_the_device_cookie_is_signed_long_lived_and_not_for_scripts(
    client: Client, room: LiveSession
) -> None:
    response = client.get(reverse("live:join"))
    cookie = response.cookies[DEVICE_COOKIE]

    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 60 * 60 * 24 * 300
    # A forged value is not taken for a device: a new one is handed out.
    client.cookies[DEVICE_COOKIE] = "forged"
    assert client.get(reverse("live:join")).cookies[DEVICE_COOKIE].value != "forged"


# The cap


def test_a_full_room_refuses_the_next_player_with_a_clear_message(
    client: Client, room: LiveSession, settings: Any
) -> None:
    settings.LIVE_MAX_PLAYERS = 2
    join(room, "Ada")
    join(room, "Bob")

    response = join_page(client, room.join_code, "Cy")

    assert response.status_code == 400
    assert "This room is full" in response.content.decode()
    assert room.players.count() == 2


@pytest.mark.django_db(transaction=True)
def test_joins_arriving_together_never_overfill_a_room(
    test_quiz: Quiz, teacher: User, settings: Any
) -> None:
    settings.LIVE_MAX_PLAYERS = 3
    room = services.create_session(quiz=test_quiz, host=teacher)

    outcomes = race(*(lambda n=n: join(room, f"bot{n}") for n in range(8)))

    assert room.players.count() == 3
    assert sum(isinstance(o, Player) for o in outcomes) == 3
    assert all(isinstance(o, (Player, services.RoomFull)) for o in outcomes), outcomes


# Join limits


def test_one_address_cannot_flood_a_room_with_scripted_joins(
    room: LiveSession, test_quiz: Quiz, teacher: User, settings: Any
) -> None:
    settings.RATELIMIT_JOIN_ROOM = "5/d"
    statuses = [join_page(Client(), room.join_code, f"bot{n}").status_code for n in range(8)]

    assert statuses == [302] * 5 + [429] * 3
    assert room.players.count() == 5
    # Another room is counted apart: the limit is per address and per room.
    other = services.create_session(quiz=test_quiz, host=teacher)
    assert join_page(Client(), other.join_code, "Ada").status_code == 302


def test_a_class_typing_its_code_right_is_not_taken_for_a_guesser(room: LiveSession) -> None:
    """Only wrong codes count against RATELIMIT_JOIN: forty phones behind one school
    address join, where the old limit of 30 joins a minute let 30 in."""
    statuses = {join_page(Client(), room.join_code, f"pupil{n}").status_code for n in range(40)}
    assert statuses == {302}


def test_guessing_codes_is_limited_per_address(room: LiveSession) -> None:
    for guess in range(30):
        assert join_page(Client(), f"{guess:06d}", "Eve").status_code == 400
    response = join_page(Client(), room.join_code, "Eve")
    assert response.status_code == 429
    assert not Player.objects.exists()


def test_behind_the_proxy_the_limits_count_the_address_it_vouches_for(
    room: LiveSession, settings: Any
) -> None:
    settings.RATELIMIT_IP_META_KEY = "quiz.clients.client_ip"  # BEHIND_PROXY=1
    settings.RATELIMIT_JOIN_ROOM = "2/d"

    def from_(address: str, nickname: str) -> int:
        response = Client().post(
            reverse("live:join"),
            {"code": room.join_code, "nickname": nickname},
            HTTP_X_REAL_IP=address,
        )
        return int(response.status_code)

    assert [from_("10.0.0.1", f"a{n}") for n in range(3)] == [302, 302, 429]
    assert from_("10.0.0.2", "b0") == 302  # another student behind the same nginx
