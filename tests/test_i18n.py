"""The French translation is complete and in use: every string of the catalogue is
translated (none fuzzy), the catalogue holds every string the code marks, a French
reader meets no English sentence from the templates on any page a student, a player, an
instructor or a host reaches, the footer's switch changes the language, and the sockets
speak the page's language."""

from __future__ import annotations

import gettext
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from live import presenters
from live import services as live
from live.batching import Acknowledged, score_and_render
from live.models import LiveSession
from quiz import services
from quiz.models import Attempt, Question, Quiz
from quiz.sockets import scope_language
from quiz.templatetags.quiz_time import duration
from tests.conftest import socket_headers
from tests.factories import (
    correct_choice,
    finished_attempt,
    instructor,
    ordered_questions,
    played_session,
    signed_in,
    wrong_choice,
)
from tests.test_lab_pages import browser_run
from tests.test_live_consumers import Seat, play_path, read_until, seat
from tests.test_rendered_pages import read, student_pages

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# The Makefile's `messages` target runs makemessages with these same options.
MAKEMESSAGES = [
    "makemessages",
    "--locale=fr",
    "--no-obsolete",
    "--no-location",
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=bench",
    "--ignore=tests",
]


# A .po file, read without polib (not a dependency): entries of msgid, msgid_plural,
# msgstr or msgstr[N], each a run of quoted lines, with "#," flags above them.


@dataclass(frozen=True)
class Entry:
    context: str
    msgid: str
    plural: str
    translations: tuple[str, ...]
    fuzzy: bool


QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
FIELD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) ", re.MULTILINE)


ESCAPES = {"n": "\n", "t": "\t"}


def unquote(text: str) -> str:
    raw = "".join(QUOTED.findall(text))
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), raw)


def parse_po(text: str) -> list[Entry]:
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        matches = list(FIELD.finditer(block))
        for match, following in zip(matches, [*matches[1:], None], strict=True):
            end = following.start() if following else len(block)
            fields[match.group(1)] = unquote(block[match.end() : end])
        if "msgid" not in fields or not fields["msgid"]:
            continue  # the header
        flags = [line for line in block.splitlines() if line.startswith("#,")]
        entries.append(
            Entry(
                context=fields.get("msgctxt", ""),
                msgid=fields["msgid"],
                plural=fields.get("msgid_plural", ""),
                translations=tuple(v for k, v in fields.items() if k.startswith("msgstr")),
                fuzzy=any("fuzzy" in flag for flag in flags),
            )
        )
    return entries


def catalogue() -> list[Entry]:
    return parse_po(CATALOGUE.read_text(encoding="utf-8"))


# (a) complete


def test_every_message_of_the_french_catalogue_is_translated_and_none_is_fuzzy() -> None:
    entries = catalogue()
    assert len(entries) > 300  # the whole site, not a sample
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in e.translations)]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert all(len(e.translations) == 2 for e in entries if e.plural)  # French: 2 forms


def test_the_catalogue_header_is_french_and_not_fuzzy() -> None:
    header = CATALOGUE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert '"Language: fr\\n"' in header
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_counts_no_untranslated_and_no_fuzzy_message() -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


def test_the_committed_mo_file_is_the_compiled_catalogue() -> None:
    """A clone works without gettext tools: the .mo in git says what the .po says."""
    with COMPILED.open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in catalogue():
        if entry.plural:
            assert translations.ngettext(entry.msgid, entry.plural, 1) == entry.translations[0]
            assert translations.ngettext(entry.msgid, entry.plural, 5) == entry.translations[1]
        elif entry.context:
            found = translations.pgettext(entry.context, entry.msgid)
            assert found == entry.translations[0], entry.msgid
        else:
            assert translations.gettext(entry.msgid) == entry.translations[0], entry.msgid


# (b) up to date


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_makemessages_finds_nothing_new_and_nothing_gone(tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "staticfiles", "node_modules", "*.sqlite3*", "__pycache__", "bench"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        capture_output=True,
        check=True,
    )
    fresh = parse_po((copy / CATALOGUE.relative_to(ROOT)).read_text(encoding="utf-8"))
    assert {(e.context, e.msgid) for e in fresh} == {(e.context, e.msgid) for e in catalogue()}
    assert [e.msgid for e in fresh if not all(e.translations) or e.fuzzy] == []


TRANSLATE_TAG = re.compile(r"""\{%\s*translate\s+(["'])(.*?)\1""")


