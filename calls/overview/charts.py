"""Server-rendered SVG charts: plain numbers for a template, no JavaScript and no chart library."""

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 200
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 40, 24, 8


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    center: float
    answered_y: float
    answered_height: float
    other_y: float
    other_height: float
    day: dict
    label: str
    name: str  # what a screen reader says for the bar's link


def _nice_ceiling(value):
    """The smallest of 1, 2 or 5 times a power of ten at or above `value`: a round top for the axis."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def bar_name(day):
    """The bar's name for a screen reader: "3 Dec: 12 calls, 9 answered"."""
    return f"{day['day'].day} {day['day']:%b}: {_count(day['calls'], 'call')}, {day['answered']} answered"


def day_bars(days):
    """Stacked bars per day (answered at the bottom), scaled into the chart's box."""
    top = _nice_ceiling(max((day["calls"] for day in days), default=0) or 1)
    plot_width = WIDTH - MARGIN_LEFT
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / max(len(days), 1)
    label_every = max(1, round(len(days) / 10))
    bars = []
    for index, day in enumerate(days):
        answered = plot_height * day["answered"] / top
        other = plot_height * (day["calls"] - day["answered"]) / top
        base = HEIGHT - MARGIN_BOTTOM
        bars.append(
            Bar(
                x=round(MARGIN_LEFT + index * slot + slot * 0.1, 1),
                width=round(slot * 0.8, 1),
                center=round(MARGIN_LEFT + index * slot + slot / 2, 1),
                answered_y=round(base - answered, 1),
                answered_height=round(answered, 1),
                other_y=round(base - answered - other, 1),
                other_height=round(other, 1),
                day=day,
                label=f"{day['day']:%d %b}" if index % label_every == 0 else "",
                name=bar_name(day),
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "top": top,
        "top_y": MARGIN_TOP,
        "middle": top / 2 if top % 2 == 0 else None,
        "middle_y": MARGIN_TOP + plot_height / 2,
        "base_y": HEIGHT - MARGIN_BOTTOM,
        "axis_x": MARGIN_LEFT - 6,
        "plot_left": MARGIN_LEFT,
        "label_y": HEIGHT - 6,
        "plot_height": plot_height,
    }
