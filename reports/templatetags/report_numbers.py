"""The reports' numbers as people read them, and each question's option chart."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from reports import charts
from reports.selectors import QuestionStat
from reports.sessions import FastAnswer, SessionReport

register = template.Library()


@register.filter
def percent(fraction: float | None) -> str:
    """0.4 -> "40%"; "n/a" where there is nothing to divide."""
    return charts.percent(fraction)


@register.filter
def index(value: float | None) -> str:
    """A discrimination index, -1 to 1, to two places ("n/a" where it is undefined)."""
    return _("n/a") if value is None else f"{value:.2f}"


@register.simple_tag
def option_chart(stat: QuestionStat) -> charts.Chart:
    return charts.option_bars(stat)


@register.simple_tag
def fastest_for(report: SessionReport, stat: QuestionStat) -> list[FastAnswer]:
    """The question's fastest correct answers in this session."""
    return report.fastest_for(stat.question)
