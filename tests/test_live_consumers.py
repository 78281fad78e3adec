"""The live classroom sockets, through the whole ASGI stack a browser meets.

Frames go through quizsite.asgi.application: AllowedHostsOriginValidator, the session
and auth middleware, the URL router, then LiveHostConsumer or LivePlayerConsumer. The
host is a staff user logged in through a session cookie; a player is the browser
session they joined from. Broadcasts may arrive in any order, so replies are read
until the expected text appears, within an overall timeout that only bounds a hang.
Runs on the in-memory channel layer, or on Redis when REDIS_URL is set.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import Client
from django.utils import timezone

from live import services
from live.consumers import LivePlayerConsumer
from live.models import LiveAnswer, LiveSession, Player
from quiz import caches
from quiz.models import Quiz
from tests.conftest import ORIGIN, socket_headers
from tests.factories import join

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sync_thread_connection_closed"),
]

TIMEOUT = 10  # seconds a reply may take on a slow machine; not a performance bound
CLOSE_FORBIDDEN = 4403

State = LiveSession.State


# What the tests know, read before entering async code


@dataclass(frozen=True)
class QuestionFacts:
    pk: int
    prompt: str
    choice_pks: tuple[int, ...]
    choice_texts: tuple[str, ...]
    correct_pk: int
    correct_letter: str
    correct_text: str
    wrong_pk: int
    secrets: tuple[str, ...]  # texts only the revealed solution shows


def facts_of(quiz: Quiz) -> list[QuestionFacts]:
    facts = []
    for question in quiz.questions.order_by("order"):
        choices = list(question.choices.order_by("order"))
        correct = next(c for c in choices if c.is_correct)
        wrong = next(c for c in choices if not c.is_correct)
        facts.append(
            QuestionFacts(
                pk=question.pk,
                prompt=question.prompt_paragraphs[0],
                choice_pks=tuple(c.pk for c in choices),
                choice_texts=tuple(c.text for c in choices),
                correct_pk=correct.pk,
                correct_letter="ABCD"[choices.index(correct)],
                correct_text=correct.text,
                wrong_pk=wrong.pk,
                secrets=(
                    *(step.text for step in question.steps if step.text),
                    *question.mistakes,
                    question.quick_check,
                ),
            )
        )
    return facts


@dataclass(frozen=True)
class Seat:
    """A player and the cookie of the browser they joined from."""

    pk: int
    nickname: str
    cookie: str


def new_browser_session() -> str:
    session = SessionStore()
    session["player"] = True
    session.save()
    assert session.session_key
    return session.session_key


def seat(session: LiveSession, nickname: str) -> Seat:
    key = new_browser_session()
    player = join(session, nickname, key)
    return Seat(pk=player.pk, nickname=player.nickname, cookie=key)


def logged_in_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# Fixtures


@pytest.fixture
def host_cookie(teacher: User) -> str:
    return logged_in_cookie(teacher)


@pytest.fixture
def student_cookie(db: None) -> str:
    return logged_in_cookie(get_user_model().objects.create_user("student"))


@pytest.fixture
def live(test_quiz: Quiz, teacher: User) -> LiveSession:
    return services.create_session(quiz=test_quiz, host=teacher)


@pytest.fixture
def performance(test_quiz: Quiz) -> list[QuestionFacts]:
    return facts_of(test_quiz)


@pytest.fixture
def first(performance: list[QuestionFacts]) -> QuestionFacts:
    """Question 1: correct answer C, "ASGI"."""
    return performance[0]


@pytest.fixture
def ada(live: LiveSession) -> Seat:
    return seat(live, "Ada")


@pytest.fixture
def bob(live: LiveSession) -> Seat:
    return seat(live, "Bob")


@pytest.fixture
def ada_and_bob(ada: Seat, bob: Seat) -> tuple[Seat, Seat]:
    return ada, bob


@pytest.fixture
def question_open(live: LiveSession, teacher: User, ada: Seat) -> LiveSession:
    """Question 1 is open (20 s timer); Ada has joined."""
    return services.advance(session=live, actor=teacher)


# Sockets


def communicator_for(
    application: Any, path: str, cookie: str | None, origin: bytes | None = ORIGIN
) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=socket_headers(cookie, origin))


def host_path(session: LiveSession) -> str:
    return f"/ws/live/{session.join_code}/host/"


def play_path(session: LiveSession) -> str:
    return f"/ws/live/{session.join_code}/play/"


async def read_until(
    communicator: WebsocketCommunicator, *needles: str, timeout: float = TIMEOUT
) -> str:
    """Read frames until one contains every needle; return it, unescaped.

    Other frames (broadcasts of earlier changes) are skipped. A close, or no such frame
    within `timeout`, fails the test and lists what did arrive."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen: list[str] = []
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            pytest.fail(f"no frame with {needles!r} within {timeout}s; got {seen!r}")
        try:
            output = await communicator.receive_output(timeout=remaining)
        except TimeoutError:
            pytest.fail(f"no frame with {needles!r} within {timeout}s; got {seen!r}")
        if output["type"] == "websocket.close":
            pytest.fail(f"closed ({output.get('code')}) before {needles!r}; got {seen!r}")
        text = html.unescape(output.get("text", "") or "")
        if all(needle in text for needle in needles):
            return text
        seen.append(text)


