"""The learners' pages over plain HTTP (no JavaScript): accounts, the lesson's learning
modes, progress and review, driven with Django's test client through the same forms."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning.models import ReviewCard
from quiz.models import Attempt, Question, Quiz
from tests.factories import (
    correct_choice,
    instructor,
    ordered_questions,
    signed_in,
    wrong_choice,
)

pytestmark = pytest.mark.django_db

LESSON = "/lessons/asgi-vs-wsgi/"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> Iterator[None]:
    # Production's count over a day: a one-minute window could roll over mid-test.
    settings.RATELIMIT_LOGIN = "10/d"
    cache.clear()
    yield
    cache.clear()


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def attempt_from(response: Any) -> Attempt:
    assert response.status_code == 302, response.content
    match = re.fullmatch(r"/attempts/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return Attempt.objects.get(pk=match.group(1))


def start_quiz(client: Client, slug: str) -> Attempt:
    return attempt_from(client.post(reverse("quiz:start", args=[slug])))


def start_mode(client: Client, kind: str) -> Attempt:
    return attempt_from(client.post(reverse("learning:start", args=["asgi-vs-wsgi", kind])))


def answer_all(
    client: Client, attempt: Attempt, questions: list[Question], wrong: set[int]
) -> None:
    for number, question in enumerate(questions, start=1):
        client.get(reverse("quiz:play", args=[attempt.pk]), {"action": "next"})
        choice = wrong_choice(question) if number in wrong else correct_choice(question)
        response = client.post(
            reverse("quiz:answer", args=[attempt.pk]),
            {"question": question.pk, "choice": choice.pk},
        )
        assert response.status_code == 302
    if not attempt.quiz.is_practice:  # a test ends at "Submit all", ticked
        submitted = client.post(reverse("quiz:submit", args=[attempt.pk]), {"confirm": "on"})
        assert submitted["Location"] == reverse("quiz:results", args=[attempt.pk])


def practise(client: Client, quiz: Quiz, wrong: set[int] = frozenset()) -> Attempt:  # type: ignore[assignment]
    attempt = start_quiz(client, quiz.slug)
    answer_all(client, attempt, ordered_questions(quiz), wrong)
    return attempt


def drawn(attempt: Attempt) -> list[Question]:
    return [d.question for d in attempt.drawn.select_related("question").order_by("order")]


def make_all_due() -> None:
    ReviewCard.objects.update(due=timezone.now() - timedelta(seconds=1))


def sign_up(client: Client, username: str = "ada") -> Any:
    return client.post(
        reverse("learning:sign_up"),
        {
            "username": username,
            "email": f"{username}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


# Accounts


def test_the_header_offers_sign_in_then_sign_out(client: Client, seeded: None) -> None:
    assert 'href="/account/sign-in/"' in text_of(client.get("/"))
    sign_up(client)
    page = text_of(client.get("/"))
    assert "Sign out (ada)" in page
    assert 'action="/account/sign-out/"' in page


def test_sign_up_signs_in_and_keeps_what_the_visitor_did(
    client: Client, practice_quiz: Quiz
) -> None:
    practise(client, practice_quiz, wrong={2})
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:progress")
    user = User.objects.get(username="ada")
    assert Attempt.objects.filter(user=user).count() == 1
    assert ReviewCard.objects.filter(user=user).count() == 5
    assert "Welcome, ada" in text_of(client.get(response["Location"]))


def test_sign_up_errors_are_announced_next_to_their_fields(client: Client, db: None) -> None:
    response = client.post(
        reverse("learning:sign_up"),
        {"username": "ada", "password1": PASSWORD, "password2": "something else"},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert "didn’t match" in page or "didn't match" in page
    assert '<label for="id_username">' in page
    assert "csrfmiddlewaretoken" in page


def test_signing_in_twice_moves_the_visitors_data_once(client: Client, practice_quiz: Quiz) -> None:
    user = User.objects.create_user("ada", password=PASSWORD)
    practise(client, practice_quiz, wrong={1})
    for _ in range(2):
        response = client.post(
            reverse("learning:sign_in"), {"username": "ada", "password": PASSWORD}
        )
        assert response.status_code == 302
        client.post(reverse("learning:sign_out"))
    assert Attempt.objects.count() == 1
    assert Attempt.objects.filter(user=user).count() == 1
    assert ReviewCard.objects.count() == 5
    assert ReviewCard.objects.filter(user=user).count() == 5


def test_a_wrong_password_is_refused_with_an_alert(client: Client, db: None) -> None:
    User.objects.create_user("ada", password=PASSWORD)
    response = client.post(reverse("learning:sign_in"), {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in text_of(response)
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_keeps_the_progress_in_the_account(
    client: Client, practice_quiz: Quiz
) -> None:
    sign_up(client)
    practise(client, practice_quiz)
    assert client.get(reverse("learning:sign_out")).status_code == 405
    assert client.post(reverse("learning:sign_out")).status_code == 302
    assert "from 5 answers" not in text_of(client.get(reverse("learning:progress")))
    client.post(reverse("learning:sign_in"), {"username": "ada", "password": PASSWORD})
    assert "from 5 answers" in text_of(client.get(reverse("learning:progress")))


def test_password_guessing_is_slowed_to_ten_tries_per_address(client: Client, db: None) -> None:
    User.objects.create_user("ada", password=PASSWORD)
    for _ in range(10):
        client.post(reverse("learning:sign_in"), {"username": "ada", "password": "guess"})
    response = client.post(reverse("learning:sign_in"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many tries from here" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_sign_ups_are_limited_per_address_too(client: Client, db: None) -> None:
    for number in range(10):
        sign_up(client, f"user{number}")
        client.post(reverse("learning:sign_out"))
    response = sign_up(client, "one-too-many")
    assert "Too many tries from here" in text_of(response)
    assert not User.objects.filter(username="one-too-many").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/account/sign-in/",
        "/account/sign-up/",
        "/account/password-reset/",
        "/lessons/asgi-vs-wsgi/learn/pattern/",
    ],
)
def test_every_form_needs_its_csrf_token(url: str, seeded: None) -> None:
    assert Client(enforce_csrf_checks=True).post(url, {}).status_code == 403


def test_password_reset_mails_a_link_that_sets_a_new_password(client: Client, db: None) -> None:
    User.objects.create_user("ada", email="ada@example.org", password=PASSWORD)
    response = client.post(reverse("learning:password_reset"), {"email": "ada@example.org"})
    assert response["Location"] == reverse("learning:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/reset/\S+/)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in text_of(form_page)
    new = "an entirely new pass phrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("learning:password_reset_complete")
    assert client.login(username="ada", password=new)


def test_password_reset_for_an_unknown_address_sends_nothing(client: Client, db: None) -> None:
    response = client.post(reverse("learning:password_reset"), {"email": "who@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


# The lesson page and the home page


def test_the_lesson_page_shows_the_learners_mastery_and_modes(
    client: Client, practice_quiz: Quiz
) -> None:
    page = text_of(client.get(LESSON))
    assert "Not enough evidence yet" in page
    assert "Test this pattern" in page
    assert '<span class="due-count">nothing due</span>' in page
    practise(client, practice_quiz, wrong={2})
    page = text_of(client.get(LESSON))
    assert "Getting there" in page or "Strong" in page
    assert "from 5 answers" in page
    assert "Retry my mistakes (1)" in page
    make_all_due()
    page = text_of(client.get(LESSON))
    assert "Review what is due (5)" in page


def test_the_home_page_says_how_many_are_due(client: Client, practice_quiz: Quiz) -> None:
    assert "Nothing due for review" in text_of(client.get("/"))
    practise(client, practice_quiz)
    make_all_due()
    assert "5 questions due for review" in text_of(client.get("/"))


def test_another_browser_sees_none_of_it(client: Client, practice_quiz: Quiz) -> None:
    practise(client, practice_quiz, wrong={2})
    page = text_of(Client().get(LESSON))
    assert "Not enough evidence yet" in page
    assert "Retry my mistakes: none" in page


# The learning modes, without JavaScript


def test_test_this_pattern_runs_as_a_test_and_ends_with_a_verdict(
    client: Client, seeded: None
) -> None:
    attempt = start_mode(client, "pattern")
    questions = drawn(attempt)
    assert len(questions) == 8
    play = text_of(client.get(reverse("quiz:play", args=[attempt.pk])))
    assert "Question 1 of 8" in play
    first = questions[0]
    response = client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": first.pk, "choice": correct_choice(first).pk},
    )
    # Test mode: no feedback, on to the next question.
    assert response["Location"] == reverse("quiz:play", args=[attempt.pk])
    assert "Correct" not in text_of(client.get(response["Location"]))
    answer_all(client, attempt, questions[1:], wrong=set())
    results = text_of(client.get(reverse("quiz:results", args=[attempt.pk])))
    assert "You scored 8 of 8" in results
    assert "Yes: this pattern is strong." in results
    assert "Try again" not in results


def test_a_weak_pattern_test_says_not_yet(client: Client, seeded: None) -> None:
    attempt = start_mode(client, "pattern")
    answer_all(client, attempt, drawn(attempt), wrong={1, 2, 3, 4, 5})
    results = text_of(client.get(reverse("quiz:results", args=[attempt.pk])))
    assert "Not yet: needs work." in results


def test_a_normal_quiz_has_no_verdict(client: Client, practice_quiz: Quiz) -> None:
    attempt = practise(client, practice_quiz)
    assert "Is this pattern strong?" not in text_of(
        client.get(reverse("quiz:results", args=[attempt.pk]))
    )


def test_review_runs_what_is_due_with_instant_feedback(client: Client, practice_quiz: Quiz) -> None:
    practise(client, practice_quiz, wrong={2, 4})
    ReviewCard.objects.filter(last_rating=1).update(due=timezone.now() - timedelta(seconds=1))
    review = text_of(client.get(reverse("learning:review")))
    assert "2 questions due for review across all lessons" in review
    attempt = start_mode(client, "review")
    questions = drawn(attempt)
    assert [q.order for q in questions] == [2, 4]
    response = client.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": questions[0].pk, "choice": correct_choice(questions[0]).pk},
    )
    feedback = text_of(client.get(response["Location"]))
    assert "Correct" in feedback
    assert "Question 1 of 2" in feedback
    # The answered card moved on; the other is still due.
    review = text_of(client.get(reverse("learning:review")))
    assert "1 question due for review across all lessons" in review


def test_retry_my_mistakes_runs_only_the_wrong_ones(client: Client, practice_quiz: Quiz) -> None:
    practise(client, practice_quiz, wrong={3})
    attempt = start_mode(client, "mistakes")
    assert [q.order for q in drawn(attempt)] == [3]
    answer_all(client, attempt, drawn(attempt), wrong=set())
    assert "Retry my mistakes: none" in text_of(client.get(LESSON))


def test_a_mode_with_nothing_to_run_explains_on_the_lesson_page(
    client: Client, seeded: None
) -> None:
    response = client.post(reverse("learning:start", args=["asgi-vs-wsgi", "review"]))
    assert response["Location"] == LESSON
    assert "Nothing is due for review in this lesson." in text_of(client.get(LESSON))


def test_an_unknown_mode_is_not_found(client: Client, seeded: None) -> None:
    assert client.post("/lessons/asgi-vs-wsgi/learn/cram/").status_code == 404


def test_a_modes_page_says_what_it_is_and_starts_it_only_by_post(
    client: Client, seeded: None
) -> None:
    url = reverse("learning:start", args=["asgi-vs-wsgi", "pattern"])
    page = client.get(url)
    assert "Start: Test this pattern" in text_of(page)
    assert not Attempt.objects.exists()
    assert client.put(url).status_code == 405
    assert attempt_from(client.post(url)).quiz.draws_questions


def test_the_lesson_page_sets_no_cookie_for_a_new_reader(client: Client, seeded: None) -> None:
    """No form with a CSRF token for a reader without a cookie: the page stays shareable
    (make run-split's page cache stores no response that sets a cookie)."""
    page = client.get(LESSON)
    assert page.status_code == 200
    assert not page.cookies
    assert "csrfmiddlewaretoken" not in page.content.decode()


def test_someone_elses_drawn_run_is_not_found(client: Client, seeded: None) -> None:
    attempt = start_mode(client, "pattern")
    assert Client().get(reverse("quiz:play", args=[attempt.pk])).status_code == 404


def test_the_progress_page_lists_mastery_attempts_and_due(
    client: Client, practice_quiz: Quiz
) -> None:
    practise(client, practice_quiz)
    make_all_due()
    page = text_of(client.get(reverse("learning:progress")))
    assert "ASGI vs WSGI" in page
    assert re.search(r"<dt>Attempts</dt><dd>1</dd>", page)
    assert re.search(r"<dt>Due for review</dt><dd>5</dd>", page)
    assert "from 5 answers" in page


def test_a_finished_review_says_what_is_still_due(client: Client, practice_quiz: Quiz) -> None:
    practise(client, practice_quiz, wrong={2, 4})
    ReviewCard.objects.filter(last_rating=1).update(due=timezone.now() - timedelta(seconds=1))
    attempt = start_mode(client, "review")
    answer_all(client, attempt, drawn(attempt), wrong=set())
    results_url = reverse("quiz:results", args=[attempt.pk])
    assert "Nothing else is due for review" in text_of(client.get(results_url))
    # Meanwhile another card's time comes (another lesson's, or this one's later).
    ReviewCard.objects.filter(question__order=1).update(due=timezone.now())
    results = text_of(client.get(results_url))
    assert "1 more question due for review." in results
    assert 'href="/review/">Go on reviewing' in results


def test_staff_with_the_view_permission_see_the_review_cards_read_only(
    client: Client, practice_quiz: Quiz
) -> None:
    practise(client, practice_quiz)
    teacher = instructor("teacher")
    assert signed_in(teacher).get("/admin/learning/reviewcard/").status_code == 403
    teacher.user_permissions.add(Permission.objects.get(codename="view_reviewcard"))
    staff = signed_in(teacher)
    changelist = staff.get(reverse("admin:learning_reviewcard_changelist"))
    assert changelist.status_code == 200
    assert "5 review cards" in text_of(changelist)
    card = ReviewCard.objects.first()
    assert card is not None
    change = staff.post(reverse("admin:learning_reviewcard_change", args=[card.pk]), {})
    assert change.status_code == 403
    assert client.get(reverse("admin:learning_reviewcard_changelist")).status_code == 302
