"""The matplotlib figure carepath's plots are drawn on (imported when a plot
is made: matplotlib takes a moment to import)."""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.figure import Figure


class InlineFigure(Figure):
    """A figure made without pyplot (no global state, works headless) that
    still shows itself inline in Jupyter: it has a PNG representation."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def new_figure(width: float = 7.0, height: float = 4.5) -> tuple[InlineFigure, Axes]:
    """A figure of ``width`` x ``height`` inches with one set of axes."""
    fig = InlineFigure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()