async def next_close(communicator: WebsocketCommunicator) -> dict[str, Any]:
    """The next frame, which must be the server closing the socket."""
    output = await communicator.receive_output(timeout=TIMEOUT)
    assert output["type"] == "websocket.close", output
    return output


@asynccontextmanager
async def socket(
    application: Any, path: str, cookie: str | None, *, greeting: str | None = None
) -> AsyncIterator[WebsocketCommunicator]:
    """A connected socket, its first view read when `greeting` is given; always closed."""
    communicator = communicator_for(application, path, cookie)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        if greeting is not None:
            await read_until(communicator, greeting)
        yield communicator
    finally:
        await communicator.disconnect()


async def send(communicator: WebsocketCommunicator, **fields: Any) -> None:
    # What htmx's ws extension adds to every frame; the consumers ignore it.
    fields["HEADERS"] = {"HX-Request": "true", "HX-Trigger": None, "HX-Target": None}
    await communicator.send_to(text_data=json.dumps(fields))


async def send_answer(
    communicator: WebsocketCommunicator, question: QuestionFacts, choice_pk: int
) -> None:
    await send(communicator, action="answer", question=str(question.pk), choice=str(choice_pk))


async def stored(session: LiveSession) -> LiveSession:
    return await LiveSession.objects.aget(pk=session.pk)


async def answers_of(player: Seat) -> list[tuple[int, int, int]]:
    return [
        (a.question_id, a.choice_id, a.points)
        async for a in LiveAnswer.objects.filter(player_id=player.pk).order_by("pk")
    ]


async def score_of(player: Seat) -> int:
    return (await Player.objects.aget(pk=player.pk)).score


def assert_reveals_nothing(message: str, question: QuestionFacts) -> None:
    assert "is-correct" not in message
    assert "Correct answer" not in message
    assert "Final answer" not in message
    assert "Solution</h3>" not in message
    for secret in question.secrets:
        assert secret not in message


def assert_answer_buttons(message: str, question: QuestionFacts) -> None:
    assert f'name="question" value="{question.pk}"' in message
    for pk, text in zip(question.choice_pks, question.choice_texts, strict=True):
        assert f'name="choice" value="{pk}"' in message
        assert text in message


async def refusal_of(application: Any, path: str, cookie: str | None) -> dict[str, Any]:
    """Connect, then read what the server does first: here, a close."""
    communicator = communicator_for(application, path, cookie)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected  # accepted first, so the browser sees a close code, not a 403
        return await next_close(communicator)
    finally:
        await communicator.disconnect()


# Connecting


async def test_the_host_socket_shows_the_lobby_with_the_players_who_joined(
    application: Any, live: LiveSession, host_cookie: str, ada: Seat, bob: Seat
) -> None:
    async with socket(application, host_path(live), host_cookie) as host:
        lobby = await read_until(host, "players joined")

    assert "<strong>2</strong> players joined" in lobby
    assert "Performance quiz: ASGI vs WSGI" in lobby
    assert "Ada" in lobby
    assert "Bob" in lobby
    assert 'name="action" value="start"' in lobby
    assert f"/live/{live.join_code}/host/action/" in lobby
    assert 'hx-swap-oob="true"' in lobby


