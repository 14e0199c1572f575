"""Charts as inline SVG drawn with matplotlib (no JavaScript); each page shows the data table beside it."""

from __future__ import annotations

import io
import textwrap
import threading

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt

# Longer axis labels wrap onto lines of this many characters, so the bars keep the width on a phone.
LABEL_WIDTH = 30
COLOURS = ("#0b6e4f", "#1f4e79", "#a15c00", "#7a1414", "#3b2a86", "#5b6770")
# pyplot keeps global state; one chart at a time per process.
_LOCK = threading.Lock()


def _number(value) -> float:
    """A count to draw: "<5" (suppressed) is drawn as nothing and labelled instead."""
    return 0.0 if isinstance(value, str) else float(value or 0)


def _svg(figure) -> str:
    """The figure as an SVG element (text kept as text, no fixed size so it scales to the screen)."""
    output = io.StringIO()
    figure.savefig(output, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = output.getvalue()
    start = svg.index("<svg")
    head_end = svg.index(">", start)
    head = svg[start:head_end]
    for attribute in ("width", "height"):
        marker = f' {attribute}="'
        if marker in head:
            begin = head.index(marker)
            end = head.index('"', begin + len(marker))
            head = head[:begin] + head[end + 1 :]
    return head + ' role="img" aria-hidden="true" class="chart"' + svg[head_end:]


def bar_chart(labels: list[str], values: list, horizontal: bool = True) -> str:
    """A bar chart of counts; suppressed cells show "<5" next to an empty bar."""
    numbers = [_number(value) for value in values]
    labels = [textwrap.fill(label, LABEL_WIDTH) for label in labels]
    lines = sum(label.count("\n") + 1 for label in labels)
    with _LOCK:
        plt.rcParams.update({"svg.fonttype": "none", "font.size": 10})
        height = max(1.4, 0.22 * lines + 0.1 * len(labels) + 0.5) if horizontal else 3.0
        figure, axes = plt.subplots(figsize=(4.5, height))
        positions = range(len(labels))
        if horizontal:
            bars = axes.barh(positions, numbers, color=COLOURS[0])
            axes.set_yticks(list(positions), labels)
            axes.invert_yaxis()
        else:
            bars = axes.bar(positions, numbers, color=COLOURS[1])
            axes.set_xticks(list(positions), labels, rotation=45, ha="right")
        axes.bar_label(bars, labels=[str(value) for value in values], padding=3, fontsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return _svg(figure)


def line_chart(labels: list[str], series: dict[str, list]) -> str:
    """Lines over months, one per named series."""
    with _LOCK:
        plt.rcParams.update({"svg.fonttype": "none", "font.size": 10})
        figure, axes = plt.subplots(figsize=(7.5, 2.6))
        for colour, (name, values) in zip(COLOURS, series.items(), strict=False):
            axes.plot(labels, [_number(value) for value in values], marker="o", color=colour, label=name)
        axes.tick_params(axis="x", rotation=45)
        axes.legend(frameon=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return _svg(figure)
