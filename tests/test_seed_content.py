"""The seed lesson arrives whole: every question, option, solution and section of the source.

Expected values are copied from the source seed text (../shared/seed/000_a71464557c2477b4.txt)
so that a change to content/asgi-vs-wsgi.yaml that loses or alters seed text fails here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lessons.models import Lesson, Section
from quiz.models import Question, Quiz

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class SeedQuestion:
    prompt: list[str]
    code: str
    options: list[str]
    correct: str
    difficulty: str
    steps: list[tuple[str, str]]
    final_answer: str
    quick_check: str
    hint: str
    mistakes: list[str]


PRACTICE_QUESTIONS = [
    SeedQuestion(
        prompt=["What is the main difference between WSGI and ASGI in Django?"],
        code="",
        options=[
            "WSGI is faster than ASGI in all cases.",
            "WSGI supports WebSocket, ASGI only supports HTTP.",
            "WSGI is used for databases, ASGI is used for templates.",
            "WSGI handles synchronous requests, ASGI supports asynchronous and real-time features.",
        ],
        correct="D",
        difficulty="easy",
        steps=[
            (
                "Understand WSGI's role",
                (
                    "WSGI is designed for synchronous web applications, handling one request at a "
                    "time."
                ),
            ),
            (
                "Understand ASGI's role",
                (
                    "ASGI supports asynchronous code and real-time features like WebSocket, "
                    "allowing multiple requests concurrently."
                ),
            ),
        ],
        final_answer=(
            "WSGI handles synchronous requests, ASGI supports asynchronous and real-time features."
        ),
        quick_check="WSGI = synchronous, ASGI = asynchronous",
        hint="Remember: ASGI = async and real-time support",
        mistakes=[
            "Thinking WSGI supports WebSocket",
            "Confusing ASGI with database handling",
            "Assuming WSGI is always faster",
        ],
    ),
    SeedQuestion(
        prompt=[
            (
                "Which of the following is the correct way to specify an ASGI application in "
                "Django's asgi.py file?"
            )
        ],
        code="",
        options=[
            "application = get_wsgi_application()",
            "application = get_application()",
            "application = get_asgi_application()",
            "application = asgi_application()",
        ],
        correct="C",
        difficulty="easy",
        steps=[
            (
                "Recall Django's ASGI setup",
                "Django provides get_asgi_application() to create the ASGI application instance.",
            ),
            (
                "Compare options",
                "get_wsgi_application() is for WSGI, others are incorrect function names.",
            ),
        ],
        final_answer="application = get_asgi_application()",
        quick_check="ASGI uses get_asgi_application()",
        hint="ASGI uses get_asgi_application(), WSGI uses get_wsgi_application()",
        mistakes=[
            "Using get_wsgi_application() in asgi.py",
            "Misspelling function names",
            "Confusing application variable names",
        ],
    ),
    SeedQuestion(
        prompt=[
            (
                "Given this Django ASGI consumer code snippet, what will happen when a WebSocket "
                "connection is accepted?"
            )
        ],
        code=(
            "from channels.generic.websocket import AsyncWebsocketConsumer\n"
            "\n"
            "class ChatConsumer(AsyncWebsocketConsumer):\n"
            "    async def connect(self):\n"
            "        await self.accept()"
        ),
        options=[
            "The server will crash due to missing HTTP response.",
            "The WebSocket connection is accepted and ready to receive messages asynchronously.",
            "The connection will be rejected because accept() is synchronous.",
            "Nothing happens because connect() is not called automatically.",
        ],
        correct="B",
        difficulty="medium",
        steps=[
            (
                "Understand AsyncWebsocketConsumer behavior",
                "The connect method is called automatically on WebSocket connection attempts.",
            ),
            (
                "Analyze the accept() call",
                (
                    "Calling await self.accept() accepts the WebSocket connection asynchronously, "
                    "enabling message exchange."
                ),
            ),
        ],
        final_answer=(
            "The WebSocket connection is accepted and ready to receive messages asynchronously."
        ),
        quick_check="Async accept() means connection accepted",
        hint="Async accept() means WebSocket connection is accepted",
        mistakes=[
            "Thinking accept() is synchronous",
            "Assuming connect() is not called automatically",
            "Confusing WebSocket with HTTP requests",
        ],
    ),
    SeedQuestion(
        prompt=[
            "You wrote this snippet in your Django asgi.py file but get an error:",
            "What is the problem?",
        ],
        code=(
            "from django.core.asgi import get_asgi_application\n"
            "\n"
            "application = get_wsgi_application()"
        ),
        options=[
            (
                "You imported get_asgi_application but called get_wsgi_application, causing a "
                "NameError."
            ),
            "You must import get_wsgi_application to use it.",
            "The application variable name is incorrect.",
            "There is no problem; this code works fine.",
        ],
        correct="A",
        difficulty="medium",
        steps=[
            (
                "Check imports and function calls",
                (
                    "The code imports get_asgi_application but calls get_wsgi_application(), which "
                    "is not imported."
                ),
            ),
            (
                "Understand the error cause",
                (
                    "This mismatch causes a NameError because get_wsgi_application is undefined in "
                    "this context."
                ),
            ),
        ],
        final_answer=(
            "You imported get_asgi_application but called get_wsgi_application, causing a "
            "NameError."
        ),
        quick_check="Import and call must match",
        hint="Import and function call must match exactly",
        mistakes=[
            "Calling a function not imported",
            "Mixing ASGI and WSGI functions",
            "Assuming variable name causes error",
        ],
    ),
    SeedQuestion(
        prompt=[
            (
                "You want to build a Django app that supports both HTTP requests and WebSocket "
                "connections for chat. Which setup should you choose and why?"
            )
        ],
        code="",
        options=[
            "Use ASGI because it supports asynchronous HTTP and WebSocket connections.",
            "Use WSGI because it handles HTTP and WebSocket natively.",
            "Use WSGI with a separate WebSocket server.",
            "Use ASGI but disable asynchronous features for compatibility.",
        ],
        correct="A",
        difficulty="hard",
        steps=[
            (
                "Identify requirements",
                (
                    "The app needs to handle HTTP requests and WebSocket connections for chat, "
                    "which requires async support."
                ),
            ),
            (
                "Match server capabilities",
                (
                    "WSGI only supports synchronous HTTP, no WebSocket support. ASGI supports both "
                    "async HTTP and WebSocket natively."
                ),
            ),
            (
                "Evaluate options",
                (
                    "Use ASGI because it supports asynchronous HTTP and WebSocket connections. "
                    "correctly chooses ASGI for full async and WebSocket support in one server."
                ),
            ),
        ],
        final_answer="Use ASGI because it supports asynchronous HTTP and WebSocket connections.",
        quick_check="ASGI supports async HTTP + WebSocket",
        hint="ASGI supports both HTTP and WebSocket asynchronously",
        mistakes=[
            "Assuming WSGI supports WebSocket",
            "Using separate servers unnecessarily",
            "Disabling async features in ASGI",
        ],
    ),
]

NUMBERS = [pytest.param(n, id=f"practice-q{n}") for n in range(1, 6)]

SECTION_HEADINGS = [
    "Performance: ASGI vs WSGI",
    "ASGI: handling simultaneous requests",
    "WSGI: handling simultaneous requests",
    "Performance Comparison",
    "Rendering Pipeline",
    "Core Web Vital Affected",
    "Optimization Tips",
    "DevTools: Network panel and Performance panel",
]

ASGI_CODE = """import asyncio
from django.core.asgi import get_asgi_application