async def test_the_host_sees_a_player_join_while_watching_the_lobby(
    application: Any, live: LiveSession, host_cookie: str
) -> None:
    async with socket(application, host_path(live), host_cookie, greeting="players joined") as host:
        player = await database_sync_to_async(seat)(live, "Cy")
        # No announcement by hand: joining announces itself to the host screen.
        lobby = await read_until(host, "1</strong> player joined")

    assert player.nickname in lobby


async def test_a_class_joining_at_once_redraws_the_host_screen_a_few_times_not_per_join(
    application: Any, live: LiveSession, host_cookie: str
) -> None:
    async with socket(application, host_path(live), host_cookie, greeting="players joined") as host:
        for number in range(20):
            await database_sync_to_async(seat)(live, f"Pupil {number}")
        frames = [await host.receive_from(timeout=TIMEOUT)]
        while "20</strong> players joined" not in frames[-1]:
            frames.append(await host.receive_from(timeout=TIMEOUT))
        lobby = frames[-1]
        while not await host.receive_nothing(timeout=1.5):
            frames.append(await host.receive_from())

    assert "Pupil 19" in lobby
    assert len(frames) <= 4  # one redraw per half second at most, not twenty


async def test_a_student_on_the_host_socket_is_accepted_then_closed_with_4403(
    application: Any, live: LiveSession, student_cookie: str
) -> None:
    closing = await refusal_of(application, host_path(live), student_cookie)
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


async def test_a_browser_without_a_login_on_the_host_socket_is_closed_with_4403(
    application: Any, live: LiveSession, ada: Seat
) -> None:
    closing = await refusal_of(application, host_path(live), ada.cookie)
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


@pytest.mark.usefixtures("ada")
async def test_a_browser_that_did_not_join_is_closed_with_4403(
    application: Any, live: LiveSession
) -> None:
    stranger = await database_sync_to_async(new_browser_session)()
    closing = await refusal_of(application, play_path(live), stranger)
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


@pytest.mark.usefixtures("ada")
async def test_a_browser_without_a_session_cookie_is_closed_with_4403(
    application: Any, live: LiveSession
) -> None:
    closing = await refusal_of(application, play_path(live), None)
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


async def test_a_player_of_another_session_is_closed_with_4403(
    application: Any, live: LiveSession, test_quiz: Quiz, teacher: User
) -> None:
    other = await database_sync_to_async(services.create_session)(quiz=test_quiz, host=teacher)
    outsider = await database_sync_to_async(seat)(other, "Outsider")
    closing = await refusal_of(application, play_path(live), outsider.cookie)
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


@pytest.mark.usefixtures("ada")
@pytest.mark.parametrize("code", ["000000", "garbage", "12345"])
async def test_an_unknown_join_code_is_closed_with_4403(
    application: Any, host_cookie: str, code: str
) -> None:
    for path in (f"/ws/live/{code}/host/", f"/ws/live/{code}/play/"):
        closing = await refusal_of(application, path, host_cookie)
        assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


async def test_an_ended_session_closes_both_sockets_with_4403(
    application: Any, live: LiveSession, teacher: User, host_cookie: str, ada: Seat
) -> None:
    await database_sync_to_async(services.end)(session=live, actor=teacher)
    assert (await refusal_of(application, host_path(live), host_cookie))["code"] == CLOSE_FORBIDDEN
    assert (await refusal_of(application, play_path(live), ada.cookie))["code"] == CLOSE_FORBIDDEN


@pytest.mark.parametrize("origin", [b"http://evil.example", None])
async def test_a_foreign_or_missing_origin_is_refused(
    application: Any, live: LiveSession, ada: Seat, origin: bytes | None
) -> None:
    communicator = communicator_for(application, play_path(live), ada.cookie, origin=origin)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
    finally:
        await communicator.disconnect()
    assert not connected


async def test_a_player_socket_says_youre_in(
    application: Any, live: LiveSession, ada: Seat
) -> None:
    async with socket(application, play_path(live), ada.cookie) as player:
        view = await read_until(player, "You're in")

    assert "You're in, Ada!" in view
    assert "Waiting for the host to start Performance quiz: ASGI vs WSGI" in view
    assert "0 points" in view
    assert 'id="player-stage"' in view


# A question


