"""The lesson page caches its sections and still shows every edit at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lessons.models import Lesson, Section

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
