"""The quiz admin's import (upload, preview, confirm) and export, and who may use them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from quiz import services
from quiz.interchange import gift
from quiz.models import Quiz
from tests.factories import answer, instructor, new_session_key, signed_in

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "moodle-async-bank.xml"


def urls(quiz: Quiz) -> dict[str, str]:
    base = f"/admin/quiz/quiz/{quiz.pk}"
    return {
        "change": f"{base}/change/",
        "import": f"{base}/import/",
        "confirm": f"{base}/import/confirm/",
        "export page": f"{base}/export/",
        "export": f"{base}/export/gift/",
    }


def upload(client: Client, quiz: Quiz, name: str, content: bytes, **data: str) -> str:
    response = client.post(
        urls(quiz)["import"], {"file": SimpleUploadedFile(name, content), **data}
    )
    assert response.status_code == 200
    return response.content.decode()


def digest_in(page: str) -> str:
    found = re.search(r'name="digest" value="([0-9a-f]{64})"', page)
    assert found, "the preview has no confirm form"
    return found.group(1)


@pytest.fixture
def staff(teacher: User) -> Client:
    return signed_in(teacher)


def test_the_quiz_page_links_to_import_and_export(practice_quiz: Quiz, staff: Client) -> None:
    page = staff.get(urls(practice_quiz)["change"]).content.decode()
    assert f'href="{urls(practice_quiz)["import"]}">Import questions' in page
    assert f'href="/admin/quiz/quiz/{practice_quiz.pk}/export/">Export questions' in page


def test_the_export_page_offers_every_format(practice_quiz: Quiz, staff: Client) -> None:
    page = staff.get(f"/admin/quiz/quiz/{practice_quiz.pk}/export/").content.decode()
    for name, label in [("gift", "GIFT"), ("xml", "Moodle XML"), ("yaml", "YAML (content files)")]:
        assert f'href="/admin/quiz/quiz/{practice_quiz.pk}/export/{name}/" download>{label}' in page


def test_the_upload_form_is_labelled_and_protected(practice_quiz: Quiz, staff: Client) -> None:
    page = staff.get(urls(practice_quiz)["import"]).content.decode()
    assert '<label for="id_file">Question file:</label>' in page
    assert '<label for="id_format">Format:</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'enctype="multipart/form-data"' in page


def test_upload_preview_confirm_creates_the_questions(practice_quiz: Quiz, staff: Client) -> None:
    page = upload(staff, practice_quiz, "bank.xml", FIXTURE.read_bytes())
    assert "2 to create, 0 to change, 0 unchanged, 2 skipped" in page
    assert "To create (2)" in page
    assert "Skipped (2)" in page
    assert "Explain the event loop" in page
    assert practice_quiz.questions.count() == 5  # a preview saves nothing

    response = staff.post(urls(practice_quiz)["confirm"], {"digest": digest_in(page)}, follow=True)
    assert response.redirect_chain == [(urls(practice_quiz)["change"], 302)]
    assert "Imported bank.xml: 2 questions created, 0 changed, 0 unchanged, 2 skipped." in (
        response.content.decode()
    )
    assert practice_quiz.questions.count() == 7

    again = staff.post(urls(practice_quiz)["confirm"], {"digest": digest_in(page)})
    assert again.status_code == 302  # the upload was used once: back to the form
    assert again["Location"] == urls(practice_quiz)["import"]
    assert practice_quiz.questions.count() == 7


def test_a_file_with_errors_lists_them_and_offers_no_confirm(
    practice_quiz: Quiz, staff: Client
) -> None:
    page = upload(
        staff, practice_quiz, "bank.gift.txt", b"Fine?{=a ~b}\n\nBroken?{~a ~b}\n\nEssay.{}\n"
    )
    assert "Errors: nothing will be saved" in page
    assert "<strong>line 3</strong>: no answer is marked correct with =." in page
    assert "<strong>line 5</strong>: essay" in page
    assert 'name="digest"' not in page
    assert practice_quiz.questions.count() == 5


def test_the_confirm_checks_the_file_again(practice_quiz: Quiz, staff: Client) -> None:
    first = practice_quiz.questions.order_by("order").first()
    fewer_options = f"{gift.escape(first.prompt)}{{=one ~two}}\n".encode()
    page = upload(staff, practice_quiz, "fewer.gift.txt", fewer_options)
    assert "To change (1)" in page
    # No general feedback in the file: the solution goes too, as the preview says.
    assert (
        "Replaces question 1; changed: solution steps, final answer, quick check, options" in page
    )
    # Between the preview and the confirm a student answers an option the file drops.
    attempt = services.start_attempt(quiz=practice_quiz, session_key=new_session_key(), user=None)
    answer(attempt, first, first.choices.order_by("order").last())

    refused = staff.post(urls(practice_quiz)["confirm"], {"digest": digest_in(page)})
    assert "options answered by students would be removed" in refused.content.decode()
    assert first.choices.count() == 4


def test_a_stale_preview_is_refused(practice_quiz: Quiz, staff: Client) -> None:
    first = upload(staff, practice_quiz, "one.gift.txt", b"One?{=a ~b}\n")
    upload(staff, practice_quiz, "two.gift.txt", b"Two?{=a ~b}\n")
    response = staff.post(urls(practice_quiz)["confirm"], {"digest": digest_in(first)}, follow=True)
    assert "That preview is out of date" in response.content.decode()
    assert practice_quiz.questions.count() == 5


def test_the_format_can_be_chosen_when_the_extension_does_not_tell(
    practice_quiz: Quiz, staff: Client
) -> None:
    refused = upload(staff, practice_quiz, "bank.dat", b"One?{=a ~b}\n")
    assert "Cannot tell the format of &#x27;bank.dat&#x27; from its extension" in refused
    chosen = upload(staff, practice_quiz, "bank.dat", b"One?{=a ~b}\n", format="gift")
    assert "1 to create" in chosen


@override_settings(QUESTION_IMPORT_MAX_BYTES=1024)
def test_an_oversized_upload_is_refused_before_it_is_read(
    practice_quiz: Quiz, staff: Client
) -> None:
    page = upload(staff, practice_quiz, "big.gift.txt", b"Q?{=a ~b}\n\n" * 200)
    assert "The file is larger than 1.0\xa0KB; split the question bank." in page
    assert "To create" not in page


def test_an_xml_bomb_is_refused_with_a_clear_error(practice_quiz: Quiz, staff: Client) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    page = upload(staff, practice_quiz, "bomb.xml", bomb)
    assert "the XML declares entities or a DTD, which are refused" in page
    assert 'name="digest"' not in page


def test_the_export_downloads_with_its_type_and_name(practice_quiz: Quiz, staff: Client) -> None:
    expected = {
        "gift": ("text/plain; charset=utf-8", "asgi-vs-wsgi-practice.gift.txt"),
        "xml": ("application/xml; charset=utf-8", "asgi-vs-wsgi-practice.xml"),
        "yaml": ("application/yaml; charset=utf-8", "asgi-vs-wsgi-practice.yaml"),
    }
    for name, (content_type, filename) in expected.items():
        response = staff.get(f"/admin/quiz/quiz/{practice_quiz.pk}/export/{name}/")
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert staff.get(f"/admin/quiz/quiz/{practice_quiz.pk}/export/docx/").status_code == 404


def test_students_are_sent_to_the_login_page(practice_quiz: Quiz) -> None:
    student = signed_in(User.objects.create_user("student"))
    for url in urls(practice_quiz).values():
        for response in (student.get(url), student.post(url)):
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
    assert practice_quiz.questions.count() == 5


def test_staff_without_authoring_permissions_are_refused(practice_quiz: Quiz) -> None:
    nobody = signed_in(User.objects.create_user("nobody", is_staff=True))
    assert nobody.get(urls(practice_quiz)["import"]).status_code == 403
    assert nobody.post(urls(practice_quiz)["confirm"]).status_code == 403
    assert nobody.get(urls(practice_quiz)["export"]).status_code == 403
    assert nobody.get(urls(practice_quiz)["export page"]).status_code == 403


def test_staff_who_may_only_view_quizzes_export_but_do_not_import(practice_quiz: Quiz) -> None:
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_quiz"))
    client = signed_in(viewer)
    page = client.get(urls(practice_quiz)["change"]).content.decode()
    assert "Export questions" in page
    assert "Import questions" not in page
    assert client.get(urls(practice_quiz)["export"]).status_code == 200
    assert client.get(urls(practice_quiz)["import"]).status_code == 403


def test_an_upload_without_the_csrf_token_is_refused(practice_quiz: Quiz) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor("author"))
    response = client.post(
        urls(practice_quiz)["import"], {"file": SimpleUploadedFile("a.gift", b"Q?{=a ~b}")}
    )
    assert response.status_code == 403