async def test_start_sends_question_1_to_the_host_and_to_every_player(
    application: Any,
    live: LiveSession,
    host_cookie: str,
    ada_and_bob: tuple[Seat, Seat],
    first: QuestionFacts,
) -> None:
    ada, bob = ada_and_bob
    async with (
        socket(application, host_path(live), host_cookie, greeting="players joined") as host,
        socket(application, play_path(live), ada.cookie, greeting="You're in") as ada_socket,
        socket(application, play_path(live), bob.cookie, greeting="You're in") as bob_socket,
    ):
        await send(host, action="start")
        host_view = await read_until(host, "Question 1 of 3")
        ada_view = await read_until(ada_socket, "Question 1 of 3")
        bob_view = await read_until(bob_socket, "Question 1 of 3")

    assert first.prompt in host_view
    assert "0</strong> of 2 answered" in host_view
    for view in (ada_view, bob_view):
        assert first.prompt in view
        assert_answer_buttons(view, first)
        assert_reveals_nothing(view, first)
    session = await stored(live)
    assert (session.state, session.current_question_id) == (State.QUESTION, first.pk)


@pytest.mark.usefixtures("question_open")
async def test_an_answer_is_locked_in_and_its_points_wait_for_the_reveal(
    application: Any,
    live: LiveSession,
    ada: Seat,
    first: QuestionFacts,
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.correct_pk)
        reply = await read_until(player, "Answer locked in")

    [(question_pk, choice_pk, points)] = await answers_of(ada)
    assert (question_pk, choice_pk) == (first.pk, first.correct_pk)
    assert 500 <= points <= 1000
    assert await score_of(ada) == points  # scored and stored at once
    assert "You chose" in reply
    assert f"{points}" not in reply
    assert "player-status" not in reply  # the status line keeps the score of the opening
    assert_reveals_nothing(reply, first)


@pytest.mark.usefixtures("question_open")
async def test_a_wrong_answer_is_locked_in_the_same_way(
    application: Any,
    live: LiveSession,
    ada: Seat,
    first: QuestionFacts,
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.wrong_pk)
        reply = await read_until(player, "Answer locked in")

    assert "No points" not in reply
    assert "You chose" in reply
    assert_reveals_nothing(reply, first)
    assert await answers_of(ada) == [(first.pk, first.wrong_pk, 0)]


def neutral(frame: str, seat: Seat, facts: QuestionFacts) -> str:
    """A player's frame with what they already know taken out: their own name and the
    letter they chose. What is left must not depend on whether they were right."""
    frame = frame.replace(seat.nickname, "NAME")
    return re.sub(r'You chose <span class="letter">[A-D]</span>', "You chose X", frame)


async def test_a_right_and_a_wrong_answer_look_the_same_until_the_reveal(
    application: Any,
    live: LiveSession,
    teacher: User,
    first: QuestionFacts,
) -> None:
    """The oracle a student with spare devices would use: one answers right, the other
    wrong, and nothing either screen receives tells them apart before the reveal."""
    right = await database_sync_to_async(seat)(live, "Ann")
    wrong = await database_sync_to_async(seat)(live, "Ben")
    await database_sync_to_async(seat)(live, "Cy")  # yet to answer: no automatic reveal
    await database_sync_to_async(services.advance)(session=live, actor=teacher)
    frames: dict[str, list[str]] = {}
    async with (
        socket(application, play_path(live), right.cookie, greeting="Question 1") as ann,
        socket(application, play_path(live), wrong.cookie, greeting="Question 1") as ben,
    ):
        await send_answer(ann, first, first.correct_pk)
        await send_answer(ben, first, first.wrong_pk)
        ann_ack = await read_until(ann, "Answer locked in")
        ben_ack = await read_until(ben, "Answer locked in")
        frames = {"ann": [ann_ack], "ben": [ben_ack]}
    # A reload or reconnect redraws the locked-in screen from the database.
    for name, player in (("ann", right), ("ben", wrong)):
        async with socket(application, play_path(live), player.cookie) as again:
            frames[name].append(await read_until(again, "Answer locked in"))

    for ann_frame, ben_frame in zip(frames["ann"], frames["ben"], strict=True):
        assert neutral(ann_frame, right, first) == neutral(ben_frame, wrong, first)
        assert len(ann_frame.replace(right.nickname, "")) == len(
            ben_frame.replace(wrong.nickname, "")
        )
    # And the verdicts are real: they arrive with the reveal.
    await database_sync_to_async(services.reveal)(session=live, actor=teacher)
    async with socket(application, play_path(live), right.cookie) as ann:
        assert "Correct!" in await read_until(ann, "Correct!")
    async with socket(application, play_path(live), wrong.cookie) as ben:
        assert "Not this time" in await read_until(ben, "Not this time")


