"""Test data and actions, made the way users make them: through the same forms and
services the views and consumers call. Shared by the test modules instead of each
keeping its own copy."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client

from live import services as live_services
from live.forms import HostActionForm, JoinForm, LiveAnswerForm
from live.models import LiveSession, Player
from live.roles import instructors_group
from quiz import services
from quiz.forms import AnswerForm, QuestionForm
from quiz.models import Attempt, Choice, Question, Quiz, Response


def correct_choice(question: Question) -> Choice:
    return question.choices.get(is_correct=True)


def wrong_choice(question: Question) -> Choice:
    return question.choices.filter(is_correct=False).order_by("order").first()


def ordered_questions(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.order_by("order"))


def new_session_key() -> str:
    """A saved Django session: the browser a student or a player is."""
    session = SessionStore()
    session["student"] = True
    session.save()
    assert session.session_key
    return session.session_key


def signed_in(user: User) -> Client:
    """A browser signed in as this user."""
    client = Client()
    client.force_login(user)
    return client


def instructor(username: str = "teacher", **fields: Any) -> User:
    """Staff in the Instructors group: may author and host (live/roles.py)."""
    user = User.objects.create_user(username, is_staff=True, **fields)
    user.groups.add(instructors_group())
    return user


# Self-paced


def submit(*, attempt: Attempt, question_id: object, choice_id: object) -> Response:
    """An answer as a form or a frame sends it: ids, checked by AnswerForm first."""
    answer = AnswerForm({"question": question_id, "choice": choice_id}, attempt=attempt)
    cleaned = answer.validated()
    return services.submit_answer(
        attempt=attempt, question=cleaned["question"], choice=cleaned["choice"]
    )


def show_hint(*, attempt: Attempt, question_id: object) -> Question:
    question = QuestionForm({"question": question_id}, attempt=attempt).validated()["question"]
    return services.show_hint(attempt=attempt, question=question)


def answer(attempt: Attempt, question: Question, choice: Choice) -> Response:
    services.present_question(attempt=attempt)
    return submit(attempt=attempt, question_id=question.pk, choice_id=choice.pk)


def answer_all(attempt: Attempt, *, correctly: bool = True) -> None:
    for question in ordered_questions(attempt.quiz):
        answer(attempt, question, correct_choice(question) if correctly else wrong_choice(question))


# Live


def join_by_code(*, code: object, nickname: object, session_key: str) -> Player:
    """What the join page does with a code and a nickname."""
    joining = JoinForm({"code": code, "nickname": nickname}).validated()
    return live_services.join(
        session=joining["code"], nickname=joining["nickname"], session_key=session_key
    )


def join(session: LiveSession, nickname: str, session_key: str | None = None) -> Player:
    return join_by_code(
        code=session.join_code, nickname=nickname, session_key=session_key or f"key-{nickname}"
    )


def live_answer(*, player: Player, question_id: object, choice_id: object) -> Any:
    """A player's answer as a form or a frame sends it."""
    cleaned = LiveAnswerForm({"question": question_id, "choice": choice_id}).validated()
    return live_services.submit_answer(
        player=player, question_id=cleaned["question"], choice_id=cleaned["choice"]
    )


def host_action(
    *, session: LiveSession, actor: Any, action: object, player_id: object = None
) -> LiveSession:
    """A host's button as a form or a frame sends it."""
    cleaned = HostActionForm({"action": action, "player": player_id}).validated()
    return live_services.perform_host_action(
        session=session, actor=actor, action=cleaned["action"], player_id=cleaned["player"]
    )


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at the same instant; return results or errors.
    Each thread has its own database connection, as concurrent requests do."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


# Reports: classes that have answered, for the item analysis and the session report


def finished_attempt(
    quiz: Quiz, pattern: list[bool], *, user: User | None = None, hinted: tuple[int, ...] = ()
) -> Attempt:
    """A self-paced attempt answered through the services, question by question in the
    quiz's order: right where the pattern says True, wrong elsewhere (and wrong for
    questions past its end), so it is finished. The hint is shown first on the
    questions whose positions (from 0) are in `hinted`."""
    attempt = services.start_attempt(quiz=quiz, session_key=new_session_key(), user=user)
    for position, question in enumerate(ordered_questions(quiz)):
        right = position < len(pattern) and pattern[position]
        services.present_question(attempt=attempt)
        if position in hinted:
            show_hint(attempt=attempt, question_id=question.pk)
        choice = correct_choice(question) if right else wrong_choice(question)
        submit(attempt=attempt, question_id=question.pk, choice_id=choice.pk)
    return attempt


def played_session(
    quiz: Quiz, host: User, answers: dict[str, list[bool | None]], *, end: bool = True
) -> LiveSession:
    """A live session run to the podium through the services: each nickname's answers
    question by question (True right, False wrong, None no answer), then ended."""
    session = live_services.create_session(quiz=quiz, host=host)
    players = {nickname: join(session, nickname) for nickname in answers}
    for position, question in enumerate(ordered_questions(quiz)):
        host_action(session=session, actor=host, action="start" if position == 0 else "next")
        for nickname, pattern in answers.items():
            right = pattern[position] if position < len(pattern) else None
            if right is None:
                continue
            choice = correct_choice(question) if right else wrong_choice(question)
            live_answer(player=players[nickname], question_id=question.pk, choice_id=choice.pk)
        session.refresh_from_db()
        if session.state == LiveSession.State.QUESTION:
            host_action(session=session, actor=host, action="reveal")
    host_action(session=session, actor=host, action="next")  # the podium
    if end:
        host_action(session=session, actor=host, action="end")
    session.refresh_from_db()
    return session
