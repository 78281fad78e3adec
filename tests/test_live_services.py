"""The rules of a live session, as live/services.py enforces them against the database.

The seed's test-mode quiz has 3 questions; their correct answers are "ASGI",
"INP (Interaction to Next Paint)" and option B. Time is controlled by moving the
session's question_opened_at and question_deadline with queryset updates, never by
sleeping; speed points are checked against the scoring function over the interval
in which the server read its clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from live import presenters, scoring, services
from live.models import LiveAnswer, LiveSession, Player
from quiz.models import Choice, Question, Quiz
from tests.factories import (
    correct_choice,
    host_action,
    join,
    join_by_code,
    live_answer,
    wrong_choice,
)

pytestmark = pytest.mark.django_db

State = LiveSession.State


# Helpers


def questions(session: LiveSession) -> list[Question]:
    return list(session.quiz.questions.order_by("order"))


def fresh(session: LiveSession) -> LiveSession:
    return LiveSession.objects.get(pk=session.pk)


def reload(player: Player) -> Player:
    return Player.objects.get(pk=player.pk)


def opened_seconds_ago(session: LiveSession, seconds: float) -> datetime:
    """Pretend the current question opened `seconds` ago; returns the new opening time."""
    opened = timezone.now() - timedelta(seconds=seconds)
    LiveSession.objects.filter(pk=session.pk).update(question_opened_at=opened)
    return opened


def deadline_in(session: LiveSession, seconds: float) -> None:
    LiveSession.objects.filter(pk=session.pk).update(
        question_deadline=timezone.now() + timedelta(seconds=seconds)
    )


def time_is_up(session: LiveSession) -> None:
    """The timer ran out, and the grace for answers still on their way with it."""
    deadline_in(session, -(services.ANSWER_GRACE.total_seconds() + 0.01))


def answer(player: Player, question: Question, choice: Choice) -> services.AnswerOutcome:
    return services.submit_answer(player=player, question_id=question.pk, choice_id=choice.pk)


def answer_correctly(player: Player, session: LiveSession) -> services.AnswerOutcome:
    question = fresh(session).current_question
    return answer(player, question, correct_choice(question))


def answer_wrongly(player: Player, session: LiveSession) -> services.AnswerOutcome:
    question = fresh(session).current_question
    return answer(player, question, wrong_choice(question))


def points_between(opened: datetime, before: datetime, after: datetime, timer: int) -> range:
    """Every score the server may have given for an answer whose clock it read between
    `before` and `after`: speed points never increase with time."""
    fastest = scoring.speed_points(elapsed=(before - opened).total_seconds(), timer=timer)
    slowest = scoring.speed_points(elapsed=(after - opened).total_seconds(), timer=timer)
    return range(slowest, fastest + 1)


# Fixtures


@pytest.fixture
def student(db: None) -> User:
    return get_user_model().objects.create_user("student")


@pytest.fixture
def live(test_quiz: Quiz, teacher: User) -> LiveSession:
    return services.create_session(quiz=test_quiz, host=teacher)


@pytest.fixture
def flat_scoring(test_quiz: Quiz, teacher: User) -> LiveSession:
    """Speed scoring off: every correct answer earns exactly 1000 plus its streak bonus."""
    return services.create_session(quiz=test_quiz, host=teacher, speed_scoring=False)


@pytest.fixture
def ada(live: LiveSession) -> Player:
    return join(live, "Ada")


@pytest.fixture
def bob(live: LiveSession) -> Player:
    return join(live, "Bob")


@pytest.fixture
def question_open(live: LiveSession, teacher: User, ada: Player) -> LiveSession:
    """Question 1 is open; Ada is playing."""
    return services.advance(session=live, actor=teacher)


# create_session


def test_a_new_session_has_a_six_digit_join_code_and_waits_in_the_lobby(
    live: LiveSession, teacher: User
) -> None:
    assert len(live.join_code) == 6
    assert live.join_code.isdigit()
    assert live.state == State.LOBBY
    assert live.host == teacher
    assert live.ended_at is None
    assert live.current_question is None
    assert live.seconds_per_question == 20
    assert live.speed_scoring
    assert live.streak_bonus


def test_a_new_session_keeps_its_timer_and_scoring_switches(test_quiz: Quiz, teacher: User) -> None:
    session = services.create_session(
        quiz=test_quiz,
        host=teacher,
        seconds_per_question=45,
        speed_scoring=False,
        streak_bonus=False,
    )
    stored = fresh(session)
    assert (stored.seconds_per_question, stored.speed_scoring, stored.streak_bonus) == (
        45,
        False,
        False,
    )


def test_open_sessions_never_share_a_join_code(test_quiz: Quiz, teacher: User) -> None:
    codes = [services.create_session(quiz=test_quiz, host=teacher).join_code for _ in range(30)]
    assert len(set(codes)) == 30
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_the_database_refuses_a_second_open_session_with_a_taken_code(
    live: LiveSession, test_quiz: Quiz, teacher: User
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveSession.objects.create(quiz=test_quiz, host=teacher, join_code=live.join_code)


def test_a_student_cannot_open_a_live_session(test_quiz: Quiz, student: User) -> None:
    with pytest.raises(services.NotAllowed):
        services.create_session(quiz=test_quiz, host=student)
    assert not LiveSession.objects.exists()


def test_a_quiz_without_questions_cannot_go_live(test_quiz: Quiz, teacher: User) -> None:
    empty = Quiz.objects.create(lesson=test_quiz.lesson, slug="empty-quiz", title="Empty")
    with pytest.raises(services.WrongState, match="no questions"):
        services.create_session(quiz=empty, host=teacher)
    assert not LiveSession.objects.exists()


# join


def test_joining_creates_a_player_with_no_score(live: LiveSession) -> None:
    player = join_by_code(code=live.join_code, nickname="Ada", session_key="browser-1")
    assert player.session == live
    assert (player.nickname, player.score, player.streak, player.kicked) == ("Ada", 0, 0, False)
    assert player.session_key == "browser-1"


def test_the_join_code_may_come_with_surrounding_spaces(live: LiveSession) -> None:
    player = join_by_code(code=f"  {live.join_code} ", nickname="Ada", session_key="b")
    assert player.session == live


def test_a_nickname_is_trimmed_and_its_inner_whitespace_collapsed(live: LiveSession) -> None:
    player = join(live, "  Ada \t  Lovelace\n ")
    assert player.nickname == "Ada Lovelace"


@pytest.mark.parametrize(
    "nickname", ["", "   ", "\t\n", None, "\u200b", "\u200b\u200d\u2060", "\u202e", "\x00\x07"]
)
def test_a_blank_nickname_is_refused(live: LiveSession, nickname: str | None) -> None:
    with pytest.raises(services.NicknameInvalid):
        join_by_code(code=live.join_code, nickname=nickname, session_key="b")
    assert not Player.objects.exists()


def test_a_24_character_nickname_is_accepted(live: LiveSession) -> None:
    assert join(live, "x" * 24).nickname == "x" * 24


def test_a_nickname_over_24_characters_is_refused(live: LiveSession) -> None:
    with pytest.raises(services.NicknameInvalid, match="24"):
        join(live, "x" * 25)
    assert not Player.objects.exists()


def test_the_length_limit_applies_after_collapsing_whitespace(live: LiveSession) -> None:
    spaced = "  Ada" + " " * 30 + "Lovelace  "
    player = join_by_code(code=live.join_code, nickname=spaced, session_key="b")
    assert player.nickname == "Ada Lovelace"


@pytest.mark.parametrize(
    "taken",
    [
        "ada",
        "ADA",
        " Ada ",
        "aDa",
        "Ada\u200b",
        "A\u200bda",
        "\u202aAda\u202c",
        "\uff21\uff44\uff41",
        "A\u200cda",
        "A\u200dda",
    ],
    ids=[
        "lower",
        "upper",
        "spaced",
        "mixed",
        "zero-width-end",
        "zero-width-inside",
        "direction-marks",
        "full-width",
        "non-joiner",
        "joiner",
    ],
)
def test_a_nickname_taken_in_any_case_is_refused(
    live: LiveSession, ada: Player, taken: str
) -> None:
    with pytest.raises(services.NicknameInvalid, match="taken"):
        join_by_code(code=live.join_code, nickname=taken, session_key="another-browser")
    assert live.players.count() == 1


def test_invisible_characters_are_dropped_from_a_nickname(live: LiveSession) -> None:
    assert join(live, "\u202eAda\u200b Love\u00adlace").nickname == "Ada Lovelace"


def test_accents_and_other_scripts_are_kept(live: LiveSession) -> None:
    names = [
        "Zoë",
        "Nguyễn Thị",
        "Мария",
        "محمد",
        "李小龙",
        "Ana 🦊",
        "\U0001f469\u200d\U0001f680 Zoe",  # an emoji joined with ZWJ
        "\u0632\u0647\u0631\u0627\u200c\u0633\u0627\u062f\u0627\u062a",  # Persian, ZWNJ
        "\U0001fa77 Mia",  # an emoji newer than this Python's Unicode tables
    ]
    for index, name in enumerate(names):
        assert (
            join_by_code(code=live.join_code, nickname=name, session_key=f"b{index}").nickname
            == name
        )


def test_a_nickname_piling_accents_on_one_letter_is_refused(live: LiveSession) -> None:
    with pytest.raises(services.NicknameInvalid, match="accents"):
        join(live, "A" + "\u0301" * 6)
    assert not Player.objects.exists()


def test_the_same_nickname_may_play_in_another_session(
    live: LiveSession, ada: Player, test_quiz: Quiz, teacher: User
) -> None:
    other = services.create_session(quiz=test_quiz, host=teacher)
    assert join(other, "Ada").session == other


def test_the_same_browser_rejoins_as_the_same_player(live: LiveSession, ada: Player) -> None:
    again = join_by_code(code=live.join_code, nickname="Someone else", session_key="key-Ada")
    assert again.pk == ada.pk
    assert again.nickname == "Ada"
    assert live.players.count() == 1


def test_a_rejoining_browser_keeps_its_score(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    scored = answer_correctly(ada, live).player.score
    again = join_by_code(code=live.join_code, nickname="Ada", session_key="key-Ada")
    assert (again.pk, again.score) == (ada.pk, scored)


def test_a_kicked_player_cannot_rejoin_from_the_same_browser(
    live: LiveSession, teacher: User, ada: Player
) -> None:
    services.kick(session=live, actor=teacher, player_id=ada.pk)
    with pytest.raises(services.Kicked):
        join_by_code(code=live.join_code, nickname="Ada again", session_key="key-Ada")


def test_nobody_joins_a_session_that_has_shown_its_podium(live: LiveSession, teacher: User) -> None:
    LiveSession.objects.filter(pk=live.pk).update(state=State.FINISHED)
    with pytest.raises(services.WrongState, match="finished"):
        join(live, "Latecomer")
    assert not Player.objects.exists()


def test_nobody_joins_a_session_the_host_ended(live: LiveSession, teacher: User) -> None:
    services.end(session=live, actor=teacher)
    with pytest.raises(services.SessionNotFound):
        join(live, "Latecomer")


def test_a_player_may_join_late_while_a_question_is_open(
    live: LiveSession, question_open: LiveSession
) -> None:
    late = join(live, "Late")
    assert late.session == live
    outcome = answer_correctly(late, live)
    assert outcome.answer.is_correct


@pytest.mark.parametrize(
    "code",
    ["", None, "abc", "12345", "1234567", "12 345", "12345a", "-12345", "\uff11" * 6, 123],
)
def test_a_garbage_join_code_is_not_found(live: LiveSession, code: object) -> None:
    with pytest.raises(services.SessionNotFound):
        join_by_code(code=code, nickname="Ada", session_key="b")


def test_an_unknown_join_code_is_not_found(live: LiveSession) -> None:
    unknown = "000000" if live.join_code != "000000" else "000001"
    with pytest.raises(services.SessionNotFound):
        join_by_code(code=unknown, nickname="Ada", session_key="b")


# The state machine


def test_a_session_walks_lobby_question_reveal_for_each_question_then_finishes(
    live: LiveSession, teacher: User
) -> None:
    seen = []
    versions = [live.version]
    session = live
    for question in questions(live):
        session = services.advance(session=session, actor=teacher)
        seen.append((session.state, session.current_question_id))
        versions.append(session.version)
        session = services.reveal(session=session, actor=teacher)
        seen.append((session.state, session.current_question_id))
        versions.append(session.version)
        assert question.pk == session.current_question_id
    session = services.advance(session=session, actor=teacher)
    ids = [q.pk for q in questions(live)]
    assert seen == [
        (State.QUESTION, ids[0]),
        (State.REVEAL, ids[0]),
        (State.QUESTION, ids[1]),
        (State.REVEAL, ids[1]),
        (State.QUESTION, ids[2]),
        (State.REVEAL, ids[2]),
    ]
    assert session.state == State.FINISHED
    assert fresh(live).state == State.FINISHED
    assert fresh(live).ended_at is None  # the podium shows until the host ends the session
    versions.append(session.version)
    assert versions == sorted(set(versions))  # every change bumps the version


def test_opening_a_question_starts_its_timer_on_the_servers_clock(
    live: LiveSession, teacher: User
) -> None:
    before = timezone.now()
    session = services.advance(session=live, actor=teacher)
    after = timezone.now()
    assert before <= session.question_opened_at <= after
    assert session.question_deadline - session.question_opened_at == timedelta(seconds=20)


def test_revealing_before_the_first_question_is_refused(live: LiveSession, teacher: User) -> None:
    with pytest.raises(services.WrongState):
        services.reveal(session=live, actor=teacher)
    assert fresh(live).state == State.LOBBY


def test_moving_on_while_a_question_is_open_is_refused(
    live: LiveSession, teacher: User, question_open: LiveSession
) -> None:
    version = fresh(live).version
    with pytest.raises(services.WrongState, match="Reveal"):
        services.advance(session=live, actor=teacher)
    stored = fresh(live)
    assert (stored.state, stored.current_question_id, stored.version) == (
        State.QUESTION,
        question_open.current_question_id,
        version,
    )


def test_revealing_twice_is_refused(
    live: LiveSession, teacher: User, question_open: LiveSession
) -> None:
    services.reveal(session=live, actor=teacher)
    with pytest.raises(services.WrongState):
        services.reveal(session=live, actor=teacher)


def test_nothing_moves_after_the_podium(live: LiveSession, teacher: User) -> None:
    session = live
    for _ in questions(live):
        session = services.advance(session=session, actor=teacher)
        session = services.reveal(session=session, actor=teacher)
    services.advance(session=session, actor=teacher)
    with pytest.raises(services.WrongState):
        services.advance(session=live, actor=teacher)
    with pytest.raises(services.WrongState):
        services.reveal(session=live, actor=teacher)


def test_nothing_moves_after_the_session_ended(live: LiveSession, teacher: User) -> None:
    services.end(session=live, actor=teacher)
    with pytest.raises(services.WrongState):
        services.advance(session=live, actor=teacher)
    with pytest.raises(services.WrongState):
        services.reveal(session=live, actor=teacher)


def test_the_host_may_end_the_session_from_any_state(
    live: LiveSession, teacher: User, question_open: LiveSession
) -> None:
    ended = services.end(session=live, actor=teacher)
    assert ended.state == State.FINISHED
    assert ended.ended_at is not None


def test_ending_twice_changes_nothing_the_second_time(live: LiveSession, teacher: User) -> None:
    first = services.end(session=live, actor=teacher)
    second = services.end(session=live, actor=teacher)
    assert (second.ended_at, second.version) == (first.ended_at, first.version)


# Host actions through perform_host_action


@pytest.mark.parametrize(
    ("action", "state_after"),
    [("start", State.QUESTION), ("end", State.FINISHED)],
)
def test_the_host_acts_from_the_lobby(
    live: LiveSession, teacher: User, action: str, state_after: str
) -> None:
    session = host_action(session=live, actor=teacher, action=action)
    assert session.state == state_after
    assert fresh(live).state == state_after


def test_the_host_reveals_and_moves_on_through_perform_host_action(
    live: LiveSession, teacher: User
) -> None:
    host_action(session=live, actor=teacher, action="start")
    assert host_action(session=live, actor=teacher, action="reveal").state == State.REVEAL
    moved = host_action(session=live, actor=teacher, action="next")
    assert moved.state == State.QUESTION
    assert moved.current_question_id == questions(live)[1].pk


def test_the_host_kicks_a_player_through_perform_host_action(
    live: LiveSession, teacher: User, ada: Player
) -> None:
    version = fresh(live).version
    session = host_action(session=live, actor=teacher, action="kick", player_id=str(ada.pk))
    assert reload(ada).kicked
    assert session.version == version + 1


@pytest.mark.parametrize("player_id", ["abc", "", None, "999999999"])
def test_kicking_someone_who_is_not_a_player_is_refused(
    live: LiveSession, teacher: User, ada: Player, player_id: object
) -> None:
    with pytest.raises(services.LiveError, match="not in this session"):
        host_action(session=live, actor=teacher, action="kick", player_id=player_id)
    assert not reload(ada).kicked


def test_kicking_a_player_of_another_session_is_refused(
    live: LiveSession, teacher: User, test_quiz: Quiz
) -> None:
    other = services.create_session(quiz=test_quiz, host=teacher)
    stranger = join(other, "Stranger")
    with pytest.raises(services.LiveError, match="not in this session"):
        host_action(session=live, actor=teacher, action="kick", player_id=stranger.pk)
    assert not reload(stranger).kicked


@pytest.mark.parametrize("action", ["", None, "dance", "START", ["start"]])
def test_an_unknown_host_action_is_refused(
    live: LiveSession, teacher: User, action: object
) -> None:
    with pytest.raises(services.LiveError, match="Unknown host action"):
        host_action(session=live, actor=teacher, action=action)
    assert fresh(live).state == State.LOBBY


def _prepare(session: LiveSession, teacher: User, action: str) -> None:
    """Put the session where `action` would be allowed for its host."""
    if action in ("reveal", "end", "kick"):
        services.advance(session=session, actor=teacher)
    if action == "next":
        services.advance(session=session, actor=teacher)
        services.reveal(session=session, actor=teacher)


@pytest.mark.parametrize("action", services.HostAction.values)
@pytest.mark.parametrize("who", ["student", "anonymous", "nobody"])
def test_only_staff_may_perform_any_host_action(
    live: LiveSession, student: User, ada: Player, action: str, who: str
) -> None:
    actor = {"student": student, "anonymous": AnonymousUser(), "nobody": None}[who]
    _prepare(live, live.host, action)
    before = fresh(live)
    with pytest.raises(services.NotAllowed) as refused:
        host_action(session=live, actor=actor, action=action, player_id=ada.pk)
    assert str(refused.value.message) == "Only the session's host can do that."
    after = fresh(live)
    assert (after.state, after.version, after.current_question_id, after.ended_at) == (
        before.state,
        before.version,
        before.current_question_id,
        before.ended_at,
    )
    assert not reload(ada).kicked


@pytest.mark.parametrize(
    "host_action",
    [
        lambda session, actor: services.advance(session=session, actor=actor),
        lambda session, actor: services.reveal(session=session, actor=actor),
        lambda session, actor: services.end(session=session, actor=actor),
    ],
    ids=["advance", "reveal", "end"],
)
def test_each_host_service_refuses_a_student_on_its_own(
    live: LiveSession, student: User, host_action: Any
) -> None:
    with pytest.raises(services.NotAllowed):
        host_action(live, student)
    assert fresh(live).version == live.version


# submit_answer: points


def test_a_correct_answer_earns_speed_points_for_the_time_it_took(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    opened = opened_seconds_ago(live, 10)
    before = timezone.now()
    outcome = answer_correctly(ada, live)
    after = timezone.now()

    assert outcome.answer.is_correct
    assert outcome.answer.points in points_between(opened, before, after, timer=20)
    assert outcome.answer.points in range(500, 751)  # about half way: about 750
    assert (before - opened) <= timedelta(milliseconds=outcome.answer.elapsed_ms + 1)
    assert timedelta(milliseconds=outcome.answer.elapsed_ms) <= (after - opened)
    assert reload(ada).score == outcome.answer.points == outcome.player.score


def test_a_correct_answer_right_away_earns_the_formulas_points(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    opened = fresh(live).question_opened_at
    before = timezone.now()
    outcome = answer_correctly(ada, live)
    after = timezone.now()
    assert outcome.answer.points in points_between(opened, before, after, timer=20)


def test_a_correct_answer_after_the_timer_but_within_the_grace_earns_500(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    opened_seconds_ago(live, 60)
    outcome = answer_correctly(ada, live)
    assert outcome.answer.points == 500


def test_an_answer_a_moment_after_the_deadline_still_counts(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    deadline_in(live, -0.1)  # the grace is 750 ms: the network's slack
    assert answer_correctly(ada, live).answer.points >= 500


def test_a_wrong_answer_earns_nothing(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    outcome = answer_wrongly(ada, live)
    assert not outcome.answer.is_correct
    assert (outcome.answer.points, outcome.answer.streak_after, outcome.bonus) == (0, 0, 0)
    assert reload(ada).score == 0


def test_with_speed_scoring_off_a_slow_correct_answer_earns_1000(
    flat_scoring: LiveSession, teacher: User
) -> None:
    player = join(flat_scoring, "Ada")
    services.advance(session=flat_scoring, actor=teacher)
    opened_seconds_ago(flat_scoring, 19)
    assert answer_correctly(player, flat_scoring).answer.points == 1000


def test_the_answer_records_choice_question_and_elapsed_time(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    opened_seconds_ago(live, 3)
    question = fresh(live).current_question
    outcome = answer(ada, question, wrong_choice(question))
    stored = LiveAnswer.objects.get()
    assert (stored.player_id, stored.question_id, stored.choice_id) == (
        ada.pk,
        question.pk,
        wrong_choice(question).pk,
    )
    assert stored.elapsed_ms >= 3000
    assert stored.pk == outcome.answer.pk


# submit_answer: streaks


def play_question(
    session: LiveSession, teacher: User, player: Player, *, correctly: bool
) -> services.AnswerOutcome:
    services.advance(session=session, actor=teacher)
    outcome = (answer_correctly if correctly else answer_wrongly)(player, session)
    services.reveal(session=session, actor=teacher)
    return outcome


def test_correct_answers_in_a_row_earn_a_growing_streak_bonus(
    flat_scoring: LiveSession, teacher: User
) -> None:
    player = join(flat_scoring, "Ada")
    first = play_question(flat_scoring, teacher, player, correctly=True)
    second = play_question(flat_scoring, teacher, player, correctly=True)
    third = play_question(flat_scoring, teacher, player, correctly=True)

    assert [(o.answer.points, o.bonus, o.answer.streak_after) for o in (first, second, third)] == [
        (1000, 0, 1),
        (1100, 100, 2),
        (1200, 200, 3),
    ]
    assert reload(player).score == 3300
    assert reload(player).streak == 3


def test_a_wrong_answer_resets_the_streak(flat_scoring: LiveSession, teacher: User) -> None:
    player = join(flat_scoring, "Ada")
    play_question(flat_scoring, teacher, player, correctly=True)
    play_question(flat_scoring, teacher, player, correctly=True)
    wrong = play_question(flat_scoring, teacher, player, correctly=False)
    assert (wrong.answer.points, wrong.answer.streak_after) == (0, 0)
    assert reload(player).streak == 0
    assert reload(player).score == 2100


@pytest.mark.parametrize(("streak_before", "bonus"), [(4, 400), (5, 500), (6, 500), (40, 500)])
def test_the_streak_bonus_is_capped_at_500(
    flat_scoring: LiveSession, teacher: User, streak_before: int, bonus: int
) -> None:
    player = join(flat_scoring, "Ada")
    Player.objects.filter(pk=player.pk).update(streak=streak_before)
    services.advance(session=flat_scoring, actor=teacher)
    outcome = answer_correctly(player, flat_scoring)
    assert (outcome.bonus, outcome.answer.points) == (bonus, 1000 + bonus)
    assert outcome.answer.streak_after == streak_before + 1


def test_with_the_streak_bonus_off_a_streak_earns_no_bonus(test_quiz: Quiz, teacher: User) -> None:
    session = services.create_session(
        quiz=test_quiz, host=teacher, speed_scoring=False, streak_bonus=False
    )
    player = join(session, "Ada")
    outcomes = [play_question(session, teacher, player, correctly=True) for _ in range(3)]
    assert [o.answer.points for o in outcomes] == [1000, 1000, 1000]
    assert [o.bonus for o in outcomes] == [0, 0, 0]
    assert reload(player).streak == 3


def test_the_reveal_resets_the_streak_of_players_who_did_not_answer(
    flat_scoring: LiveSession, teacher: User
) -> None:
    ada = join(flat_scoring, "Ada")
    bob = join(flat_scoring, "Bob")
    Player.objects.filter(pk__in=[ada.pk, bob.pk]).update(streak=3)
    services.advance(session=flat_scoring, actor=teacher)
    answer_correctly(ada, flat_scoring)
    services.reveal(session=flat_scoring, actor=teacher)
    assert reload(ada).streak == 4
    assert reload(bob).streak == 0


def test_a_missed_question_means_no_bonus_on_the_next(
    flat_scoring: LiveSession, teacher: User
) -> None:
    player = join(flat_scoring, "Ada")
    play_question(flat_scoring, teacher, player, correctly=True)
    services.advance(session=flat_scoring, actor=teacher)
    services.reveal(session=flat_scoring, actor=teacher)  # Ada did not answer
    third = play_question(flat_scoring, teacher, player, correctly=True)
    assert (third.bonus, third.answer.streak_after) == (0, 1)


# submit_answer: refusals


def test_a_second_answer_is_refused_and_the_first_kept(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    first = answer_wrongly(ada, live)
    with pytest.raises(services.AnswerRefused, match="already answered"):
        answer_correctly(ada, live)
    assert list(LiveAnswer.objects.values_list("pk", "is_correct")) == [(first.answer.pk, False)]
    assert reload(ada).score == 0


def test_a_choice_of_another_question_is_refused(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    first, second, _ = questions(live)
    with pytest.raises(services.AnswerRefused, match="options"):
        answer(ada, first, correct_choice(second))
    assert not LiveAnswer.objects.exists()
    assert reload(ada).score == 0


@pytest.mark.parametrize(
    ("question_id", "choice_id"), [("x", "1"), ("1", "y"), ("", ""), (None, None)]
)
def test_an_unreadable_answer_is_refused(
    live: LiveSession,
    ada: Player,
    question_open: LiveSession,
    question_id: object,
    choice_id: object,
) -> None:
    with pytest.raises(services.AnswerRefused):
        live_answer(player=ada, question_id=question_id, choice_id=choice_id)
    assert not LiveAnswer.objects.exists()


def test_answering_a_question_that_is_not_open_is_refused(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    _, second, _ = questions(live)
    with pytest.raises(services.AnswerRefused, match="closed"):
        answer(ada, second, correct_choice(second))
    assert not LiveAnswer.objects.exists()


def test_answering_in_the_lobby_is_refused(live: LiveSession, ada: Player) -> None:
    first = questions(live)[0]
    with pytest.raises(services.AnswerRefused, match="closed"):
        answer(ada, first, correct_choice(first))


def test_answering_after_the_reveal_is_refused(
    live: LiveSession, teacher: User, ada: Player, question_open: LiveSession
) -> None:
    question = fresh(live).current_question
    services.reveal(session=live, actor=teacher)
    with pytest.raises(services.AnswerRefused, match="closed"):
        answer(ada, question, correct_choice(question))
    assert not LiveAnswer.objects.exists()


def test_answering_after_the_deadline_and_its_grace_is_refused(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    deadline_in(live, -1)
    with pytest.raises(services.AnswerRefused, match="Time is up"):
        answer_correctly(ada, live)
    assert not LiveAnswer.objects.exists()
    assert reload(ada).score == 0


def test_a_kicked_player_cannot_answer(
    live: LiveSession, teacher: User, ada: Player, question_open: LiveSession
) -> None:
    services.kick(session=live, actor=teacher, player_id=ada.pk)
    with pytest.raises(services.Kicked):
        answer_correctly(ada, live)  # the caller's Player object still says kicked=False
    assert not LiveAnswer.objects.exists()


# Automatic reveal


def test_reveal_if_due_waits_while_players_are_still_answering(
    live: LiveSession, ada: Player, bob: Player, question_open: LiveSession
) -> None:
    answer_correctly(ada, live)
    assert services.reveal_if_due(fresh(live)) is False
    assert fresh(live).state == State.QUESTION


def test_reveal_if_due_reveals_once_everybody_answered(
    live: LiveSession, ada: Player, bob: Player, question_open: LiveSession
) -> None:
    answer_correctly(ada, live)
    answer_wrongly(bob, live)
    assert services.reveal_if_due(fresh(live)) is True
    assert fresh(live).state == State.REVEAL


def test_kicked_players_are_not_waited_for(
    live: LiveSession,
    teacher: User,
    ada: Player,
    bob: Player,
    question_open: LiveSession,
) -> None:
    answer_correctly(ada, live)
    services.kick(session=live, actor=teacher, player_id=bob.pk)
    assert services.reveal_if_due(fresh(live)) is True


def test_reveal_if_due_reveals_when_the_deadline_passed(
    live: LiveSession, ada: Player, bob: Player, question_open: LiveSession
) -> None:
    answer_correctly(ada, live)
    time_is_up(live)
    assert services.reveal_if_due(fresh(live)) is True
    assert fresh(live).state == State.REVEAL
    assert reload(bob).streak == 0


def test_reveal_if_due_waits_out_the_grace_for_answers_sent_as_time_ran_out(
    live: LiveSession, ada: Player, bob: Player, question_open: LiveSession
) -> None:
    answer_correctly(ada, live)
    deadline_in(live, -0.01)
    assert services.reveal_if_due(fresh(live)) is False
    assert answer_correctly(bob, live).answer.is_correct  # tapped at zero, arrived now
    assert services.reveal_if_due(fresh(live)) is True


def test_reveal_if_due_reveals_an_empty_room_when_time_is_up(
    live: LiveSession, teacher: User
) -> None:
    services.advance(session=live, actor=teacher)
    assert services.reveal_if_due(fresh(live)) is False  # no players: wait for the timer
    time_is_up(live)
    assert services.reveal_if_due(fresh(live)) is True


def test_reveal_if_due_reveals_only_once(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    time_is_up(live)
    stale = fresh(live)
    assert services.reveal_if_due(stale) is True
    version = fresh(live).version
    assert services.reveal_if_due(stale) is False  # a second process with an old copy
    assert fresh(live).version == version


def test_reveal_if_due_does_nothing_outside_a_question(live: LiveSession, ada: Player) -> None:
    assert services.reveal_if_due(fresh(live)) is False
    assert fresh(live).state == State.LOBBY


# end


def test_ending_a_session_stamps_it_and_frees_its_join_code(
    live: LiveSession, teacher: User, test_quiz: Quiz
) -> None:
    before = timezone.now()
    ended = services.end(session=live, actor=teacher)
    assert ended.state == State.FINISHED
    assert before <= fresh(live).ended_at <= timezone.now()

    again = LiveSession.objects.create(quiz=test_quiz, host=teacher, join_code=live.join_code)
    assert services.get_open_session(live.join_code) == again
    assert join(again, "Ada").session == again


def test_an_ended_session_is_no_longer_open(live: LiveSession, teacher: User) -> None:
    services.end(session=live, actor=teacher)
    assert live not in services.open_sessions()
    with pytest.raises(services.SessionNotFound):
        services.get_open_session(live.join_code)


# Option counts (in the reveal's snapshot) and answer_count


def revealed_counts(session: LiveSession, teacher: User) -> list[services.OptionCount]:
    services.reveal(session=session, actor=teacher)
    return presenters.build_snapshot(session.pk).counts


def test_option_counts_count_each_choice_of_the_current_question(
    live: LiveSession,
    teacher: User,
    ada: Player,
    bob: Player,
    question_open: LiveSession,
) -> None:
    cy = join(live, "Cy")
    eve = join(live, "Eve")
    answer_correctly(ada, live)
    answer_correctly(bob, live)
    answer_wrongly(cy, live)
    answer_wrongly(eve, live)
    services.kick(session=live, actor=teacher, player_id=eve.pk)  # a kicked answer counts not
    question = fresh(live).current_question
    counts = revealed_counts(live, teacher)
    assert [c.choice.pk for c in counts] == list(
        question.choices.order_by("order").values_list("pk", flat=True)
    )
    by_choice = {c.choice.pk: (c.count, c.percent) for c in counts}
    assert by_choice[correct_choice(question).pk] == (2, 67)
    assert by_choice[wrong_choice(question).pk] == (1, 33)
    assert sum(c.count for c in counts) == 3
    assert [c.choice.letter for c in counts] == ["A", "B", "C", "D"]


def test_option_counts_are_zero_when_nobody_answered(
    live: LiveSession, teacher: User, question_open: LiveSession
) -> None:
    counts = revealed_counts(live, teacher)
    assert len(counts) == 4
    assert all((c.count, c.percent) == (0, 0) for c in counts)


def test_no_option_counts_before_the_reveal(live: LiveSession, question_open: LiveSession) -> None:
    assert presenters.build_snapshot(live.pk).counts == []


def test_answer_count_counts_answers_to_the_current_question_only(
    live: LiveSession,
    teacher: User,
    ada: Player,
    bob: Player,
    question_open: LiveSession,
) -> None:
    assert services.answer_count(fresh(live)) == 0
    answer_correctly(ada, live)
    assert services.answer_count(fresh(live)) == 1
    answer_wrongly(bob, live)
    assert services.answer_count(fresh(live)) == 2
    services.reveal(session=live, actor=teacher)
    services.advance(session=live, actor=teacher)
    assert services.answer_count(fresh(live)) == 0


def test_answer_count_leaves_out_kicked_players(
    live: LiveSession,
    teacher: User,
    ada: Player,
    bob: Player,
    question_open: LiveSession,
) -> None:
    answer_correctly(ada, live)
    answer_correctly(bob, live)
    services.kick(session=live, actor=teacher, player_id=bob.pk)
    assert services.answer_count(fresh(live)) == 1


def test_answer_count_is_zero_in_the_lobby(live: LiveSession, ada: Player) -> None:
    assert services.answer_count(live) == 0


# ranking


def test_the_ranking_orders_by_score_then_by_who_joined_first(
    live: LiveSession, teacher: User
) -> None:
    players = {name: join(live, name) for name in ("Ada", "Bob", "Cy", "Dee", "Eve")}
    for name, score in {"Ada": 500, "Bob": 900, "Cy": 500, "Dee": 0, "Eve": 1200}.items():
        Player.objects.filter(pk=players[name].pk).update(score=score)
    services.kick(session=live, actor=teacher, player_id=players["Eve"].pk)

    assert [p.nickname for p in services.ranking(live)] == ["Bob", "Ada", "Cy", "Dee"]


def test_with_instant_verdicts_an_answer_outcome_reports_the_players_new_rank(
    live: LiveSession, ada: Player, bob: Player, question_open: LiveSession
) -> None:
    LiveSession.objects.filter(pk=live.pk).update(instant_verdicts=True)
    assert answer_correctly(ada, live).rank == 1
    assert answer_wrongly(bob, live).rank == 2


def test_without_instant_verdicts_no_rank_is_counted_before_the_reveal(
    live: LiveSession, ada: Player, question_open: LiveSession
) -> None:
    assert answer_correctly(ada, live).rank is None
