"""The lesson page caches its sections and still shows every edit at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lessons.models import Lesson, Section
from quiz.models import Difficulty, Question, Quiz

pytestmark = pytest.mark.django_db

URL = "/lessons/asgi-vs-wsgi/"


def test_a_second_view_renders_the_sections_from_the_cache(client: Client, seeded: None) -> None:
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()
    assert "Optimization Tips" in page
    assert not any("lessons_section" in query["sql"] for query in queries)


def test_an_edited_section_shows_on_the_next_view(client: Client, seeded: None) -> None:
    client.get(URL)
    section = Section.objects.get(heading="Optimization Tips")
    section.heading = "Three ways to go faster"
    section.save()
    assert "Three ways to go faster" in client.get(URL).content.decode()


def test_a_deleted_section_disappears_on_the_next_view(client: Client, seeded: None) -> None:
    client.get(URL)
    Section.objects.get(heading="Optimization Tips").delete()
    assert "Optimization Tips" not in client.get(URL).content.decode()


def test_reloading_the_content_file_refreshes_the_cached_sections(
    client: Client, seeded: None
) -> None:
    from django.core.management import call_command

    lesson = Lesson.objects.get()
    Section.objects.filter(lesson=lesson, heading="Optimization Tips").update(heading="Stale")
    lesson.touch()
    assert "Stale" in client.get(URL).content.decode()
    call_command("load_content", verbosity=0)
    assert "Optimization Tips" in client.get(URL).content.decode()


# The quiz cards (modes, question counts, difficulty mixes) are cached with the sections


def quiz_tables_read(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if "quiz_quiz" in q["sql"] or "quiz_question" in q["sql"]]


def test_a_second_view_renders_the_quiz_cards_from_the_cache(client: Client, seeded: None) -> None:
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()
    assert "5 questions" in page
    assert quiz_tables_read(queries) == []
    assert len(queries) == 1  # the lesson itself, whose updated_at keys the cache


def test_a_renamed_quiz_shows_on_the_next_view(client: Client, practice_quiz: Quiz) -> None:
    client.get(URL)
    practice_quiz.title = "Warm-up round"
    practice_quiz.save()
    assert "Warm-up round" in client.get(URL).content.decode()


def test_an_unpublished_quiz_leaves_the_page_on_the_next_view(
    client: Client, practice_quiz: Quiz
) -> None:
    assert practice_quiz.get_absolute_url() in client.get(URL).content.decode()
    practice_quiz.published = False
    practice_quiz.save()
    assert practice_quiz.get_absolute_url() not in client.get(URL).content.decode()


def test_a_quiz_moved_to_another_lesson_leaves_this_page(
    client: Client, practice_quiz: Quiz
) -> None:
    client.get(URL)
    other = Lesson.objects.create(slug="other", title="Other", category="Django")
    practice_quiz.lesson = other
    practice_quiz.save()
    assert practice_quiz.get_absolute_url() not in client.get(URL).content.decode()


def test_an_added_and_a_deleted_question_change_the_count_on_the_next_view(
    client: Client, practice_quiz: Quiz
) -> None:
    assert "5 questions" in client.get(URL).content.decode()
    question = Question.objects.create(
        quiz=practice_quiz, order=6, prompt="A new question?", difficulty=Difficulty.HARD
    )
    assert "6 questions" in client.get(URL).content.decode()
    question.delete()
    assert "5 questions" in client.get(URL).content.decode()


def test_a_questions_new_difficulty_shows_in_the_mix_on_the_next_view(
    client: Client, practice_quiz: Quiz
) -> None:
    client.get(URL)
    for question in practice_quiz.questions.all():
        question.difficulty = Difficulty.HARD
        question.save()
    cards = client.get(URL).content.decode().split('class="modes"')[1].split("</section>")[0]
    practice_card = cards.split(practice_quiz.get_absolute_url())[1].split("</li>")[0]
    assert ">5 hard<" in practice_card
    assert "easy" not in practice_card


def test_quizzes_deleted_in_bulk_leave_the_page_on_the_next_view(
    client: Client, seeded: None
) -> None:
    empty = Quiz.objects.create(
        lesson=Lesson.objects.get(), slug="extra", title="Extra round", order=9
    )
    assert "Extra round" in client.get(URL).content.decode()

    Quiz.objects.filter(pk=empty.pk).delete()  # what the admin's "delete selected" does

    assert "Extra round" not in client.get(URL).content.decode()


def test_questions_deleted_in_bulk_change_the_count_on_the_next_view(
    client: Client, practice_quiz: Quiz
) -> None:
    Question.objects.create(quiz=practice_quiz, order=6, prompt="Six?", difficulty="easy")
    Question.objects.create(quiz=practice_quiz, order=7, prompt="Seven?", difficulty="easy")
    assert "7 questions" in client.get(URL).content.decode()

    Question.objects.filter(order__gte=6, quiz=practice_quiz).delete()

    assert "5 questions" in client.get(URL).content.decode()


def test_a_question_moved_to_another_lessons_quiz_leaves_this_pages_count(
    client: Client, practice_quiz: Quiz
) -> None:
    other_lesson = Lesson.objects.create(slug="other", title="Other", category="Django")
    other_quiz = Quiz.objects.create(lesson=other_lesson, slug="other-quiz", title="Other quiz")
    assert "5 questions" in client.get(URL).content.decode()

    question = practice_quiz.questions.order_by("order").last()
    question.quiz = other_quiz
    question.order = 1
    question.save()

    assert "4 questions" in client.get(URL).content.decode()


def test_sections_deleted_in_bulk_disappear_on_the_next_view(client: Client, seeded: None) -> None:
    client.get(URL)
    Section.objects.filter(heading="Optimization Tips").delete()
    assert "Optimization Tips" not in client.get(URL).content.decode()
