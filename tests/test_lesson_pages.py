"""The home page and the lesson page, as the Django test client receives them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.test.html import Element, parse_html

from lessons.models import Lesson
from quiz.models import Difficulty, Question, Quiz

pytestmark = pytest.mark.django_db

LESSON_URL = "/lessons/asgi-vs-wsgi/"
LESSON_TITLE = "ASGI vs WSGI in Django - Performance Comparison"


# A small DOM reader over django.test.html, so assertions name elements, not strings.


def walk(node: Element) -> Iterator[Element]:
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from walk(child)


def attr(node: Element, name: str) -> str | None:
    return dict(node.attributes).get(name)


def classes(node: Element) -> set[str]:
    return set((attr(node, "class") or "").split())


def find_all(node: Element, tag: str, *, css_class: str | None = None) -> list[Element]:
    return [
        element
        for element in walk(node)
        if element.name == tag and (css_class is None or css_class in classes(element))
    ]


def text(node: Element | str) -> str:
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text(child) for child in node.children).split())


def page(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, url
    return parse_html(response.content.decode())


def section_titled(document: Element, heading: str) -> Element:
    for section in find_all(document, "section"):
        if any(text(h2) == heading for h2 in find_all(section, "h2")):
            return section
    raise AssertionError(f"no section headed {heading!r}")


def lesson_card(document: Element) -> Element:
    for article in find_all(document, "article"):
        if any(text(a) == LESSON_TITLE for a in find_all(article, "a")):
            return article
    raise AssertionError("the lesson is not listed")


def facts(node: Element) -> dict[str, str]:
    terms = [text(dt) for dt in find_all(node, "dt")]
    values = [text(dd) for dd in find_all(node, "dd")]
    return dict(zip(terms, values, strict=True))


# Home -------------------------------------------------------------------------------


def test_home_lists_the_lesson_with_title_category_and_link(client: Client, seeded: None) -> None:
    card = lesson_card(page(client, "/"))

    links = [a for a in find_all(card, "a") if text(a) == LESSON_TITLE]
    assert attr(links[0], "href") == LESSON_URL
    assert "Django" in text(card)


def test_home_shows_the_reading_time_question_count_and_difficulty_mix(
    client: Client, seeded: None
) -> None:
    card_facts = facts(lesson_card(page(client, "/")))

    assert card_facts["Reading time"] == "8 min"
    assert card_facts["Questions"] == "8"
    assert card_facts["Difficulty"] == "3 easy 3 medium 2 hard"


def test_home_leaves_out_an_unpublished_lesson(client: Client, seeded: None) -> None:
    Lesson.objects.filter(slug="asgi-vs-wsgi").update(published=False)

    response = client.get("/")

    assert response.status_code == 200
    assert LESSON_TITLE not in response.content.decode()


def test_home_without_lessons_says_how_to_load_the_seed(client: Client, db: None) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "manage.py load_content" in response.content.decode()


# Lesson page ------------------------------------------------------------------------


SECTION_TEXT = {
    "Performance: ASGI vs WSGI": [
        (
            "HIGH IMPACT: This affects how quickly a Django app can respond to requests and handle "
            "multiple users at once."
        ),
        "Handling multiple simultaneous web requests efficiently",
    ],
    "ASGI: handling simultaneous requests": [
        (
            "ASGI supports async code allowing multiple requests to be handled concurrently "
            "without blocking."
        ),
    ],
    "WSGI: handling simultaneous requests": [
        (
            "WSGI processes requests one at a time per worker, blocking on long tasks and limiting "
            "concurrency."
        ),
    ],
    "Performance Comparison": ["Single request per worker", "Non-blocking async handling"],
    "Rendering Pipeline": [
        "ASGI and WSGI affect the server request handling stage before rendering.",
        "Request Handling",
        "Response Generation",
    ],
    "Core Web Vital Affected": ["INP (Interaction to Next Paint)"],
    "Optimization Tips": ["ASGI reduces input delay improving user interaction speed."],
    "DevTools: Network panel and Performance panel": [
        "Use browser DevTools Network panel to observe request timing and concurrency.",
        "Look for lower wait times and overlapping request handling",
    ],
}


def test_lesson_page_shows_title_category_impact_and_reading_time(
    client: Client, seeded: None
) -> None:
    document = page(client, LESSON_URL)

    assert [text(h1) for h1 in find_all(document, "h1")] == [LESSON_TITLE]
    header = find_all(document, "header", css_class="lesson-header")[0]
    assert "Django" in text(header)
    assert "High impact" in text(header)
    assert "8 min read" in text(header)


def test_lesson_page_renders_every_section_heading_in_order(client: Client, seeded: None) -> None:
    document = page(client, LESSON_URL)

    headings = [
        text(find_all(section, "h2")[0])
        for section in find_all(document, "section", css_class="lesson-section")
    ]
    assert headings == list(SECTION_TEXT)


@pytest.mark.parametrize("heading", list(SECTION_TEXT))
def test_lesson_page_renders_each_section_content(
    client: Client, seeded: None, heading: str
) -> None:
    section = section_titled(page(client, LESSON_URL), heading)

    for expected in SECTION_TEXT[heading]:
        assert expected in text(section)


def test_lesson_code_samples_are_highlighted_by_pygments(client: Client, seeded: None) -> None:
    document = page(client, LESSON_URL)

    blocks = find_all(document, "div", css_class="highlight")
    assert len(blocks) == 2
    for block in blocks:
        tokens = [span for span in find_all(block, "span") if attr(span, "class")]
        assert len(tokens) > 10
    keywords = {text(span) for span in find_all(blocks[0], "span", css_class="k")}
    assert {"async", "await"} <= keywords


def test_lesson_code_samples_keep_the_code_text_exactly(client: Client, seeded: None) -> None:
    content = client.get(LESSON_URL).content.decode()

    # Pygments wraps every token in a span; with the tags removed the code reads as written.
    samples = [
        html.unescape(re.sub(r"<[^>]+>", "", block))
        for block in re.findall(r'<div class="highlight">(.*?)</div>', content, re.DOTALL)
    ]
    assert len(samples) == 2
    assert (
        "async def application(scope, receive, send):\n    # ASGI asynchronous app" in (samples[0])
    )
    assert "'headers': [(b'content-type', b'text/plain')]," in samples[0]
    assert "def application(environ, start_response):\n    # WSGI synchronous app" in samples[1]


def test_lesson_code_sample_has_its_caption(client: Client, seeded: None) -> None:
    section = section_titled(page(client, LESSON_URL), "ASGI: handling simultaneous requests")

    figure = find_all(section, "figure")[0]
    assert find_all(figure, "div", css_class="highlight")
    assert text(find_all(figure, "figcaption")[0]).startswith("ASGI supports async code")


def test_lesson_comparison_is_a_real_table_with_column_headers_and_both_rows(
    client: Client, seeded: None
) -> None:
    section = section_titled(page(client, LESSON_URL), "Performance Comparison")

    tables = find_all(section, "table")
    assert len(tables) == 1
    headers = find_all(tables[0], "th")
    column_headers = [th for th in headers if attr(th, "scope") == "col"]
    assert [text(th) for th in column_headers] == [
        "Pattern",
        "Concurrency",
        "Blocking Behavior",
        "Latency Under Load",
        "Verdict",
    ]
    body_rows = find_all(find_all(tables[0], "tbody")[0], "tr")
    cells = [
        [text(cell) for cell in row.children if isinstance(cell, Element)] for row in body_rows
    ]
    assert cells == [
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
    ]


def test_lesson_tips_are_a_numbered_list(client: Client, seeded: None) -> None:
    section = section_titled(page(client, LESSON_URL), "Optimization Tips")

    lists = find_all(section, "ol")
    assert len(lists) == 1
    assert [text(li) for li in find_all(lists[0], "li")] == [
        "Use ASGI for Django apps needing high concurrency and responsiveness.",
        "WSGI blocks on each request, causing slower response times under load.",
        "ASGI reduces input delay improving user interaction speed.",
    ]


def test_lesson_devtools_advice_is_a_definition_list(client: Client, seeded: None) -> None:
    section = section_titled(
        page(client, LESSON_URL), "DevTools: Network panel and Performance panel"
    )

    definitions = find_all(section, "dl")
    assert len(definitions) == 1
    assert facts(definitions[0]) == {
        "How to check": "Use browser DevTools Network panel to observe request timing and "
        "concurrency. Use Performance panel to see responsiveness during multiple requests.",
        "What to look for": "Look for lower wait times and overlapping request handling "
        "indicating non-blocking async behavior.",
    }


@pytest.mark.parametrize(
    "callout",
    [
        (
            "ASGI: handling simultaneous requests",
            "gain",
            "Performance Gain",
            "Improves responsiveness and throughput under concurrent load",
        ),
        (
            "WSGI: handling simultaneous requests",
            "cost",
            "Performance Cost",
            "Blocks event loop per request, causing higher latency under load",
        ),
        (
            "Rendering Pipeline",
            "warning",
            "Bottleneck",
            "WSGI's synchronous blocking limits concurrency and increases response wait times.",
        ),
    ],
)
def test_lesson_callouts_show_their_tone_title_and_text(
    client: Client, seeded: None, callout: tuple[str, str, str, str]
) -> None:
    heading, tone, title, body = callout
    section = section_titled(page(client, LESSON_URL), heading)

    callouts = find_all(section, "aside", css_class="callout")
    assert len(callouts) == 1
    assert f"callout-{tone}" in classes(callouts[0])
    assert text(callouts[0]) == f"{title} {body}"


def test_lesson_page_links_to_both_quizzes(client: Client, seeded: None) -> None:
    document = page(client, LESSON_URL)

    links = {attr(a, "href"): text(a) for a in find_all(document, "a")}
    assert links["/quiz/asgi-vs-wsgi-practice/"] == "ASGI vs WSGI: practice"
    assert links["/quiz/asgi-vs-wsgi-performance/"] == "Performance quiz: ASGI vs WSGI"


def test_lesson_page_tells_each_quiz_mode_and_question_count(client: Client, seeded: None) -> None:
    cards = find_all(page(client, LESSON_URL), "li", css_class="card")

    summaries = [text(card) for card in cards]
    assert any("Practice · 5 questions" in summary for summary in summaries)
    assert any("Test · 3 questions" in summary for summary in summaries)


def test_unpublished_lesson_is_not_found(client: Client, seeded: None) -> None:
    Lesson.objects.filter(slug="asgi-vs-wsgi").update(published=False)

    assert client.get(LESSON_URL).status_code == 404


def test_unknown_lesson_is_not_found(client: Client, seeded: None) -> None:
    assert client.get("/lessons/no-such-lesson/").status_code == 404


def test_lesson_page_leaves_out_an_unpublished_quiz(client: Client, test_quiz: Quiz) -> None:
    Quiz.objects.filter(pk=test_quiz.pk).update(published=False)

    response = client.get(LESSON_URL)

    assert response.status_code == 200
    assert "/quiz/asgi-vs-wsgi-performance/" not in response.content.decode()


# Scripts ----------------------------------------------------------------------------


def test_htmx_is_served_from_django_htmx_static_files_not_a_cdn(
    client: Client, seeded: None
) -> None:
    scripts = [attr(s, "src") for s in find_all(page(client, LESSON_URL), "script")]
    sources = [src for src in scripts if src]

    assert sources
    for src in sources:
        assert "https://" not in src
        assert "http://" not in src
        assert not src.startswith("//")
        assert src.startswith("/static/")
    htmx = [src for src in sources if src.startswith("/static/django_htmx/htmx-2")]
    assert htmx, sources
    for src in sources:
        found = finders.find(src.removeprefix("/static/"))
        assert found, f"{src} is not a static file of this project"
    assert "django_htmx" in str(finders.find(htmx[0].removeprefix("/static/")))


# Content edits show at once -----------------------------------------------------------


def quiz_question_count(client: Client, quiz: Quiz) -> str:
    return facts(find_all(page(client, quiz.get_absolute_url()), "dl")[0])["Questions"]


def test_a_question_added_through_the_orm_is_counted_on_the_quiz_page_at_once(
    client: Client, practice_quiz: Quiz
) -> None:
    assert quiz_question_count(client, practice_quiz) == "5"

    question = Question.objects.create(
        quiz=practice_quiz, order=6, prompt="A new question?", difficulty=Difficulty.HARD
    )
    question.choices.create(order=1, text="Yes", is_correct=True)
    question.choices.create(order=2, text="No")

    assert quiz_question_count(client, practice_quiz) == "6"
    assert facts(lesson_card(page(client, "/")))["Questions"] == "9"
