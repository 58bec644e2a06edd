"""Global sensitivity analysis through SALib (Sobol and Morris), run on the
sweep executors with common random numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .evaluate import evaluate


@dataclass
class SensitivityResult:
    """Indices per parameter, and the points run.

    Attributes
    ----------
    indices
        Sobol: ``parameter, S1, S1_conf, ST, ST_conf``; Morris: ``parameter,
        mu_star, mu_star_conf, sigma``.
    points
        The parameter values run and the metric at each.
    method, metric
    """

    indices: pd.DataFrame
    points: pd.DataFrame
    method: str
    metric: str

    def plot(self) -> Any:
        """A bar chart of the indices (a tornado for Morris): a matplotlib Figure."""
        from ..figure import new_figure

        fig, ax = new_figure(7.0, 0.5 * len(self.indices) + 1.5)
        frame = self.indices.iloc[::-1]
        y = np.arange(len(frame))
        if self.method == "sobol":
            ax.barh(y - 0.2, frame["ST"], 0.4, xerr=frame["ST_conf"], label="total (ST)")
            ax.barh(y + 0.2, frame["S1"], 0.4, xerr=frame["S1_conf"], label="first order (S1)")
            ax.set_xlabel(f"Sobol index of {self.metric}")
            ax.legend()
        else:
            ax.barh(y, frame["mu_star"], xerr=frame["mu_star_conf"])
            ax.set_xlabel(f"Morris mu* (mean absolute elementary effect) on {self.metric}")
        ax.set_yticks(y, frame["parameter"])
        ax.set_title(f"Sensitivity of {self.metric}")
        return fig


def sensitivity(
    scenario: Any,
    params: dict[str, tuple[float, float]],
    metric: str,
    method: str = "sobol",
    n: int = 64,
    replications: int | None = None,
    seed: int | None = None,
    variant: str = "baseline",
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
) -> SensitivityResult:
    """Sobol (Saltelli sampling, ``n`` base samples: n (2d + 2) points) or Morris
    (``n`` trajectories: n (d + 1) points) indices of ``metric`` (its mean over
    replications) to each parameter's ``(low, high)`` range (integers at both
    ends: values rounded to integers, such as a capacity).

    Needs SALib: ``pip install 'carepath[sensitivity]'``.
    """
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise ImportError(
            "sensitivity analysis needs SALib: pip install 'carepath[sensitivity]'"
        ) from None
    from ..model import load

    if method not in ("sobol", "morris"):
        raise ValueError(f"method must be 'sobol' or 'morris', got {method!r}")
    sc = load(scenario)
    seed = sc.seed if seed is None else int(seed)
    replications = sc.replications if replications is None else int(replications)
    problem = {
        "num_vars": len(params),
        "names": list(params),
        "bounds": [[float(lo), float(hi)] for lo, hi in params.values()],
    }
    if method == "sobol":
        x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    else:
        x = morris_sample.sample(problem, n, seed=seed)
    points = pd.DataFrame(x, columns=list(params))
    for path, (lo, hi) in params.items():
        if isinstance(lo, int) and isinstance(hi, int):  # an integer parameter
            points[path] = np.rint(points[path]).astype(int)
    means = evaluate(sc, points, replications, seed, variant, executor, workers, address)
    if metric not in means.columns:
        raise KeyError(f"no metric '{metric}' in the run")
    y = means[metric].to_numpy(float)
    if method == "sobol":
        si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        indices = pd.DataFrame(
            {
                "parameter": problem["names"],
                "S1": si["S1"],
                "S1_conf": si["S1_conf"],
                "ST": si["ST"],
                "ST_conf": si["ST_conf"],
            }
        )
    else:
        si = morris_analyze.analyze(problem, x, y, seed=seed)
        indices = pd.DataFrame(
            {
                "parameter": problem["names"],
                "mu_star": si["mu_star"],
                "mu_star_conf": si["mu_star_conf"],
                "sigma": si["sigma"],
            }
        )
    return SensitivityResult(indices, points.assign(**{metric: y}), method, metric)