async def application(scope, receive, send):
    # ASGI asynchronous app
    await send({
        'type': 'http.response.start',
        'status': 200,
        'headers': [(b'content-type', b'text/plain')],
    })
    await send({
        'type': 'http.response.body',
        'body': b'Hello World',
    })"""

WSGI_CODE = """def application(environ, start_response):
    # WSGI synchronous app
    response_body = 'Hello World'
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [response_body.encode('utf-8')]"""


def practice_question(practice_quiz: Quiz, number: int) -> tuple[Question, SeedQuestion]:
    return practice_quiz.questions.get(order=number), PRACTICE_QUESTIONS[number - 1]


def section(number: int) -> Section:
    return Section.objects.get(lesson__slug="asgi-vs-wsgi", order=number)


# Practice quiz ----------------------------------------------------------------


def test_practice_quiz_has_the_five_seed_questions_in_order(practice_quiz: Quiz) -> None:
    assert practice_quiz.mode == Quiz.Mode.PRACTICE
    assert [q.prompt_paragraphs for q in practice_quiz.questions.order_by("order")] == [
        seed.prompt for seed in PRACTICE_QUESTIONS
    ]


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_prompt_and_code_match_the_seed(practice_quiz: Quiz, number: int) -> None:
    question, seed = practice_question(practice_quiz, number)

    assert question.prompt_paragraphs == seed.prompt
    assert question.code == seed.code


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_offers_options_a_to_d_in_seed_order(
    practice_quiz: Quiz, number: int
) -> None:
    question, seed = practice_question(practice_quiz, number)
    choices = list(question.choices.order_by("order"))

    assert [choice.text for choice in choices] == seed.options
    assert [choice.letter for choice in choices] == ["A", "B", "C", "D"]


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_marks_the_seed_answer_as_its_only_correct_option(
    practice_quiz: Quiz, number: int
) -> None:
    question, seed = practice_question(practice_quiz, number)

    correct = [choice for choice in question.choices.all() if choice.is_correct]

    assert [choice.letter for choice in correct] == [seed.correct]


def test_practice_correct_letters_are_d_c_b_a_a(practice_quiz: Quiz) -> None:
    letters = [
        question.choices.get(is_correct=True).letter
        for question in practice_quiz.questions.order_by("order")
    ]

    assert letters == ["D", "C", "B", "A", "A"]


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_difficulty_matches_the_seed(practice_quiz: Quiz, number: int) -> None:
    question, seed = practice_question(practice_quiz, number)

    assert question.difficulty == seed.difficulty


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_solution_steps_match_the_seed(practice_quiz: Quiz, number: int) -> None:
    question, seed = practice_question(practice_quiz, number)

    assert [(step.title, step.text) for step in question.steps] == seed.steps


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_final_answer_quick_check_and_hint_match_the_seed(
    practice_quiz: Quiz, number: int
) -> None:
    question, seed = practice_question(practice_quiz, number)

    assert question.final_answer == seed.final_answer
    assert question.quick_check == seed.quick_check
    assert question.hint == seed.hint


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_common_mistakes_match_the_seed(practice_quiz: Quiz, number: int) -> None:
    question, seed = practice_question(practice_quiz, number)

    assert question.mistakes == seed.mistakes


@pytest.mark.parametrize("number", NUMBERS)
def test_practice_question_final_answer_is_the_text_of_its_correct_option(
    practice_quiz: Quiz, number: int
) -> None:
    question, _ = practice_question(practice_quiz, number)

    assert question.final_answer == question.choices.get(is_correct=True).text


@pytest.mark.parametrize("number", NUMBERS)
def test_every_wrong_practice_option_explains_itself(practice_quiz: Quiz, number: int) -> None:
    question, _ = practice_question(practice_quiz, number)

    for choice in question.choices.filter(is_correct=False):
        assert choice.feedback.strip(), f"option {choice.letter} of question {number}"


# Performance quiz -----------------------------------------------------------------


def test_performance_quiz_is_a_test_of_three_questions(test_quiz: Quiz) -> None:
    assert test_quiz.title == "Performance quiz: ASGI vs WSGI"
    assert test_quiz.mode == Quiz.Mode.TEST
    assert test_quiz.questions.count() == 3
    assert [q.difficulty for q in test_quiz.questions.order_by("order")] == [
        "easy",
        "medium",
        "hard",
    ]


def test_performance_quiz_opens_with_the_printed_question_answered_by_asgi(
    test_quiz: Quiz,
) -> None:
    first = test_quiz.questions.get(order=1)

    assert first.prompt == (
        "Which server interface allows Django to handle multiple requests at the same time "
        "without blocking?"
    )
    assert list(first.choices.order_by("order").values_list("text", flat=True)) == [
        "CGI",
        "WSGI",
        "ASGI",
        "FastCGI",
    ]
    correct = first.choices.get(is_correct=True)
    assert correct.text == "ASGI"
    assert correct.letter == "C"


def test_every_performance_question_has_one_correct_option_and_a_full_solution(
    test_quiz: Quiz,
) -> None:
    for question in test_quiz.questions.all():
        assert question.choices.count() == 4
        assert question.choices.filter(is_correct=True).count() == 1
        assert question.steps
        assert question.final_answer == question.choices.get(is_correct=True).text
        assert question.quick_check
        assert question.hint
        assert question.mistakes


# Lesson -----------------------------------------------------------------------------


def test_lesson_carries_the_seed_title_category_impact_and_reading_time(seeded: None) -> None:
    lesson = Lesson.objects.get(slug="asgi-vs-wsgi")

    assert lesson.title == "ASGI vs WSGI in Django - Performance Comparison"
    assert lesson.category == "Django"
    assert lesson.impact == Lesson.Impact.HIGH
    assert lesson.reading_minutes == 8
    assert lesson.summary == (
        "This affects how quickly a Django app can respond to requests and handle multiple "
        "users at once."
    )
    assert lesson.published


def test_lesson_has_the_eight_sections_in_order(seeded: None) -> None:
    lesson = Lesson.objects.get(slug="asgi-vs-wsgi")

    assert list(lesson.sections.order_by("order").values_list("heading", flat=True)) == (
        SECTION_HEADINGS
    )


def test_lesson_opening_section_states_the_impact_and_the_scenario(seeded: None) -> None:
    assert section(1).paragraphs == [
        (
            "HIGH IMPACT: This affects how quickly a Django app can respond to requests and handle "
            "multiple users at once."
        ),
        "Handling multiple simultaneous web requests efficiently",
    ]


def test_lesson_asgi_section_has_the_seed_code_caption_and_gain(seeded: None) -> None:
    asgi = section(2)

    assert asgi.code == ASGI_CODE
    assert asgi.language == "python"
    assert asgi.caption == (
        "ASGI supports async code allowing multiple requests to be handled concurrently "
        "without blocking."
    )
    assert (asgi.callout_tone, asgi.callout_title, asgi.callout_text) == (
        "gain",
        "Performance Gain",
        "Improves responsiveness and throughput under concurrent load",
    )


def test_lesson_wsgi_section_has_the_seed_code_caption_and_cost(seeded: None) -> None:
    wsgi = section(3)

    assert wsgi.code == WSGI_CODE
    assert wsgi.caption == (
        "WSGI processes requests one at a time per worker, blocking on long tasks and limiting "
        "concurrency."
    )
    assert (wsgi.callout_tone, wsgi.callout_title, wsgi.callout_text) == (
        "cost",
        "Performance Cost",
        "Blocks event loop per request, causing higher latency under load",
    )


def test_lesson_comparison_table_has_the_seed_columns_and_rows(seeded: None) -> None:
    assert section(4).table == {
        "columns": [
            "Pattern",
            "Concurrency",
            "Blocking Behavior",
            "Latency Under Load",
            "Verdict",
        ],
        "rows": [
            [
                "WSGI (Synchronous)",
                "Single request per worker",
                "Blocks on each request",
                "High latency with many users",
                "Bad",
            ],
            [
                "ASGI (Asynchronous)",
                "Multiple concurrent requests",
                "Non-blocking async handling",
                "Low latency even under load",
                "Good",
            ],
        ],
    }


def test_lesson_rendering_pipeline_lists_its_stages_and_bottleneck(seeded: None) -> None:
    pipeline = section(5)

    assert pipeline.paragraphs == [
        (
            "ASGI and WSGI affect the server request handling stage before rendering. WSGI is "
            "synchronous and blocks per request, while ASGI is asynchronous and can handle many "
            "requests concurrently."
        )
    ]
    assert pipeline.list_style == Section.ListStyle.ORDERED
    assert pipeline.items == ["Request Handling", "Response Generation"]
    assert (pipeline.callout_tone, pipeline.callout_title, pipeline.callout_text) == (
        "warning",
        "Bottleneck",
        "WSGI's synchronous blocking limits concurrency and increases response wait times.",
    )


def test_lesson_names_inp_as_the_core_web_vital(seeded: None) -> None:
    assert section(6).paragraphs[0] == "INP (Interaction to Next Paint)"


def test_lesson_optimization_tips_are_the_three_numbered_seed_tips(seeded: None) -> None:
    tips = section(7)

    assert tips.list_style == Section.ListStyle.ORDERED
    assert tips.items == [
        "Use ASGI for Django apps needing high concurrency and responsiveness.",
        "WSGI blocks on each request, causing slower response times under load.",
        "ASGI reduces input delay improving user interaction speed.",
    ]


def test_lesson_devtools_section_says_how_to_check_and_what_to_look_for(seeded: None) -> None:
    assert section(8).definitions == [
        {
            "term": "How to check",
            "text": "Use browser DevTools Network panel to observe request timing and "
            "concurrency. Use Performance panel to see responsiveness during multiple requests.",
        },
        {
            "term": "What to look for",
            "text": "Look for lower wait times and overlapping request handling indicating "
            "non-blocking async behavior.",
        },
    ]
