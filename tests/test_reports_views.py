"""The report pages: staff who may read answers only, no JavaScript needed, every chart
with its numbers as text."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from live.models import LiveSession, Player
from live.roles import CONTROL_ANY
from quiz.models import Quiz
from tests.factories import (
    correct_choice,
    finished_attempt,
    instructor,
    ordered_questions,
    played_session,
    signed_in,
)

pytestmark = pytest.mark.django_db


def quiz_urls(quiz: Quiz) -> list[str]:
    return [
        reverse("reports:overview"),
        reverse("reports:analysis", args=[quiz.slug]),
        reverse("reports:analysis_csv", args=[quiz.slug]),
        reverse("reports:responses_csv", args=[quiz.slug]),
    ]


def session_urls(session: LiveSession) -> list[str]:
    return [
        reverse("reports:session", args=[session.pk]),
        reverse("reports:session_csv", args=[session.pk]),
    ]


@pytest.fixture
def session(test_quiz: Quiz, teacher: User) -> LiveSession:
    return played_session(test_quiz, teacher, {"Ada": [True, True, True], "Bob": [False]})


def test_anonymous_visitors_are_sent_to_sign_in_and_see_no_answers(
    client: Client, test_quiz: Quiz, session: LiveSession
) -> None:
    key = correct_choice(ordered_questions(test_quiz)[0]).text
    for url in [*quiz_urls(test_quiz), *session_urls(session)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
        assert key not in response.content.decode()


def test_students_with_accounts_are_refused(test_quiz: Quiz, session: LiveSession) -> None:
    student = signed_in(User.objects.create_user("student"))
    for url in [*quiz_urls(test_quiz), *session_urls(session)]:
        assert student.get(url).status_code == 302, url  # to the admin's sign-in


def test_staff_without_the_read_permissions_are_refused(test_quiz: Quiz) -> None:
    staff = signed_in(User.objects.create_user("helpdesk", is_staff=True))
    for url in quiz_urls(test_quiz):
        assert staff.get(url).status_code == 403, url


def test_a_session_report_is_for_its_host_and_those_who_may_control_any_session(
    session: LiveSession,
) -> None:
    colleague = instructor("colleague")
    for url in session_urls(session):
        assert signed_in(colleague).get(url).status_code == 403, url
    colleague.user_permissions.add(
        Permission.objects.get(codename=CONTROL_ANY.split(".")[1], content_type__app_label="live")
    )
    colleague = User.objects.get(pk=colleague.pk)  # a fresh permission cache
    boss = User.objects.create_superuser("boss")
    for url in session_urls(session):
        assert signed_in(colleague).get(url).status_code == 200, url
        assert signed_in(boss).get(url).status_code == 200, url
        assert signed_in(session.host).get(url).status_code == 200, url


def test_the_item_analysis_page_shows_every_question_with_charts_and_tables(
    test_quiz: Quiz, teacher: User
) -> None:
    for pattern in ([True, True, True], [True, False, False], [False, False, True]):
        finished_attempt(test_quiz, pattern)
    page = signed_in(teacher).get(reverse("reports:analysis", args=[test_quiz.slug]))
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count('class="report-question card"') == 3
    # A chart per question plus the facility chart, each an image with its numbers.
    assert html.count('role="img"') == 4
    assert "<title>Facility (share correct) per question: Q" in html
    assert "Questions at a glance" in html
    # Every wrong option's feedback, beside its count.
    for question in ordered_questions(test_quiz):
        for choice in question.choices.filter(is_correct=False).exclude(feedback=""):
            assert escape(choice.feedback) in html
    assert "n/a (live has no hints)" not in html  # self-paced answers record hints
    assert "0% (0 of 3 self-paced)" in html
    # The strict CSP: no inline style or script.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html


def test_the_source_and_sort_controls_are_a_plain_get_form(
    test_quiz: Quiz, teacher: User, session: LiveSession
) -> None:
    url = reverse("reports:analysis", args=[test_quiz.slug])
    live = signed_in(teacher).get(url, {"source": "live", "sort": "order"}).content.decode()
    assert "Live sessions: 0 finished attempts, 2 live players" in live
    assert "Hint used</dt><dd>n/a (live has no hints)" in live
    assert re.search(r'<option value="live" selected>', live)
    odd = signed_in(teacher).get(url, {"source": "everything", "sort": "<b>"})
    assert odd.status_code == 200  # unknown values fall back to the defaults
    assert "Combined:" in odd.content.decode()


def test_a_negative_discrimination_is_flagged(test_quiz: Quiz, teacher: User) -> None:
    # Q1 is right only for those who got nothing else: the strong students missed it.
    for pattern in ([False, True, True], [False, True, True], [True, False, False],
                    [True, False, False]):  # fmt: skip
        finished_attempt(test_quiz, pattern)
    html = signed_in(teacher).get(reverse("reports:analysis", args=[test_quiz.slug])).content
    assert b'Question 1 <span class="badge badge-hard">Negative discrimination</span>' in html


def test_the_overview_lists_every_quiz_and_links_to_its_analysis(
    test_quiz: Quiz, practice_quiz: Quiz, teacher: User
) -> None:
    html = signed_in(teacher).get(reverse("reports:overview")).content.decode()
    for quiz in (test_quiz, practice_quiz):
        assert reverse("reports:analysis", args=[quiz.slug]) in html
    assert "Not yet: 5 responses to a question needed" in html


def test_the_session_report_lists_players_and_questions(
    session: LiveSession, teacher: User
) -> None:
    html = signed_in(teacher).get(reverse("reports:session", args=[session.pk])).content.decode()
    assert '<th scope="row">Ada</th><td>' in html
    assert "3 of 3" in html
    assert "Fastest correct answers" in html
    assert reverse("reports:session_csv", args=[session.pk]) in html


def test_the_report_is_linked_from_the_admin_index_the_session_admin_and_the_live_index(
    session: LiveSession, teacher: User
) -> None:
    boss = signed_in(User.objects.create_superuser("boss"))
    assert reverse("reports:overview") in boss.get(reverse("admin:index")).content.decode()
    change = boss.get(reverse("admin:live_livesession_change", args=[session.pk]))
    assert reverse("reports:session", args=[session.pk]) in change.content.decode()
    live_index = signed_in(teacher).get(reverse("live:index")).content.decode()
    assert reverse("reports:overview") in live_index


def test_every_report_page_has_one_h1_and_skips_no_heading_level(
    test_quiz: Quiz, teacher: User, session: LiveSession
) -> None:
    from tests.test_headings import assert_well_ordered

    finished_attempt(test_quiz, [True, False, True])
    browser = signed_in(teacher)
    for url in (
        reverse("reports:overview"),
        reverse("reports:analysis", args=[test_quiz.slug]),
        reverse("reports:session", args=[session.pk]),
    ):
        assert_well_ordered(browser.get(url).content.decode())


def test_the_pages_cost_the_same_queries_for_a_few_answers_or_many(
    test_quiz: Quiz, teacher: User, session: LiveSession
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = signed_in(teacher)
    urls = [
        reverse("reports:overview"),
        reverse("reports:analysis", args=[test_quiz.slug]),
        reverse("reports:session", args=[session.pk]),
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    # Five: enough for the overview to name a hardest question (one more query, once).
    for _ in range(5):
        finished_attempt(test_quiz, [True, False, True])
    few = queries()
    for pattern in ([True, True, True], [False, False, False]) * 6:
        finished_attempt(test_quiz, pattern)
    assert queries() == few


def test_the_hosts_final_screen_links_to_the_report_and_earlier_screens_do_not(
    test_quiz: Quiz, teacher: User
) -> None:
    from live.services import create_session

    host = signed_in(teacher)
    lobby = create_session(quiz=test_quiz, host=teacher)
    page = host.get(reverse("live:host", args=[lobby.join_code])).content.decode()
    assert reverse("reports:session", args=[lobby.pk]) not in page

    podium = played_session(test_quiz, teacher, {"Ada": [True]}, end=False)
    assert podium.state == LiveSession.State.FINISHED
    page = host.get(reverse("live:host", args=[podium.join_code])).content.decode()
    assert reverse("reports:session", args=[podium.pk]) in page


def test_kicked_players_are_left_out_of_the_session_report(test_quiz: Quiz, teacher: User) -> None:
    session = played_session(
        test_quiz, teacher, {"Ada": [True, True, True], "Troll": [False, False, False]}
    )
    Player.objects.filter(nickname="Troll").update(kicked=True)
    html = signed_in(teacher).get(reverse("reports:session", args=[session.pk])).content.decode()
    assert "Troll" not in html
    assert "Ada" in html
