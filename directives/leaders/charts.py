"""Charts drawn on the server: the geometry of simple SVG charts, rendered by templates.

No chart JavaScript. Every chart has a title and a description that states its numbers (the
text alternative), a table view beside it, and each reporting group a pattern as well as a
colour, so nothing is told by colour alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from directives.text import percent as percent_text
from directives.text import shorten

WIDTH = 400
BAR_WIDTH = 340
LABEL_HEIGHT = 16
BAR_HEIGHT = 16
ROW_GAP = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


@dataclass
class Segment:
    group: str
    label: str
    count: int
    x: float
    width: float


@dataclass
class BarRow:
    label: str
    text: str
    label_y: float
    bar_y: float
    width: float = 0
    end_x: float = 0
    segments: list[Segment] = field(default_factory=list)


@dataclass
class BarChart:
    slug: str
    title: str
    desc: str
    rows: list[BarRow]
    width: int = WIDTH
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT
    row_height: int = ROW_HEIGHT
    label_width: int = 0

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * self.row_height


def _percent(value) -> str:
    return percent_text(value)


def stacked_bars(slug: str, rows, groups: list[str], *, title: str) -> BarChart:
    """A horizontal bar per row (directive), stacked by reporting group, scaled to the largest."""
    largest = max((row.counts.total for row in rows), default=0) or 1
    bars, sentences = [], []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        bar = BarRow(
            label=shorten(row.label, 56),
            text=str(row.counts.total),
            label_y=top + LABEL_HEIGHT - 4,
            bar_y=top + LABEL_HEIGHT,
        )
        x = 0.0
        parts = []
        for cell in row.cells:
            if cell.count:
                width = cell.count / largest * BAR_WIDTH
                bar.segments.append(Segment(cell.group, str(cell.label), cell.count, x, width))
                x += width
                parts.append(f"{cell.count} {str(cell.label).lower()}")
        bar.width = x
        bar.end_x = x + 6
        bars.append(bar)
        sentences.append(
            _("%(label)s: %(total)s phân công%(parts)s.")
            % {
                "label": row.label,
                "total": row.counts.total,
                "parts": (" — " + ", ".join(parts)) if parts else "",
            }
        )
    desc = " ".join(
        [_("Mỗi thanh là một dòng của bảng bên dưới, chia theo nhóm kết quả."), *sentences]
    )
    return BarChart(slug=slug, title=title, desc=desc, rows=bars)


RATE_ROW = 24
RATE_LABEL_WIDTH = 168
RATE_BAR_WIDTH = 160


def rate_bars(slug: str, rows, *, title: str) -> BarChart:
    """A bar per unit, one line each: name, bar of its rate (completed ÷ fallen due), the rate."""
    bars, sentences = [], []
    for index, row in enumerate(rows):
        top = index * RATE_ROW
        rate = row.counts.rate
        width = float(rate) / 100 * RATE_BAR_WIDTH if rate is not None else 0
        text = _percent(rate) if rate is not None else _("chưa đến hạn")
        bars.append(
            BarRow(
                label=shorten(row.label, 27),
                text=text,
                label_y=top + 16,
                bar_y=top + 5,
                width=width,
                end_x=RATE_LABEL_WIDTH + RATE_BAR_WIDTH + 6,
            )
        )
        if rate is None:
            sentences.append(_("%(unit)s: chưa có việc đến hạn.") % {"unit": row.label})
        else:
            sentences.append(
                _("%(unit)s: %(rate)s, %(overdue)s việc quá hạn chưa hoàn thành.")
                % {"unit": row.label, "rate": text, "overdue": row.counts.overdue}
            )
    desc = " ".join(
        [
            _(
                "Tỷ lệ hoàn thành của từng đơn vị (đã hoàn thành chia cho đã đến hạn), "
                "đơn vị nhiều việc quá hạn nhất đứng đầu."
            ),
            *sentences,
        ]
    )
    chart = BarChart(slug=slug, title=title, desc=desc, rows=bars, bar_height=14)
    chart.row_height = RATE_ROW
    chart.label_width = RATE_LABEL_WIDTH
    chart.bar_width = RATE_BAR_WIDTH
    return chart


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class LineChart:
    slug: str
    title: str
    desc: str
    completed_points: str
    due_points: str
    completed_marks: list[tuple[float, float]]
    due_marks: list[tuple[float, float]]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = 230
    left: int = 34
    right: int = WIDTH - 8
    top: int = 10
    bottom: int = 196


def weekly_lines(slug: str, series: list[tuple[dt.date, int, int]], *, title: str) -> LineChart:
    """Cumulative completed against cumulative fallen due, one point per week."""
    chart = LineChart(slug, title, "", "", "", [], [], [], [])
    if not series:
        chart.desc = _("Chưa có dữ liệu.")
        return chart
    first, last = series[0][0], series[-1][0]
    span = max((last - first).days, 1)
    peak = max(max(done, due) for _day, done, due in series) or 1
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top

    def x(day: dt.date) -> float:
        return round(chart.left + (day - first).days / span * plot_w, 1)

    def y(value: int) -> float:
        return round(chart.bottom - value / peak * plot_h, 1)

    chart.completed_marks = [(x(day), y(done)) for day, done, _due in series]
    # Square marks are drawn from their top-left corner.
    chart.due_marks = [(x(day) - 3, y(due) - 3) for day, _done, due in series]
    chart.completed_points = " ".join(f"{a},{b}" for a, b in chart.completed_marks)
    chart.due_points = " ".join(f"{x(day)},{y(due)}" for day, _done, due in series)
    chart.y_ticks = [Tick(y(v), str(v)) for v in sorted({0, peak // 2, peak})]
    middle = series[len(series) // 2][0]
    chart.x_ticks = [
        Tick(x(d), d.strftime("%d/%m/%Y")) for d in dict.fromkeys([first, middle, last])
    ]
    day, done, due = series[-1]
    chart.desc = _(
        "Từ %(start)s đến %(end)s, theo tuần: số phân công đã hoàn thành (đường liền, chấm tròn) "
        "và số phân công đã đến hạn (đường đứt, chấm vuông), cộng dồn. Đến %(end)s: "
        "%(done)s đã hoàn thành, %(due)s đã đến hạn."
    ) % {
        "start": first.strftime("%d/%m/%Y"),
        "end": day.strftime("%d/%m/%Y"),
        "done": done,
        "due": due,
    }
    return chart
