"""The matplotlib figure carepath's plots are drawn on (imported when a plot
is made: matplotlib takes a moment to import)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


class InlineFigure(Figure):
    """A figure made without pyplot (no global state, works headless) that
    still shows itself inline in Jupyter: it has a PNG representation."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
