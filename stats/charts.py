"""Charts drawn on the server as SVG: horizontal bars, each with its value written beside it.

The geometry is computed here (numbers written with a dot, whatever the locale) and drawn by
`stats/_chart.html`: `role="img"`, a <title> and a <desc> that also lists every value, colours
from the stylesheet (classes, no inline style: the CSP allows same-origin styles only).
"""

from __future__ import annotations

from dataclasses import dataclass

from .report import Chart

LABEL_WIDTH = 300
BAR_WIDTH = 380
ROW_HEIGHT = 30
BAR_HEIGHT = 18
TOP = 10
MAX_LABEL = 40


@dataclass(frozen=True)
class DrawnBar:
    label: str
    full_label: str
    text: str
    label_x: str
    text_x: str
    y: str
    text_y: str
    width: str | None  # None: no bar (suppressed value)


@dataclass(frozen=True)
class DrawnChart:
    chart: Chart
    dom_id: str
    width: int
    height: int
    bars: list[DrawnBar]
    axis_x: str
    axis_bottom: str
    summary: str


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def draw(chart: Chart, *, dom_id: str) -> DrawnChart:
    bars = []
    for index, bar in enumerate(chart.bars):
        y = TOP + index * ROW_HEIGHT
        width = None
        if bar.value is not None and chart.maximum:
            width = max(0.0, min(1.0, bar.value / chart.maximum)) * BAR_WIDTH
        end = LABEL_WIDTH + (width or 0)
        bars.append(
            DrawnBar(
                label=_short(bar.label),
                full_label=bar.label,
                text=bar.text,
                label_x=_n(LABEL_WIDTH - 8),
                text_x=_n(end + 6),
                y=_n(y),
                text_y=_n(y + BAR_HEIGHT - 4),
                width=None if width is None else _n(width),
            )
        )
    height = TOP * 2 + ROW_HEIGHT * max(1, len(bars))
    summary = " ; ".join(f"{bar.label} : {bar.text}" for bar in chart.bars)
    return DrawnChart(
        chart=chart,
        dom_id=dom_id,
        width=LABEL_WIDTH + BAR_WIDTH + 70,
        height=height,
        bars=bars,
        axis_x=_n(LABEL_WIDTH),
        axis_bottom=_n(height - TOP),
        summary=summary,
    )
