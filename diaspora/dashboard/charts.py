"""Geometry of the dashboard's horizontal bar charts, drawn as SVG by the template.

Pure functions: the template only copies numbers into attributes. Every bar carries its label
and its number as text, so the chart reads without colour (and without the picture at all, in
the table that goes with it).
"""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 32
LABEL_WIDTH = 310  # the longest label kept (34 characters) at the 17px of .chart-label
BAR_AREA = 280
NUMBER_GAP = 8
WIDTH = LABEL_WIDTH + BAR_AREA + 70


@dataclass
class BarRow:
    label: str
    value: int
    y: int  # top of the row
    bar_width: int
    text_y: int  # baseline of the label and the number
    number_x: int


@dataclass
class BarChart:
    rows: list[BarRow]
    width: int
    height: int
    label_width: int

    @property
    def empty(self) -> bool:
        return not self.rows


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    top = max((value for _label, value in items), default=0)
    rows = []
    for index, (label, value) in enumerate(items):
        width = round(BAR_AREA * value / top) if top else 0
        if value and width < 2:
            width = 2
        y = index * ROW_HEIGHT
        rows.append(
            BarRow(
                label=label if len(label) <= 34 else label[:33] + "…",
                value=value,
                y=y + 5,
                bar_width=width,
                text_y=y + 22,
                number_x=LABEL_WIDTH + width + NUMBER_GAP,
            )
        )
    return BarChart(
        rows=rows,
        width=WIDTH,
        height=max(ROW_HEIGHT, len(rows) * ROW_HEIGHT),
        label_width=LABEL_WIDTH,
    )
