"""The dark theme's code colours: generated from Pygments, and readable (WCAG AA)."""

from __future__ import annotations

from pathlib import Path

from pygments.styles import get_style_by_name

from lessons.highlight import DARK_STYLE, stylesheet

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"


def relative_luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_pygments_stylesheet_is_the_one_the_highlighter_generates() -> None:
    # Regenerate with: .venv/bin/python -c "from lessons.highlight import stylesheet;
    # open('static/css/pygments.css', 'w').write(stylesheet())"
    assert (STATIC / "pygments.css").read_text() == stylesheet()
    assert "@media (prefers-color-scheme: dark)" in stylesheet()


def test_every_dark_code_colour_keeps_aa_contrast_on_its_background() -> None:
    style = get_style_by_name(DARK_STYLE)
    background = style.background_color
    too_faint = {
        str(token): round(contrast(f"#{spec['color']}", background), 2)
        for token, spec in style
        if spec["color"] and contrast(f"#{spec['color']}", background) < 4.5
    }
    assert too_faint == {}


def test_the_site_follows_the_systems_theme_and_form_controls_follow_it() -> None:
    css = (STATIC / "site.css").read_text()
    assert "color-scheme: light dark;" in css
    assert "@media (prefers-color-scheme: dark)" in css
