"""Times on the results page read as seconds and minutes, never as raw milliseconds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, Quiz, Response
from quiz.templatetags.quiz_time import duration
from tests.factories import answer_all


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (0, "0.0 s"),
        (None, "0.0 s"),
        (840, "0.8 s"),
        (5129, "5.1 s"),
        (42_400, "42 s"),
        (60_000, "1 min"),
        (312_000, "5 min 12 s"),
        (3_780_000, "1 h 3 min"),
        (-5, "0.0 s"),
    ],
)
def test_a_duration_reads_as_people_say_it(ms: int | None, shown: str) -> None:
    assert duration(ms) == shown


@pytest.mark.django_db
def test_the_results_page_gives_the_time_in_seconds(practice_quiz: Quiz, client: Client) -> None:
    started = client.post(reverse("quiz:start", args=[practice_quiz.slug]))
    attempt = Attempt.objects.get(pk=started["location"].rstrip("/").rsplit("/", 1)[1])
    answer_all(attempt)
    Response.objects.filter(attempt=attempt).update(time_taken_ms=5129)
    page = client.get(reverse("quiz:results", args=[attempt.pk])).content.decode()
    assert "Time taken: 26 s over 5 answers." in page
    assert "<dd>5.1 s</dd>" in page
    assert " ms" not in page
