"""CSV exports, streamed a row at a time: a big class is never all in memory.

UTF-8 with a byte order mark: Excel reads a CSV without one in the machine's legacy
code page and garbles every accent and emoji; LibreOffice, Google Sheets, pandas
(encoding="utf-8-sig") and Python's csv with that codec take the mark in their stride.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from string import ascii_uppercase

from django.utils import timezone

from live.models import LiveAnswer, LiveSession
from quiz.models import Quiz, Response
from reports import sessions
from reports.selectors import Analysis, Source

BOM = "\ufeff"
# OWASP's CSV injection list: a spreadsheet runs a cell starting with one of these as a
# formula (a tab or carriage return first hides one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

Cell = str | int | float | None


def safe_cell(value: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula, made text with a leading
    apostrophe. Numbers are written as numbers (a negative index stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _Line:
    """csv.writer's file: hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[Iterable[Cell]]) -> Iterator[str]:
    """The BOM, then each row as one guarded CSV line."""
    writer = csv.writer(_Line())
    yield BOM
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def iso(moment: datetime) -> str:
    """ISO 8601 with the site's time zone's offset."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def seconds(ms: float | None) -> float | None:
    return None if ms is None else round(ms / 1000, 1)


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


# A quiz's answers, one row per response


RESPONSE_HEADER = [
    "source",
    "who",
    "attempt",
    "answered at",
    "quiz",
    "question",
    "prompt",
    "option",
    "option text",
    "correct",
    "time (s)",
    "hint used",
]


def response_rows(*, quiz: Quiz, source: Source) -> Iterator[Sequence[Cell]]:
    """Every stored answer to the quiz (unfinished attempts and open sessions too: this
    is the raw record; the analysis reads the finished ones). Self-paced: the user's
    name or "anonymous", and the attempt's first 8 characters; live: the nickname and
    the session's join code."""
    letters = {
        choice.pk: ascii_uppercase[position % 26]
        for question in quiz.questions.prefetch_related("choices")
        for position, choice in enumerate(question.choices.all())
    }
    yield RESPONSE_HEADER
    if source in (Source.ALL, Source.SELF_PACED):
        responses = (
            Response.objects.filter(question__quiz=quiz, attempt__quiz=quiz)
            .select_related("attempt__user", "question", "choice")
            .order_by("attempt__started_at", "attempt_id", "question__order")
        )
        for response in responses.iterator(chunk_size=CHUNK):
            user = response.attempt.user
            yield [
                "self-paced",
                user.get_username() if user else "anonymous",
                str(response.attempt_id)[:8],
                iso(response.answered_at),
                quiz.title,
                response.question.order,
                response.question.prompt,
                letters.get(response.choice_id, "?"),
                response.choice.text,
                yes_no(response.is_correct),
                seconds(response.time_taken_ms),
                yes_no(response.hint_used),
            ]
    if source in (Source.ALL, Source.LIVE):
        answers = (
            LiveAnswer.objects.filter(question__quiz=quiz)
            .select_related("player__session", "question", "choice")
            .order_by("player__session__created_at", "player_id", "question__order")
        )
        for answer in answers.iterator(chunk_size=CHUNK):
            yield [
                "live",
                answer.player.nickname,
                f"live {answer.player.session.join_code}",
                iso(answer.answered_at),
                quiz.title,
                answer.question.order,
                answer.question.prompt,
                letters.get(answer.choice_id, "?"),
                answer.choice.text,
                yes_no(answer.is_correct),
                seconds(answer.elapsed_ms),
                "n/a",
            ]


# The item analysis, one row per option


ANALYSIS_HEADER = [
    "question",
    "prompt",
    "responses",
    "facility",
    "discrimination",
    "weak discrimination",
    "average time (s)",
    "hint use",
    "option",
    "option text",
    "correct option",
    "picks",
    "share",
    "feedback",
]


def analysis_rows(result: Analysis) -> Iterator[Sequence[Cell]]:
    """The question's numbers repeated on each of its options' rows, so that a
    spreadsheet's filter on any column keeps whole rows."""
    yield ANALYSIS_HEADER
    for stat in result.questions:
        hint_use: Cell = rounded(stat.hint_share) if stat.hints_recorded else "n/a"
        for option in stat.options:
            yield [
                stat.number,
                stat.question.prompt,
                stat.responses,
                rounded(stat.facility),
                rounded(stat.discrimination),
                yes_no(stat.weak),
                seconds(stat.average_ms),
                hint_use,
                option.letter,
                option.text,
                yes_no(option.is_correct),
                option.count,
                rounded(option.share),
                option.feedback,
            ]


# A live session's results, one row per player


def session_rows(session: LiveSession) -> Iterator[Sequence[Cell]]:
    """Rank, nickname, score, counts and mean time, then each question's chosen
    option and verdict ("" where the player did not answer)."""
    questions = list(session.quiz.questions.order_by("order").prefetch_related("choices"))
    letters = {
        choice.pk: ascii_uppercase[position % 26]
        for question in questions
        for position, choice in enumerate(question.choices.all())
    }
    # One class's answers: a few thousand rows at most, read in one query.
    chosen: dict[int, dict[int, tuple[str, bool]]] = defaultdict(dict)
    for player_id, question_id, choice_id, correct in LiveAnswer.objects.filter(
        player__session=session
    ).values_list("player_id", "question_id", "choice_id", "is_correct"):
        chosen[player_id][question_id] = (letters.get(choice_id, "?"), correct)
    yield [
        "rank",
        "nickname",
        "score",
        "correct",
        "answered",
        "average time (s)",
        *(
            column
            for question in questions
            for column in (f"Q{question.order} option", f"Q{question.order} correct")
        ),
    ]
    for row in sessions.player_rows(session):
        answers = chosen.get(row.player_id, {})
        cells: list[Cell] = [
            row.rank,
            row.nickname,
            row.score,
            row.correct,
            row.answered,
            seconds(row.average_ms),
        ]
        for question in questions:
            if question.pk in answers:
                letter, correct = answers[question.pk]
                cells += [letter, yes_no(correct)]
            else:
                cells += ["", ""]
        yield cells