@pytest.mark.usefixtures("question_open", "bob")  # Bob has not answered: no reveal yet
async def test_the_host_screen_shows_no_scores_of_the_open_question(
    application: Any, live: LiveSession, host_cookie: str, ada: Seat, first: QuestionFacts
) -> None:
    """The projector (and a staff account) sees the answer count, not who scored."""
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.correct_pk)
        await read_until(player, "Answer locked in")
    points = await score_of(ada)
    await database_sync_to_async(seat)(live, "Late")  # a join redraws the host roster

    async with socket(application, host_path(live), host_cookie) as host:
        view = await read_until(host, "Late", "answered")

    assert f">{points}<" not in view
    assert "1</strong> of 3 answered" in view


@pytest.fixture
def instant(test_quiz: Quiz, teacher: User) -> LiveSession:
    """A practice game: the host opted into instant verdicts."""
    return services.create_session(quiz=test_quiz, host=teacher, instant_verdicts=True)


async def test_with_instant_verdicts_an_answer_shows_its_points_at_once(
    application: Any, instant: LiveSession, teacher: User, first: QuestionFacts
) -> None:
    ada = await database_sync_to_async(seat)(instant, "Ada")
    await database_sync_to_async(services.advance)(session=instant, actor=teacher)
    async with socket(application, play_path(instant), ada.cookie, greeting="Question 1") as p:
        await send_answer(p, first, first.correct_pk)
        reply = await read_until(p, "Answer locked in")
        await send_answer(p, first, first.wrong_pk)  # refused: the first answer stays
    points = await score_of(ada)

    assert f"+{points} points" in reply
    assert f"You have {points} points, rank 1 of 1" in reply
    assert f"{points} points</span>" in reply
    assert_reveals_nothing(reply, first)  # the right option still waits for the reveal


@pytest.mark.usefixtures("question_open", "bob")
async def test_the_host_sees_how_many_have_answered(
    application: Any, live: LiveSession, host_cookie: str, ada: Seat, first: QuestionFacts
) -> None:
    async with (
        socket(application, host_path(live), host_cookie, greeting="Question 1") as host,
        socket(application, play_path(live), ada.cookie, greeting="Question 1") as player,
    ):
        await send_answer(player, first, first.correct_pk)
        await read_until(player, "Answer locked in")
        count = await read_until(host, "1</strong> of 2 answered")

    assert 'id="answer-count"' in count
    assert (await stored(live)).state == State.QUESTION


@pytest.mark.usefixtures("question_open")
async def test_when_everybody_has_answered_the_reveal_comes_by_itself(
    application: Any,
    live: LiveSession,
    host_cookie: str,
    ada: Seat,
    first: QuestionFacts,
) -> None:
    expected = f"Correct answer: <strong>{first.correct_letter}: {first.correct_text}</strong>"
    async with (
        socket(application, host_path(live), host_cookie, greeting="Question 1") as host,
        socket(application, play_path(live), ada.cookie, greeting="Question 1") as player,
    ):
        await send_answer(player, first, first.correct_pk)
        await read_until(player, "Answer locked in")
        host_view = await read_until(host, expected)
        player_view = await read_until(player, expected)

    assert expected == "Correct answer: <strong>C: ASGI</strong>"
    assert "Correct!" in player_view
    assert "is-correct" in player_view
    assert "Top 5" in host_view
    assert (await stored(live)).state == State.REVEAL


@pytest.mark.usefixtures("question_open")
async def test_the_host_reveals_and_a_player_who_did_not_answer_hears_times_up(
    application: Any,
    live: LiveSession,
    host_cookie: str,
    ada: Seat,
) -> None:
    async with (
        socket(application, host_path(live), host_cookie, greeting="Question 1") as host,
        socket(application, play_path(live), ada.cookie, greeting="Question 1") as player,
    ):
        await send(host, action="reveal")
        view = await read_until(player, "Time's up")
        await read_until(host, "Correct answer: <strong>C: ASGI</strong>")

    assert "You did not answer" in view
    assert "Correct answer: <strong>C: ASGI</strong>" in view
    assert (await stored(live)).state == State.REVEAL