def test_every_translate_tag_of_the_templates_is_in_the_catalogue() -> None:
    """The same without gettext's tools, for the plain {% translate "..." %} tags."""
    known = {e.msgid for e in catalogue()}
    found = {
        (path.relative_to(ROOT).as_posix(), match.group(2))
        for path in (ROOT / "templates").rglob("*.*")
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(found) > 100
    assert sorted(f for f in found if f[1] not in known) == []


# (c) no English left on a French page

PLACEHOLDER_OR_TAG = re.compile(r"%\([a-z_]+\)s|%%|<[^>]+>")
HIDDEN = re.compile(r"<(script|style|pre|code|svg)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
ATTRIBUTE_TEXT = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def english_phrases() -> dict[str, str]:
    """Each run of two words or more of an English msgid, between its placeholders and
    tags -> its msgid; runs the French text also has (a name, "Top 5") are left out."""
    phrases = {}
    for entry in catalogue():
        french = " ".join(entry.translations)
        for source in filter(None, (entry.msgid, entry.plural)):
            for piece in PLACEHOLDER_OR_TAG.split(html.unescape(source)):
                run = " ".join(piece.split()).strip(" .,:;()")
                if len(run.split()) >= 2 and run not in french:
                    phrases[run] = entry.msgid
    return phrases


def readable_text(page: str) -> str:
    """What a reader sees or hears: the text outside code, scripts and drawings, and the
    labels screen readers say."""
    page = HIDDEN.sub(" ", page)
    labels = " ".join(ATTRIBUTE_TEXT.findall(page))
    text = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(f"{text} {labels}").split())


def authored_text() -> str:
    """The seed content is English and stays so (lessons are authored, not translated)."""
    parts: list[str] = []
    for quiz in Quiz.objects.select_related("lesson"):
        lesson = quiz.lesson
        parts += [quiz.title, quiz.description, lesson.title, lesson.summary, lesson.category]
        for section in lesson.sections.all():
            parts.append(json.dumps(_fields_of(section), ensure_ascii=False))
        for question in quiz.questions.all():
            parts.append(json.dumps(_fields_of(question), ensure_ascii=False))
            parts += [f"{c.text} {c.feedback}" for c in question.choices.all()]
    return " ".join(" ".join(parts).split())


def _fields_of(instance: Any) -> dict[str, Any]:
    return {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if not field.is_relation
    }


def english_on(page: str, phrases: dict[str, str], authored: str) -> list[str]:
    text = readable_text(page)
    return sorted(
        f"{phrase!r} (from {msgid!r})"
        for phrase, msgid in phrases.items()
        if phrase in text and phrase not in authored
    )


def in_french(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def test_the_phrase_check_finds_an_english_sentence_and_ignores_authored_text() -> None:
    phrases = {"Choose one answer": "Choose one answer", "Next question": "Next question"}
    page = '<legend>Choose one answer</legend><pre>Next question</pre><p title="x">Suivant</p>'
    assert english_on(page, phrases, authored="") == [
        "'Choose one answer' (from 'Choose one answer')"
    ]
    assert english_on(page, phrases, authored="Choose one answer, said the lesson") == []


@pytest.mark.django_db
def test_the_same_check_on_the_english_pages_finds_their_sentences(seeded: None) -> None:
    phrases, authored = english_phrases(), authored_text()
    browser = Client()
    found = {
        url: english_on(read(browser, url), phrases, authored) for url in student_pages(browser)
    }
    assert all(found.values()), [url for url, phrases in found.items() if not phrases]
    lesson = found[reverse("lessons:detail", args=["asgi-vs-wsgi"])]
    assert "'Choose how to learn' (from 'Choose how to learn')" in lesson


@pytest.mark.django_db
def test_no_student_page_in_french_shows_an_english_sentence_of_the_templates(
    seeded: None,
) -> None:
    phrases, authored = english_phrases(), authored_text()
    browser = in_french(Client())
    pages = {}
    for url in student_pages(browser):
        page = read(browser, url)
        pages[url] = page
        assert english_on(page, phrases, authored) == [], url
        assert '<html lang="fr">' in page, url
    lesson = pages[reverse("lessons:detail", args=["asgi-vs-wsgi"])]
    assert "Choisissez comment apprendre" in lesson
    assert "Vos façons d’apprendre" in lesson
    assert "Langue" in lesson
    assert "Leçons" in pages[reverse("lessons:index")]
    assert "Rejoindre un quiz en direct" in pages[reverse("live:join")]
    results = [page for url, page in pages.items() if url.endswith("/results/")]
    assert results
    assert all("Votre score" in page for page in results)


@pytest.mark.django_db
def test_a_practice_answer_and_its_feedback_read_in_french(practice_quiz: Quiz) -> None:
    browser = in_french(Client())
    play = browser.post(reverse("quiz:start", args=[practice_quiz.slug]))["location"]
    first = read(browser, play)
    assert "Choisissez une réponse" in first
    assert "Afficher l’indice" in first
    question: Question = ordered_questions(practice_quiz)[0]
    attempt = Attempt.objects.get(quiz=practice_quiz)
    wrong = wrong_choice(question)
    browser.post(
        reverse("quiz:answer", args=[attempt.pk]),
        {"question": question.pk, "choice": wrong.pk},
    )
    feedback = read(browser, play)
    assert "La bonne réponse est" in feedback
    assert "Question suivante" in feedback
    assert english_on(feedback, english_phrases(), authored_text()) == []


@pytest.mark.django_db
def test_no_live_screen_in_french_shows_an_english_sentence_at_any_stage(
    test_quiz: Quiz,
) -> None:
    phrases, authored = english_phrases(), authored_text()
    host = instructor("host")
    teacher = in_french(signed_in(host))
    session = live.create_session(quiz=test_quiz, host=host)
    player = in_french(Client())
    player.post(reverse("live:join"), {"code": session.join_code, "nickname": "Ada"})
    first: Question = ordered_questions(test_quiz)[0]
    seen: dict[str, list[str]] = {}
    for stage in ("lobby", "question", "answered", "reveal", "finished", "ended"):
        session = LiveSession.objects.get(pk=session.pk)
        if stage == "question":
            live.advance(session=session, actor=host)
        elif stage == "answered":
            ada = session.players.get()
            live.submit_answer(player=ada, question_id=first.pk, choice_id=correct_choice(first).pk)
        elif stage == "reveal" and session.state == LiveSession.State.QUESTION:
            live.reveal(session=session, actor=host)
        elif stage == "finished":
            while session.state != LiveSession.State.FINISHED:
                if session.state == LiveSession.State.QUESTION:
                    live.reveal(session=session, actor=host)
                else:
                    live.advance(session=session, actor=host)
                session = LiveSession.objects.get(pk=session.pk)
        elif stage == "ended":
            live.end(session=session, actor=host)
        session = LiveSession.objects.get(pk=session.pk)
        with translation.override("fr"):  # as the French pages' sockets render them
            screens = [
                read(teacher, reverse("live:index")),
                presenters.render_host(session),
                presenters.render_player(
                    session_id=session.pk, version=session.version, player=session.players.get()
                ),
            ]
        if session.ended_at is None:
            screens += [
                read(player, reverse("live:play", args=[session.join_code])),
                read(teacher, reverse("live:host", args=[session.join_code])),
            ]
        for screen in screens:
            assert english_on(screen, phrases, authored) == [], stage
        seen[stage] = screens
    lobby, question = seen["lobby"], seen["question"]
    assert "Scannez pour rejoindre" in lobby[4]
    assert "Bienvenue dans la partie, Ada !" in lobby[3]
    assert "Choisissez une réponse" in question[3]
    assert "Dévoiler" in question[4]
    assert "Podium" in seen["finished"][2]


@pytest.mark.django_db
def test_no_report_or_lab_page_in_french_shows_an_english_sentence(test_quiz: Quiz) -> None:
    phrases, authored = english_phrases(), authored_text()
    host = instructor("host")
    session = played_session(test_quiz, host, {"Ada": [True, False], "Bo": [False, True]})
    finished_attempt(test_quiz, [True, False, True])
    teacher = in_french(signed_in(host))
    pages = {
        url: read(teacher, url)
        for url in (
            reverse("reports:overview"),
            reverse("reports:analysis", args=[test_quiz.slug]),
            reverse("reports:analysis", args=[test_quiz.slug]) + "?source=live&sort=order",
            reverse("reports:session", args=[session.pk]),
        )
    }
    # The lab's page without JavaScript: the test server has no port to measure
    # itself on, so the page says so (503) with the panel around it.
    lab = reverse("lab:run") + "?requests=2&lesson=asgi-vs-wsgi"
    pages[lab] = teacher.get(lab).content.decode()
    result = reverse("lab:result")
    pages[result] = teacher.get(
        result, browser_run(3), headers={"HX-Request": "true"}
    ).content.decode()
    for url, page in pages.items():
        assert english_on(page, phrases, authored) == [], url
    assert "Ce que signifient les chiffres" in pages[reverse("reports:overview")]
    assert "Facilité par question" in pages[reverse("reports:analysis", args=[test_quiz.slug])]
    assert "Rapport de session" in pages[reverse("reports:session", args=[session.pk])]
    assert "Mesurez-le" in pages[lab]
    assert "Ce serveur ne peut pas s’envoyer de requêtes ici" in pages[lab]
    assert "3 requêtes à chaque point d’accès" in pages[result]
    assert (
        "Les requêtes sync sont passées l’une après l’autre : 3 × 200 ms = 0,6 s (mesuré : 0,61 s)"
        in html.unescape(pages[result])
    )


@pytest.mark.django_db
def test_our_authoring_pages_in_french_show_no_english_sentence_of_ours(test_quiz: Quiz) -> None:
    """The admin is Django's, translated by Django; what this site adds to it is ours."""
    phrases, authored = english_phrases(), authored_text()
    author = in_french(signed_in(User.objects.create_superuser("author", password=None)))
    question = ordered_questions(test_quiz)[0]
    pages = {
        url: read(author, url)
        for url in (
            reverse("admin:index"),
            reverse("admin:quiz_quiz_change", args=[test_quiz.pk]),
            reverse("admin:quiz_question_change", args=[question.pk]),
            reverse("admin:quiz_quiz_import", args=[test_quiz.pk]),
            reverse("admin:quiz_quiz_export", args=[test_quiz.pk]),
            reverse("quiz:preview", args=[question.pk]),
        )
    }
    # The admin names models and fields after their code names ("Live sessions",
    # "Common mistakes"), in English: the admin is Django's, not this catalogue's.
    names = " ".join(
        str(name).capitalize()
        for model in apps.get_models()
        for name in (
            model._meta.verbose_name_plural,
            *(field.verbose_name for field in model._meta.fields),
        )
    )
    for url, page in pages.items():
        assert english_on(page, phrases, f"{authored} {names}") == [], url
    assert "Importer des questions" in pages[reverse("admin:quiz_quiz_change", args=[test_quiz.pk])]
    assert "Aperçu côté élève" in pages[reverse("admin:quiz_question_change", args=[question.pk])]
    assert "Prévisualiser l’import" in pages[reverse("admin:quiz_quiz_import", args=[test_quiz.pk])]


def test_durations_read_in_the_active_language() -> None:
    with translation.override("fr"):
        assert duration(5_129) == "5,1 s"
        assert duration(312_000) == "5 min 12 s"
    assert duration(5_129) == "5.1 s"


# (d) the language switch


@pytest.mark.django_db
def test_the_language_switch_sets_french_and_back_to_english(seeded: None) -> None:
    browser = Client(enforce_csrf_checks=True)
    home = browser.get(reverse("lessons:index"))
    assert '<html lang="en">' in home.content.decode()
    # The header links to the switch's page; the form (and its cookie) lives there.
    assert 'href="/language/?next=/"' in home.content.decode()
    assert not home.cookies
    switch = browser.get("/language/?next=/")
    assert 'action="/i18n/setlang/"' in switch.content.decode()
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value

    switched = browser.post(
        reverse("set_language"),
        {"language": "fr", "next": reverse("lessons:index"), "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    assert switched["location"] == reverse("lessons:index")
    page = browser.get(reverse("lessons:index")).content.decode()
    assert '<html lang="fr">' in page
    assert "<h1>Leçons</h1>" in page
    assert "Langue : Français</a>" in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in (
        browser.get("/language/?next=/").content.decode()
    )

    browser.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": token},
    )
    assert "<h1>Lessons</h1>" in browser.get(reverse("lessons:index")).content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_a_post_without_its_csrf_token(seeded: None) -> None:
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_a_browser_asking_for_french_gets_french_without_switching(seeded: None) -> None:
    page = Client(headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}).get("/")
    assert '<html lang="fr">' in page.content.decode()
    english = Client(headers={"accept-language": "en-US,en;q=0.9"}).get("/")
    assert '<html lang="en">' in english.content.decode()


# (e, without a browser) the socket speaks the page's language

TIMEOUT = 10


def french_socket(application: Any, attempt: Attempt, session_key: str) -> WebsocketCommunicator:
    headers = socket_headers(session_key)
    headers = [
        (name, value + f"; {settings.LANGUAGE_COOKIE_NAME}=fr".encode())
        if name == b"cookie"
        else (name, value)
        for name, value in headers
    ]
    return WebsocketCommunicator(application, f"/ws/attempts/{attempt.pk}/", headers=headers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_thread_connection_closed")
async def test_the_attempt_socket_answers_in_the_language_of_the_page(
    application: Any, practice_quiz: Quiz, session_key: str
) -> None:
    @database_sync_to_async
    def start() -> tuple[Attempt, int, int]:
        attempt = services.start_attempt(
            quiz=practice_quiz, session_key=session_key, user=AnonymousUser()
        )
        question = ordered_questions(practice_quiz)[0]
        return attempt, question.pk, wrong_choice(question).pk

    attempt, question_pk, wrong_pk = await start()
    communicator = french_socket(application, attempt, session_key)
    try:
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        assert connected
        greeting = html.unescape(await communicator.receive_from(timeout=TIMEOUT))
        await communicator.send_to(
            text_data=json.dumps(
                {"action": "answer", "question": str(question_pk), "choice": str(wrong_pk)}
            )
        )
        feedback = html.unescape(await communicator.receive_from(timeout=TIMEOUT))
        await communicator.send_to(text_data=json.dumps({"action": "dance"}))
        refusal = html.unescape(await communicator.receive_from(timeout=TIMEOUT))
    finally:
        await communicator.disconnect()
    assert "Retour en direct connecté" in greeting
    assert "Faux" in feedback
    assert "La bonne réponse est" in feedback
    assert "Question suivante" in feedback
    assert "Next question" not in feedback
    assert "Action inconnue." in refusal


def live_socket(application: Any, path: str, session_key: str, language: str) -> Any:
    headers = [
        (name, value + f"; {settings.LANGUAGE_COOKIE_NAME}={language}".encode())
        if name == b"cookie"
        else (name, value)
        for name, value in socket_headers(session_key)
    ]
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_thread_connection_closed")
async def test_two_players_of_one_room_each_read_the_live_question_in_their_language(
    application: Any, test_quiz: Quiz, teacher: User
) -> None:
    """The room's shared rendering is made once per version and language, not once."""

    @database_sync_to_async
    def open_room() -> tuple[LiveSession, Seat, Seat]:
        room = live.create_session(quiz=test_quiz, host=teacher)
        return room, seat(room, "Ada"), seat(room, "Bob")

    @database_sync_to_async
    def start(room: LiveSession) -> None:
        live.advance(session=LiveSession.objects.get(pk=room.pk), actor=teacher)

    room, ada, bob = await open_room()
    french = live_socket(application, play_path(room), ada.cookie, "fr")
    english = live_socket(application, play_path(room), bob.cookie, "en")
    try:
        assert (await french.connect(timeout=TIMEOUT))[0]
        assert (await english.connect(timeout=TIMEOUT))[0]
        assert "Bienvenue dans la partie, Ada !" in await read_until(french, "Ada")
        assert "You're in, Bob!" in await read_until(english, "Bob")
        await start(room)
        ada_sees = await read_until(french, "live-answer-form")
        bob_sees = await read_until(english, "live-answer-form")
    finally:
        await french.disconnect()
        await english.disconnect()
    assert "Choisissez une réponse" in ada_sees
    assert "Question 1 sur" in ada_sees
    assert "Choose one answer" not in ada_sees
    assert "Choose one answer" in bob_sees
    assert "Question 1 of" in bob_sees


@pytest.mark.django_db
def test_one_batch_of_live_answers_acknowledges_each_in_its_players_language(
    test_quiz: Quiz, teacher: User
) -> None:
    room = live.create_session(quiz=test_quiz, host=teacher)
    ada, bob = seat(room, "Ada"), seat(room, "Bob")
    live.advance(session=room, actor=teacher)
    question = ordered_questions(test_quiz)[0]
    choice = wrong_choice(question)
    now = timezone.now()
    acknowledged = score_and_render(
        room.pk,
        [
            live.AnswerRequest(ada.pk, question.pk, choice.pk, now),
            live.AnswerRequest(bob.pk, question.pk, choice.pk, now),
        ],
        ["fr", "en"],
    )
    french, english = (html.unescape(a.html) for a in acknowledged if isinstance(a, Acknowledged))
    assert "Réponse verrouillée" in french
    assert "Answer locked in" not in french
    assert "Answer locked in" in english


def sockets_language_cases() -> Iterator[tuple[list[tuple[bytes, bytes]], str]]:
    yield [(b"cookie", b"django_language=fr")], "fr"
    yield [(b"accept-language", b"fr-CA,fr;q=0.9")], "fr"
    yield [(b"accept-language", b"de-DE,de;q=0.9")], "en"
    yield [(b"cookie", b"django_language=en"), (b"accept-language", b"fr")], "en"
    yield [], "en"


@pytest.mark.parametrize(("headers", "language"), list(sockets_language_cases()))
def test_a_socket_takes_the_language_as_the_page_did(
    headers: list[tuple[bytes, bytes]], language: str
) -> None:
    cookies = {}
    for name, value in headers:
        if name == b"cookie":
            cookies = {k: m.value for k, m in SimpleCookie(value.decode()).items()}
    assert scope_language({"headers": headers, "cookies": cookies}) == language
