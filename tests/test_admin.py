"""Authors write questions in the real admin: its forms refuse broken questions, keep good ones."""

from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from quiz.models import Attempt, Choice, Question, Quiz, Response

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/quiz/question/add/"
FEWER_THAN_TWO = "Give at least 2 options with text."
NOT_EXACTLY_ONE = "Mark exactly one option as correct"


class FormReader(HTMLParser):
    """Collects what a browser would submit from one <form>: inputs, textareas, selects."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self.checkboxes: set[str] = set()
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = values.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = values.get("name", "")
        if tag == "input" and name:
            kind = values.get("type", "text")
            if kind == "checkbox":
                self.checkboxes.add(name)
                if "checked" in values:
                    self.data[name] = values.get("value") or "on"
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.data[name] = values.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = values.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in values:
                self.data[self._select] = value
                self._select_chosen = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen:
                self.data[self._select] = self._select_first or ""
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # Browsers drop the one newline that follows <textarea>.
            existing = self.data[self._textarea]
            self.data[self._textarea] = existing + (
                data.removeprefix("\n") if not existing else data
            )


class AdminForm:
    """The question form as rendered, ready to be edited and posted like a browser would."""

    def __init__(self, client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200
        reader = FormReader("question_form")
        reader.feed(response.content.decode())
        assert reader.data, "the question form was not found"
        # The formset template for "Add another" is not submitted by the browser either.
        self.data = {k: v for k, v in reader.data.items() if "__prefix__" not in k}
        prefixes = [k.removesuffix("-TOTAL_FORMS") for k in self.data if k.endswith("-TOTAL_FORMS")]
        assert len(prefixes) == 1, prefixes
        self.prefix = prefixes[0]
        self.url = url

    @property
    def total_forms(self) -> int:
        return int(self.data[f"{self.prefix}-TOTAL_FORMS"])

    def field(self, index: int, name: str) -> str:
        return f"{self.prefix}-{index}-{name}"

    def set_choice(self, index: int, *, order: int | str, text: str, correct: bool = False) -> None:
        self.data[self.field(index, "order")] = str(order)
        self.data[self.field(index, "text")] = text
        self.set_correct(index, correct=correct)

    def set_correct(self, index: int, *, correct: bool) -> None:
        if correct:
            self.data[self.field(index, "is_correct")] = "on"
        else:
            self.data.pop(self.field(index, "is_correct"), None)

    def index_of(self, choice: Choice) -> int:
        for index in range(self.total_forms):
            if self.data.get(self.field(index, "id")) == str(choice.pk):
                return index
        raise AssertionError(f"choice {choice.pk} is not in the form")

    def post(self, client: Client) -> Any:
        return client.post(self.url, {**self.data, "_save": "Save"})


@pytest.fixture
def author(client: Client, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_superuser(
        username=f"author-{secrets.token_hex(4)}",
        email="author@example.org",
        password=secrets.token_urlsafe(24),
    )
    client.force_login(user)
    return client


def new_question_form(author: Client, quiz: Quiz) -> AdminForm:
    form = AdminForm(author, ADD_URL)
    form.data.update(
        quiz=str(quiz.pk),
        order="6",
        difficulty="medium",
        prompt="Which server runs Django's ASGI application in this project?",
        language="python",
    )
    return form


def change_form(author: Client, question: Question) -> AdminForm:
    return AdminForm(author, f"/admin/quiz/question/{question.pk}/change/")


def quiz_page_question_count(client: Client, quiz: Quiz) -> int:
    content = client.get(quiz.get_absolute_url()).content.decode()
    match = re.search(r"<dt>Questions</dt>\s*<dd>(\d+)</dd>", content)
    assert match, "the quiz page does not show its question count"
    return int(match.group(1))


def errors_shown(response: Any) -> str:
    assert response.status_code == 200, "the form was accepted"
    return response.content.decode()


def nonform_errors(page: str) -> str:
    """The messages about the options as a whole, shown above the inline table."""
    return " ".join(re.findall(r'<ul class="errorlist nonform">(.*?)</ul>', page, re.DOTALL))


# Adding a question ------------------------------------------------------------------


def test_add_form_renders_the_choice_formset_with_empty_rows(author: Client, seeded: None) -> None:
    form = AdminForm(author, ADD_URL)

    assert form.prefix == "choices"
    assert form.total_forms >= 4
    assert form.data[f"{form.prefix}-INITIAL_FORMS"] == "0"


def test_a_question_with_one_option_is_refused(author: Client, practice_quiz: Quiz) -> None:
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order=1, text="Daphne", correct=True)

    page = errors_shown(form.post(author))

    assert FEWER_THAN_TWO in nonform_errors(page)
    assert practice_quiz.questions.count() == 5


def test_a_question_with_no_options_is_refused(author: Client, practice_quiz: Quiz) -> None:
    form = new_question_form(author, practice_quiz)

    page = errors_shown(form.post(author))

    assert FEWER_THAN_TWO in nonform_errors(page)
    assert practice_quiz.questions.count() == 5


def test_a_question_with_no_correct_option_is_refused(author: Client, practice_quiz: Quiz) -> None:
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order=1, text="Daphne")
    form.set_choice(1, order=2, text="Gunicorn with sync workers")

    page = errors_shown(form.post(author))

    assert NOT_EXACTLY_ONE in nonform_errors(page)
    assert practice_quiz.questions.count() == 5


def test_a_question_with_two_correct_options_is_refused(
    author: Client, practice_quiz: Quiz
) -> None:
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order=1, text="Daphne", correct=True)
    form.set_choice(1, order=2, text="Uvicorn", correct=True)
    form.set_choice(2, order=3, text="mod_wsgi")

    page = errors_shown(form.post(author))

    assert NOT_EXACTLY_ONE in nonform_errors(page)
    assert practice_quiz.questions.count() == 5
    assert not Choice.objects.filter(text="Uvicorn").exists()


def test_a_valid_question_is_saved_with_its_options(author: Client, practice_quiz: Quiz) -> None:
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order=1, text="Daphne", correct=True)
    form.set_choice(1, order=2, text="mod_wsgi")
    form.set_choice(2, order=3, text="CGI")

    response = form.post(author)

    assert response.status_code == 302
    question = practice_quiz.questions.get(order=6)
    assert list(question.choices.values_list("order", "text", "is_correct")) == [
        (1, "Daphne", True),
        (2, "mod_wsgi", False),
        (3, "CGI", False),
    ]


def test_a_question_added_in_the_admin_appears_on_the_site(
    author: Client, practice_quiz: Quiz
) -> None:
    assert quiz_page_question_count(author, practice_quiz) == 5
    form = new_question_form(author, practice_quiz)
    form.set_choice(0, order=1, text="Daphne", correct=True)
    form.set_choice(1, order=2, text="mod_wsgi")

    assert form.post(author).status_code == 302

    assert quiz_page_question_count(Client(), practice_quiz) == 6


# Changing a question ----------------------------------------------------------------


def test_change_form_lists_the_existing_options(author: Client, practice_quiz: Quiz) -> None:
    question = practice_quiz.questions.get(order=1)

    form = change_form(author, question)

    assert form.data[f"{form.prefix}-INITIAL_FORMS"] == "4"
    texts = [form.data[form.field(i, "text")] for i in range(4)]
    assert texts == list(question.choices.order_by("order").values_list("text", flat=True))
    assert form.field(3, "is_correct") in form.data
    assert form.field(0, "is_correct") not in form.data


def test_moving_the_correct_mark_to_another_option_is_saved(
    author: Client, practice_quiz: Quiz
) -> None:
    question = practice_quiz.questions.get(order=1)
    form = change_form(author, question)
    form.set_correct(form.index_of(question.choices.get(order=4)), correct=False)
    form.set_correct(form.index_of(question.choices.get(order=1)), correct=True)

    response = form.post(author)

    assert response.status_code == 302
    assert list(question.choices.filter(is_correct=True).values_list("order", flat=True)) == [1]
    assert question.choices.count() == 4


def test_moving_the_correct_mark_keeps_students_answers(
    author: Client, practice_quiz: Quiz, session_key: str
) -> None:
    question = practice_quiz.questions.get(order=2)
    chosen = question.choices.get(order=3)
    response = Response.objects.create(
        attempt=Attempt.objects.create(quiz=practice_quiz, session_key=session_key),
        question=question,
        choice=chosen,
        is_correct=True,
        score=1,
        time_taken_ms=900,
    )
    form = change_form(author, question)
    form.set_correct(form.index_of(chosen), correct=False)
    form.set_correct(form.index_of(question.choices.get(order=2)), correct=True)

    assert form.post(author).status_code == 302

    assert question.choices.get(is_correct=True).order == 2
    assert Response.objects.filter(pk=response.pk, choice=chosen).exists()


def test_swapping_the_order_of_two_options_is_saved(author: Client, practice_quiz: Quiz) -> None:
    question = practice_quiz.questions.get(order=1)
    first, second = question.choices.get(order=1), question.choices.get(order=2)
    form = change_form(author, question)
    form.data[form.field(form.index_of(first), "order")] = "2"
    form.data[form.field(form.index_of(second), "order")] = "1"

    response = form.post(author)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (2, 1)
    assert question.choices.get(is_correct=True).order == 4


def test_giving_two_options_the_same_order_is_refused(author: Client, practice_quiz: Quiz) -> None:
    question = practice_quiz.questions.get(order=1)
    form = change_form(author, question)
    form.data[form.field(form.index_of(question.choices.get(order=2)), "order")] = "1"

    page = errors_shown(form.post(author))

    assert "duplicate" in nonform_errors(page)
    assert list(question.choices.order_by("order").values_list("order", flat=True)) == [1, 2, 3, 4]


def test_unmarking_the_only_correct_option_is_refused(author: Client, practice_quiz: Quiz) -> None:
    question = practice_quiz.questions.get(order=1)
    form = change_form(author, question)
    form.set_correct(form.index_of(question.choices.get(is_correct=True)), correct=False)

    page = errors_shown(form.post(author))

    assert NOT_EXACTLY_ONE in nonform_errors(page)
    assert question.choices.get(is_correct=True).order == 4


def test_deleting_an_answered_option_is_refused(
    author: Client, practice_quiz: Quiz, session_key: str
) -> None:
    question = practice_quiz.questions.get(order=1)
    chosen = question.choices.get(order=2)
    Response.objects.create(
        attempt=Attempt.objects.create(quiz=practice_quiz, session_key=session_key),
        question=question,
        choice=chosen,
        is_correct=False,
        score=0,
        time_taken_ms=900,
    )
    form = change_form(author, question)
    form.data[form.field(form.index_of(chosen), "DELETE")] = "on"

    page = errors_shown(form.post(author))

    assert chosen.text in nonform_errors(page)  # the refusal names the answered option
    assert Choice.objects.filter(pk=chosen.pk).exists()


# Lists --------------------------------------------------------------------------------


def test_quiz_list_shows_each_quizzes_question_count(author: Client, seeded: None) -> None:
    response = author.get("/admin/quiz/quiz/")

    assert response.status_code == 200
    content = response.content.decode()
    counts = dict(
        re.findall(
            r'<a href="/admin/quiz/quiz/\d+/change/">([^<]+)</a>.*?'
            r'<td class="field-question_count">(\d+)</td>',
            content,
            re.DOTALL,
        )
    )
    assert counts == {"ASGI vs WSGI: practice": "5", "Performance quiz: ASGI vs WSGI": "3"}


def question_rows(author: Client, query: str) -> list[str]:
    response = author.get(f"/admin/quiz/question/{query}")
    assert response.status_code == 200, query
    return re.findall(
        r'<th class="field-short_prompt"><a href="/admin/quiz/question/(\d+)/change/',
        response.content.decode(),
    )


def ids(questions: Any) -> set[str]:
    return {str(pk) for pk in questions.values_list("pk", flat=True)}


def test_question_list_shows_every_question(author: Client, seeded: None) -> None:
    assert set(question_rows(author, "")) == ids(Question.objects.all())


def test_question_list_filters_by_quiz(author: Client, test_quiz: Quiz) -> None:
    rows = question_rows(author, f"?quiz__id__exact={test_quiz.pk}")

    assert set(rows) == ids(test_quiz.questions.all())
    assert len(rows) == 3


def test_question_list_filters_by_difficulty(author: Client, seeded: None) -> None:
    rows = question_rows(author, "?difficulty__exact=hard")

    assert set(rows) == ids(Question.objects.filter(difficulty="hard"))
    assert len(rows) == 2


def test_question_list_combines_quiz_and_difficulty_filters(
    author: Client, practice_quiz: Quiz
) -> None:
    rows = question_rows(author, f"?quiz__id__exact={practice_quiz.pk}&difficulty__exact=easy")

    assert set(rows) == ids(practice_quiz.questions.filter(difficulty="easy"))
    assert len(rows) == 2


def test_question_list_filters_by_lesson(author: Client, seeded: None) -> None:
    lesson = Quiz.objects.get(slug="asgi-vs-wsgi-practice").lesson

    assert len(question_rows(author, f"?quiz__lesson__id__exact={lesson.pk}")) == 8


def test_question_search_finds_prompts(author: Client, seeded: None) -> None:
    rows = question_rows(author, "?q=Core+Web+Vital")

    assert set(rows) == ids(Question.objects.filter(prompt__icontains="Core Web Vital"))
    assert len(rows) == 1


def test_question_search_finds_option_text_once_per_question(author: Client, seeded: None) -> None:
    rows = question_rows(author, "?q=FastCGI")

    assert len(rows) == len(set(rows)) == 1


def test_question_search_finds_code(author: Client, seeded: None) -> None:
    rows = question_rows(author, "?q=AsyncWebsocketConsumer")

    assert set(rows) == ids(Question.objects.filter(code__contains="AsyncWebsocketConsumer"))
    assert len(rows) == 1


def test_admin_requires_a_staff_login(client: Client, seeded: None) -> None:
    response = client.get(ADD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
