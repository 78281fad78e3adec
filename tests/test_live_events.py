"""The live services announce their own changes on the channel layer, once committed: no
view or consumer broadcasts by hand (live/events.py). Real layer, in-memory or Redis."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import User
from django.db import transaction

from live import events, services
from live.models import LiveSession, Player
from quiz.models import Quiz
from tests.factories import correct_choice, join

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]


async def listening(group: str) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return channel


async def heard(channel: str, timeout: float = 3.0) -> dict[str, Any]:
    return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)


async def nothing_on(channel: str) -> bool:
    try:
        await heard(channel, timeout=0.3)
    except TimeoutError:
        return True
    return False


@pytest.fixture
async def room(test_quiz: Quiz, teacher: User) -> tuple[LiveSession, Player]:
    session = await sync_to_async(services.create_session)(quiz=test_quiz, host=teacher)
    ada = await sync_to_async(join)(session, "Ada")
    return session, ada


async def test_starting_a_question_tells_every_screen_the_new_version(
    room: tuple[LiveSession, Player], teacher: User
) -> None:
    session, _ = room
    everybody = await listening(events.group_for(session.pk))

    started = await sync_to_async(services.advance)(session=session, actor=teacher)

    assert await heard(everybody) == {"type": "live.changed", "version": started.version}


async def test_a_join_tells_only_the_host_screen(test_quiz: Quiz, teacher: User) -> None:
    session = await sync_to_async(services.create_session)(quiz=test_quiz, host=teacher)
    host = await listening(events.host_group_for(session.pk))
    everybody = await listening(events.group_for(session.pk))

    await sync_to_async(join)(session, "Bob")

    assert await heard(host) == {"type": "live.joined"}  # the roster redraws, coalesced
    assert await nothing_on(everybody)


async def test_a_kick_tells_the_player_and_redraws_everybody(
    room: tuple[LiveSession, Player], teacher: User
) -> None:
    session, ada = room
    kicked = await listening(events.player_group_for(ada.pk))
    everybody = await listening(events.group_for(session.pk))

    await sync_to_async(services.kick)(session=session, actor=teacher, player_id=ada.pk)

    assert await heard(kicked) == {"type": "live.kicked"}
    assert (await heard(everybody))["type"] == "live.changed"


async def test_an_answer_tells_the_host_screen_to_recount(
    room: tuple[LiveSession, Player], teacher: User
) -> None:
    session, ada = room
    started = await sync_to_async(services.advance)(session=session, actor=teacher)
    question = started.current_question
    choice = await sync_to_async(correct_choice)(question)
    host = await listening(events.host_group_for(session.pk))

    await sync_to_async(services.submit_answer)(
        player=ada, question_id=question.pk, choice_id=choice.pk
    )

    assert await heard(host) == {"type": "live.answered"}


async def test_a_refused_action_announces_nothing(
    room: tuple[LiveSession, Player], teacher: User
) -> None:
    session, _ = room
    everybody = await listening(events.group_for(session.pk))

    with pytest.raises(services.WrongState):
        await sync_to_async(services.reveal)(session=session, actor=teacher)

    assert await nothing_on(everybody)


async def test_a_change_rolled_back_is_never_announced(
    room: tuple[LiveSession, Player], teacher: User
) -> None:
    session, _ = room
    everybody = await listening(events.group_for(session.pk))

    def start_then_fail() -> None:
        with transaction.atomic():
            services.advance(session=session, actor=teacher)
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        await sync_to_async(start_then_fail)()

    assert await nothing_on(everybody)