async def test_a_reveal_renders_every_phone_from_the_one_snapshot_without_a_thread_hop_each(
    application: Any,
    question_open: LiveSession,
    host_cookie: str,
    ada_and_bob: tuple[Seat, Seat],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    live = question_open
    ada, bob = ada_and_bob
    hops: list[int | None] = []
    real_render_view = LivePlayerConsumer.__dict__["render_view"]

    async def counting_render_view(self: LivePlayerConsumer, version: int | None) -> Any:
        hops.append(version)
        return await real_render_view.__get__(self, LivePlayerConsumer)(version)

    monkeypatch.setattr(LivePlayerConsumer, "render_view", counting_render_view)
    carl = await sync_to_async(seat)(live, "Carl")
    async with (
        socket(application, host_path(live), host_cookie, greeting="Question 1") as host,
        socket(application, play_path(live), ada.cookie, greeting="Question 1") as one,
        socket(application, play_path(live), bob.cookie, greeting="Question 1") as two,
        socket(application, play_path(live), carl.cookie, greeting="Question 1") as three,
    ):
        hops.clear()
        await send(host, action="reveal")
        for phone in (one, two, three):
            await read_until(phone, "Time's up", "Correct answer: <strong>C: ASGI</strong>")

    assert len(hops) <= 1, hops  # at most the first phone builds the snapshot


async def test_the_timer_reveals_the_question_when_time_runs_out(
    application: Any,
    test_quiz: Quiz,
    teacher: User,
    host_cookie: str,
) -> None:
    def open_a_five_second_question() -> tuple[LiveSession, Seat]:
        session = services.create_session(quiz=test_quiz, host=teacher, seconds_per_question=5)
        player = seat(session, "Ada")
        return services.advance(session=session, actor=teacher), player

    session, ada = await database_sync_to_async(open_a_five_second_question)()
    async with socket(application, play_path(session), ada.cookie, greeting="Question 1") as player:
        # Time nearly up; the host screen connects and watches the clock from here.
        await LiveSession.objects.filter(pk=session.pk).aupdate(
            question_deadline=timezone.now() + timedelta(seconds=0.3)
        )
        async with socket(application, host_path(session), host_cookie, greeting="Question 1"):
            view = await read_until(player, "Time's up")

    assert "Correct answer: <strong>C: ASGI</strong>" in view
    assert (await stored(session)).state == State.REVEAL


def lobby_with_ada(quiz: Quiz, teacher: User) -> tuple[LiveSession, Seat]:
    session = services.create_session(quiz=quiz, host=teacher, seconds_per_question=5)
    return session, seat(session, "Ada")


def start_a_question_closing_soon(session: LiveSession, teacher: User) -> LiveSession:
    # One transaction: the start is announced once the short deadline is in it too.
    with transaction.atomic():
        session = services.advance(session=session, actor=teacher)
        LiveSession.objects.filter(pk=session.pk).update(
            question_deadline=timezone.now() + timedelta(seconds=0.3)
        )
    return LiveSession.objects.get(pk=session.pk)


async def test_with_the_host_screen_closed_the_players_heartbeats_close_the_question(
    application: Any, test_quiz: Quiz, teacher: User, settings: Any
) -> None:
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    session, ada = await database_sync_to_async(lobby_with_ada)(test_quiz, teacher)
    session = await database_sync_to_async(start_a_question_closing_soon)(session, teacher)
    # The page is current, so the socket reads the deadline from the database itself.
    path = f"{play_path(session)}?v={session.version}"
    async with socket(application, path, ada.cookie) as player:  # no host socket at all
        view = await read_until(player, "Time's up")

    assert "Correct answer: <strong>C: ASGI</strong>" in view
    assert (await stored(session)).state == State.REVEAL


async def test_a_question_started_while_the_player_watched_closes_without_the_host_too(
    application: Any, test_quiz: Quiz, teacher: User, settings: Any
) -> None:
    """The deadline comes with the redraw of the new question, not from connecting."""
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    session, ada = await database_sync_to_async(lobby_with_ada)(test_quiz, teacher)
    async with socket(application, play_path(session), ada.cookie, greeting="You're in") as player:
        # The start announces itself; no host screen watches the clock.
        await database_sync_to_async(start_a_question_closing_soon)(session, teacher)
        await read_until(player, "Question 1")
        view = await read_until(player, "Time's up")

    assert "Correct answer: <strong>C: ASGI</strong>" in view


# Refusals


@pytest.mark.usefixtures("question_open")
@pytest.mark.parametrize("action", services.HostAction.values)
async def test_a_player_sending_a_host_action_is_told_only_the_host_can(
    application: Any, live: LiveSession, ada: Seat, action: str
) -> None:
    before = await stored(live)
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send(player, action=action, player=str(ada.pk))
        reply = await read_until(player, "Only the session's host can do that.")

    assert 'id="live-notice"' in reply
    after = await stored(live)
    assert (after.state, after.version, after.current_question_id, after.ended_at) == (
        before.state,
        before.version,
        before.current_question_id,
        before.ended_at,
    )
    assert not (await Player.objects.aget(pk=ada.pk)).kicked


@pytest.mark.usefixtures("question_open")
@pytest.mark.parametrize(
    "unreadable",
    [
        ({"text_data": "{not json"}, "That message could not be read."),
        ({"text_data": '["answer", 1, 2]'}, "That message could not be read."),
        ({"text_data": '"answer"'}, "That message could not be read."),
        ({"text_data": "x" * (settings.QUIZ_MAX_FRAME_BYTES + 1)}, "That message is too large."),
        ({"bytes_data": b"\x00\x01binary"}, "Binary messages are not accepted"),
    ],
    ids=["malformed-json", "json-list", "json-string", "oversized", "binary"],
)
async def test_an_unreadable_frame_gets_a_clear_message_and_the_socket_stays_open(
    application: Any,
    live: LiveSession,
    ada: Seat,
    first: QuestionFacts,
    unreadable: tuple[dict[str, Any], str],
) -> None:
    frame, message = unreadable
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await player.send_to(**frame)
        notice = await read_until(player, message)
        await send_answer(player, first, first.correct_pk)
        still_open = await read_until(player, "Answer locked in")

    assert 'id="live-notice"' in notice
    assert "Answer locked in" in still_open
    assert len(await answers_of(ada)) == 1


async def test_an_unreadable_frame_on_the_host_socket_gets_a_clear_message(
    application: Any, live: LiveSession, host_cookie: str
) -> None:
    async with socket(application, host_path(live), host_cookie, greeting="players") as host:
        await host.send_to(text_data="{not json")
        await read_until(host, "That message could not be read.")
        await send(host, action="start")
        await read_until(host, "Question 1 of 3")

    assert (await stored(live)).state == State.QUESTION


@pytest.mark.usefixtures("question_open")
async def test_an_unknown_player_action_is_refused(
    application: Any, live: LiveSession, ada: Seat
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send(player, action="cheat")
        await read_until(player, "Unknown action.")


@pytest.mark.usefixtures("question_open")
async def test_a_duplicate_answer_is_refused_and_only_the_first_is_kept(
    application: Any,
    live: LiveSession,
    ada: Seat,
    first: QuestionFacts,
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.wrong_pk)
        await read_until(player, "Answer locked in")
        await send_answer(player, first, first.correct_pk)
        reply = await read_until(player, "already answered")

    assert "your first answer counts" in reply
    assert await answers_of(ada) == [(first.pk, first.wrong_pk, 0)]
    assert await LiveAnswer.objects.acount() == 1
    assert await score_of(ada) == 0


@pytest.mark.usefixtures("question_open")
async def test_a_choice_of_another_question_is_refused_over_the_socket(
    application: Any,
    live: LiveSession,
    ada: Seat,
    performance: list[QuestionFacts],
) -> None:
    first, second, _ = performance
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, second.correct_pk)
        await read_until(player, "Pick one of this question's options.")

    assert await answers_of(ada) == []


async def test_answering_in_the_lobby_is_refused_over_the_socket(
    application: Any, live: LiveSession, ada: Seat, first: QuestionFacts
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="You're in") as player:
        await send_answer(player, first, first.correct_pk)
        await read_until(player, "This question is closed.")

    assert await answers_of(ada) == []


# Kicking


async def test_a_kicked_player_hears_they_were_removed_then_the_socket_closes_with_4403(
    application: Any,
    live: LiveSession,
    host_cookie: str,
    ada: Seat,
    bob: Seat,
) -> None:
    async with (
        socket(application, host_path(live), host_cookie, greeting="players joined") as host,
        socket(application, play_path(live), ada.cookie, greeting="You're in") as kicked,
        socket(application, play_path(live), bob.cookie, greeting="You're in") as stays,
    ):
        await send(host, action="kick", player=str(ada.pk))
        removed = await read_until(kicked, "removed")
        closing = await next_close(kicked)
        host_view = await read_until(host, "1</strong> player joined")
        await send(host, action="start")
        still_playing = await read_until(stays, "Question 1 of 3")

    assert "You were removed from this session" in removed
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
    assert "Kick Ada" not in host_view
    assert "Kick Bob" in host_view
    assert "Question 1 of 3" in still_playing
    assert (await Player.objects.aget(pk=ada.pk)).kicked


async def test_a_kicked_player_cannot_reconnect(
    application: Any, live: LiveSession, teacher: User, ada: Seat
) -> None:
    await database_sync_to_async(services.kick)(session=live, actor=teacher, player_id=ada.pk)
    closing = await refusal_of(application, play_path(live), ada.cookie)
    assert closing == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


# Reconnecting


@pytest.mark.usefixtures("question_open")
async def test_a_player_reconnecting_mid_question_gets_the_question_again(
    application: Any,
    live: LiveSession,
    ada: Seat,
    first: QuestionFacts,
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1"):
        pass  # the connection drops
    async with socket(application, play_path(live), ada.cookie) as again:
        view = await read_until(again, "Question 1 of 3")

    assert_answer_buttons(view, first)
    assert_reveals_nothing(view, first)


@pytest.mark.usefixtures("question_open")
async def test_a_player_reconnecting_after_answering_sees_their_answer_locked_in(
    application: Any,
    live: LiveSession,
    ada: Seat,
    bob: Seat,
    first: QuestionFacts,
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.correct_pk)
        await read_until(player, "Answer locked in")

    async with socket(application, play_path(live), ada.cookie) as again:
        view = await read_until(again, "Answer locked in")

    assert 'You chose <span class="letter">C</span>' in view
    assert "0 points</span>" in view
    assert 'name="choice"' not in view  # no second chance to answer
    assert len(await answers_of(ada)) == 1


@pytest.mark.usefixtures("question_open")
async def test_a_player_reconnecting_to_another_server_process_sees_the_same_screen(
    application: Any,
    live: LiveSession,
    ada: Seat,
    bob: Seat,
    first: QuestionFacts,
) -> None:
    """The rendered snapshot is a per-process memo; a process that builds it after the
    answer (a restart, another Daphne worker, an evicted entry) must show the same."""
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.correct_pk)
        before = await read_until(player, "Answer locked in")

    caches.clear_all()  # what a fresh server process starts with
    async with socket(application, play_path(live), ada.cookie) as again:
        view = await read_until(again, "Answer locked in")

    assert "0 points</span>" in view
    assert "Answer locked in" in before


@pytest.mark.usefixtures("question_open")
async def test_a_player_reconnecting_after_the_reveal_sees_the_verdict(
    application: Any,
    live: LiveSession,
    teacher: User,
    ada: Seat,
    first: QuestionFacts,
) -> None:
    async with socket(application, play_path(live), ada.cookie, greeting="Question 1") as player:
        await send_answer(player, first, first.correct_pk)
        await read_until(player, "Answer locked in")
    points = await score_of(ada)
    await database_sync_to_async(services.reveal)(session=live, actor=teacher)

    async with socket(application, play_path(live), ada.cookie) as again:
        view = await read_until(again, "Correct!")

    assert f"You are rank 1 of 1 with {points} points" in view
    assert "Correct answer: <strong>C: ASGI</strong>" in view


@pytest.mark.usefixtures("question_open")
async def test_a_player_connecting_after_the_deadline_triggers_the_reveal(
    application: Any, live: LiveSession, ada: Seat, question_open: LiveSession
) -> None:
    """Nobody watches the clock when the host screen is closed: arriving players check it."""
    await LiveSession.objects.filter(pk=live.pk).aupdate(
        question_deadline=timezone.now() - timedelta(seconds=1)
    )
    async with socket(application, play_path(live), ada.cookie) as player:
        view = await read_until(player, "Time's up")

    assert "Correct answer: <strong>C: ASGI</strong>" in view
    assert (await stored(live)).state == State.REVEAL
