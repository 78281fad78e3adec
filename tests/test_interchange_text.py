"""HTML and Markdown in imported files become the plain text and code the site stores."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.interchange import gift, moodle_xml, text
from quiz.interchange.model import InterchangeError


def test_blocks_become_paragraphs_and_breaks_lines() -> None:
    read = text.from_html("<h2>Title</h2><p>One\n   line<br>two</p><div>Three</div>")
    assert read.text == "Title\n\nOne line\ntwo\n\nThree"


def test_list_items_become_lines_and_images_their_alt_text() -> None:
    read = text.from_html(
        '<p>Pick:</p><ul><li>a</li><li>b</li></ul><img src="x.png" alt="A chart">'
    )
    assert read.text == "Pick:\n\n- a\n- b\n\n[image: A chart]"


def test_scripts_styles_and_attributes_are_dropped_and_entities_decoded() -> None:
    read = text.from_html(
        '<p onclick="steal()">Fish &amp; chips &lt;b&gt;</p><script>alert(1)</script>'
        "<style>p{color:red}</style>"
    )
    assert read.text == "Fish & chips <b>"


def test_the_pre_block_keeps_its_whitespace_and_language() -> None:
    read = text.from_html(
        '<p>Run:</p><pre class="brush"><code class="lang-Python">if x:\n    y()\n</code></pre>'
    )
    assert (read.text, read.code, read.language) == ("Run:", "if x:\n    y()", "python")


def test_html_written_is_read_back_to_the_same_text_and_code() -> None:
    written = text.to_html("A <b> & c\nnext\n\nSecond", "x = '<'\n", "python")
    assert text.from_html(written) == text.RichText(
        "A <b> & c\nnext\n\nSecond", "x = '<'", "python"
    )


def test_markdown_keeps_its_text_less_the_fenced_code() -> None:
    read = text.from_markdown("What *prints*?\n\n```js\nconsole.log(1)\n```\n\nPick one.")
    assert (read.text, read.code, read.language) == (
        "What *prints*?\n\nPick one.",
        "console.log(1)",
        "js",
    )


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =~#{}:\\/\n%->[]T$"))))
def test_no_gift_input_breaks_the_reader(source: str) -> None:
    result = gift.parse(source)
    assert all(error.where.startswith("line ") for error in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/ =\"'&;!?aqzuestiontx"))))
def test_no_xml_input_breaks_the_reader_but_may_be_refused(source: str) -> None:
    with contextlib.suppress(InterchangeError):
        moodle_xml.parse(source)
