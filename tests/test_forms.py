"""The forms at the edge: the same form cleans a POST's QueryDict and a socket frame's
object, and hands the services only model instances and ints."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict

from live import services as live_services
from live.forms import HostActionForm, JoinForm, LiveAnswerForm, LiveSessionForm
from live.models import MAX_SECONDS_PER_QUESTION, MIN_SECONDS_PER_QUESTION
from quiz import services
from quiz.forms import AnswerForm, IdField, QuestionForm
from quiz.models import Attempt, Quiz
from tests.factories import correct_choice, ordered_questions

pytestmark = pytest.mark.django_db

CRAFTED_IDS = ["²", "١٢", "9" * 30, str(2**63), "-1", "+1", "1_0", " ", "1.0", "0x10"]


@pytest.fixture
def attempt(practice_quiz: Quiz, session_key: str) -> Attempt:
    return services.start_attempt(quiz=practice_quiz, session_key=session_key, user=None)


@pytest.mark.parametrize("value", CRAFTED_IDS)
def test_an_id_field_takes_only_ascii_digits_naming_an_id_in_range(value: str) -> None:
    field = IdField(required=False)
    assert not field.widget.is_hidden
    with pytest.raises(Exception, match="not an id"):
        field.clean(value)


def test_an_id_field_gives_an_int() -> None:
    assert IdField().clean(" 42 ") == 42
    assert IdField().clean(42) == 42


def test_the_answer_form_cleans_a_post_and_a_frame_alike(attempt: Attempt) -> None:
    question = ordered_questions(attempt.quiz)[0]
    choice = correct_choice(question)
    post = QueryDict(f"question={question.pk}&choice={choice.pk}&csrfmiddlewaretoken=x")
    frame = {
        "action": "answer",
        "question": str(question.pk),
        "choice": str(choice.pk),
        "HEADERS": {"HX-Request": "true"},
    }

    from_post = AnswerForm(post, attempt=attempt).validated()
    from_frame = AnswerForm(frame, attempt=attempt).validated()

    assert from_post == from_frame == {"question": question, "choice": choice}


def test_a_choice_of_another_question_is_refused_as_unknown(attempt: Attempt) -> None:
    first, second = ordered_questions(attempt.quiz)[:2]
    form = AnswerForm({"question": first.pk, "choice": correct_choice(second).pk}, attempt=attempt)
    with pytest.raises(services.UnknownChoice, match="Pick one of the question's options"):
        form.validated()


def test_a_question_of_another_quiz_is_refused_as_unknown(
    attempt: Attempt, test_quiz: Quiz
) -> None:
    foreign = ordered_questions(test_quiz)[0]
    with pytest.raises(services.UnknownQuestion, match="not part of this quiz"):
        QuestionForm({"question": foreign.pk}, attempt=attempt).validated()


def test_checking_an_answer_reads_no_database(
    attempt: Attempt, django_assert_num_queries: object
) -> None:
    question = ordered_questions(attempt.quiz)[0]
    data = {"question": question.pk, "choice": correct_choice(question).pk}
    services.questions_of(attempt.quiz)  # the per-process cache, warm as in a server
    with django_assert_num_queries(0):  # type: ignore[operator]
        AnswerForm(data, attempt=attempt).validated()


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        ({"action": "dance"}, "Unknown host action"),
        ({"action": "START"}, "Unknown host action"),
        ({}, "Unknown host action"),
        ({"action": "kick"}, "not in this session"),
        ({"action": "kick", "player": "abc"}, "not in this session"),
    ],
)
def test_a_host_action_form_refuses_what_no_button_sends(data: dict, refusal: str) -> None:
    with pytest.raises(live_services.LiveError, match=refusal):
        HostActionForm(data).validated()


def test_a_host_action_comes_out_as_the_action_and_an_int() -> None:
    cleaned = HostActionForm({"action": "kick", "player": "7"}).validated()
    assert cleaned == {"action": live_services.HostAction.KICK, "player": 7}


@pytest.mark.parametrize("field", ["question", "choice"])
def test_a_live_answer_needs_two_ids(field: str) -> None:
    data = {"question": "1", "choice": "2", field: "x"}
    with pytest.raises(live_services.AnswerRefused, match="could not be read"):
        LiveAnswerForm(data).validated()


def test_the_join_form_finds_the_open_session_and_cleans_the_nickname(
    test_quiz: Quiz, teacher: User
) -> None:
    session = live_services.create_session(quiz=test_quiz, host=teacher)
    code = f"{session.join_code[:3]} {session.join_code[3:]}"
    cleaned = JoinForm({"code": code, "nickname": "  Ada\u200b  "}).validated()
    assert cleaned == {"code": session, "nickname": "Ada"}


@pytest.mark.parametrize(
    ("seconds", "valid"),
    [
        (MIN_SECONDS_PER_QUESTION - 1, False),
        (MIN_SECONDS_PER_QUESTION, True),
        (MAX_SECONDS_PER_QUESTION, True),
        (MAX_SECONDS_PER_QUESTION + 1, False),
    ],
)
def test_the_session_form_takes_its_timer_bounds_from_the_model(
    test_quiz: Quiz, seconds: int, valid: bool
) -> None:
    form = LiveSessionForm({"quiz": test_quiz.pk, "seconds_per_question": seconds})
    assert form.is_valid() is valid
