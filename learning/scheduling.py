"""Spaced review with FSRS (the `fsrs` package): an answer becomes a rating, a rating
moves the question's card. Pure functions: the services read and write the cards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict

# "Fast": a right answer without a hint in under ten seconds. A fixed bound, not the
# question's median time: a median needs other students' answers (a query on the answer
# path) and means nothing for the first students; ten seconds is reading a short prompt
# and four options once, without going back.
FAST_ANSWER_MS = 10_000

# No fuzzing: schedules are reproducible (and tested to the minute); fuzz spreads the
# reviews of decks of thousands of cards over days, which a lesson's few questions need not.
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(*, is_correct: bool, hint_used: bool, time_taken_ms: int) -> Rating:
    """wrong: Again; right with a hint: Hard; right: Good; right and fast: Easy."""
    if not is_correct:
        return Rating.Again
    if hint_used:
        return Rating.Hard
    return Rating.Easy if time_taken_ms < FAST_ANSWER_MS else Rating.Good


def reviewed(
    card: CardDict | dict[str, Any] | None, *, question_id: int, rating: Rating, now: datetime
) -> Card:
    """The card after this review; a question's first answer starts a new card."""
    # card_id is given: fsrs otherwise stamps the clock and sleeps a millisecond.
    current = Card.from_dict(card) if card else Card(card_id=question_id, due=now)  # type: ignore[arg-type]
    updated, _log = SCHEDULER.review_card(current, rating, review_datetime=now)
    return updated
