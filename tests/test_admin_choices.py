"""Authoring options in the admin: a default difficulty, orders numbered when left blank."""

from __future__ import annotations

import pytest
from django.test import Client

from quiz.models import Difficulty, Question, Quiz
from tests.test_admin import ADD_URL, AdminForm, author, change_form, new_question_form

pytestmark = pytest.mark.django_db
__all__ = ["author"]  # the fixture, imported for this module's tests


def test_a_new_question_is_medium_unless_the_author_says_otherwise(
    author: Client, practice_quiz: Quiz
) -> None:
    assert AdminForm(author, ADD_URL).data["difficulty"] == Difficulty.MEDIUM
    question = Question.objects.create(quiz=practice_quiz, order=9, prompt="Which?")
    assert question.difficulty == Difficulty.MEDIUM


def test_options_left_without_an_order_are_numbered_in_the_rows_order(
    author: Client, practice_quiz: Quiz
) -> None:
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order="", text="Daphne", correct=True)
    form.set_choice(1, order="", text="mod_wsgi")
    form.set_choice(2, order="", text="CGI")

    assert form.post(author).status_code == 302

    question = practice_quiz.questions.get(order=6)
    assert list(question.choices.values_list("order", "text")) == [
        (1, "Daphne"),
        (2, "mod_wsgi"),
        (3, "CGI"),
    ]


def test_a_new_option_without_an_order_goes_after_the_existing_ones(
    author: Client, practice_quiz: Quiz
) -> None:
    question = practice_quiz.questions.get(order=1)
    form = change_form(author, question)
    blank_row = form.total_forms - 1  # the admin's empty extra rows come last
    form.set_choice(blank_row, order="", text="None of these")

    assert form.post(author).status_code == 302

    assert list(question.choices.values_list("order", flat=True)) == [1, 2, 3, 4, 5]
    assert question.choices.get(order=5).text == "None of these"


def test_a_typed_order_is_kept_and_blank_ones_follow_the_highest(
    author: Client, practice_quiz: Quiz
) -> None:
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order="", text="Daphne", correct=True)
    form.set_choice(1, order=7, text="mod_wsgi")

    assert form.post(author).status_code == 302

    question = practice_quiz.questions.get(order=6)
    assert list(question.choices.values_list("order", "text")) == [(7, "mod_wsgi"), (8, "Daphne")]


def test_the_question_page_links_to_its_preview_and_loads_the_order_buttons(
    author: Client, practice_quiz: Quiz
) -> None:
    question = practice_quiz.questions.get(order=1)
    page = author.get(f"/admin/quiz/question/{question.pk}/change/").content.decode()
    assert f'href="/preview/questions/{question.pk}/">Preview as a student</a>' in page
    assert "js/choice_order.js" in page
    assert "css/admin.css" in page
