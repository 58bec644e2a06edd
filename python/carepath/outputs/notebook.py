"""How carepath's results show in Jupyter: ``_repr_html_`` for a run, a sweep
and a PSA, added to those classes here (they know nothing of notebooks)."""

from __future__ import annotations

import html

import pandas as pd

from ..analysis.economics import PSAResults
from ..results.results import Results
from ..sweeps import SweepResult
from .text_tables import summary_frame, summary_title, target_frame, target_title

MAX_ROWS = 40


def _page(title: str, table: pd.DataFrame, index: bool = True) -> str:
    return f"<p><b>{html.escape(title)}</b></p>" + table.to_html(
        index=index, max_rows=MAX_ROWS, escape=True
    )


@Results.register("_repr_html_")
def results_html(res: Results) -> str:
    """The target table when the scenario has targets, else every metric."""
    if res.target_specs:
        return _page(target_title(res), target_frame(res.targets()), index=False)
    return _page(summary_title(res), summary_frame(res))


def sweep_html(result: SweepResult) -> str:
    """The mean of every metric at each point and variant."""
    where = f", in {result.folder}" if result.folder is not None else ""
    title = f"sweep of {len(result.points)} points{where}: means over replications"
    return _page(title, result.summary(), index=False)


def psa_html(psa: PSAResults) -> str:
    """The mean incremental cost and QALYs and the chance of being cost-effective."""
    draws = psa.draws
    ceac = psa.ceac([20000.0, 30000.0])["probability_cost_effective"]
    rows = [
        ("mean incremental cost per patient", f"{draws['delta_cost'].mean():,.2f}"),
        ("mean incremental QALYs per patient", f"{draws['delta_qaly'].mean():.5f}"),
        ("P(cost-effective) at 20,000 a QALY", f"{ceac.iloc[0]:.1%}"),
        ("P(cost-effective) at 30,000 a QALY", f"{ceac.iloc[1]:.1%}"),
    ]
    title = f"PSA: {psa.intervention} against {psa.baseline}, {len(draws)} iterations"
    return _page(title, pd.DataFrame(rows, columns=["measure", "value"]), index=False)


# replacing the DefinedAbove placeholders
setattr(SweepResult, "_repr_html_", sweep_html)  # noqa: B010
setattr(PSAResults, "_repr_html_", psa_html)  # noqa: B010
