"""Calibration: find parameter values whose run reproduces target metrics.

``calibrate`` minimises the squared relative errors with scipy's bounded
Nelder-Mead; ``abc`` gives a posterior with a small ABC-SMC (population
Monte Carlo, Beaumont et al. 2009) whose batches of particles run on the
sweep executors.  Both use common random numbers (the same seed at every
point), so the objective is a deterministic function of the parameters
and does not jitter from one evaluation to the next.  We wrote the ABC-SMC
(60 lines) rather than take pyabc: pyabc brings its own database, sampler
and multiprocessing, and would not run its particles on carepath's
executors (Dask, SLURM, MPI) or keep their common random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .evaluate import evaluate


def _bounds(params: dict[str, tuple[float, float]]) -> np.ndarray:
    bounds = np.array([[float(lo), float(hi)] for lo, hi in params.values()])
    if len(bounds) == 0 or not (bounds[:, 1] > bounds[:, 0]).all():
        raise ValueError("give each parameter a (low, high) range with low < high")
    return bounds


def _distance(means: pd.DataFrame, targets: dict[str, float]) -> np.ndarray:
    missing = [m for m in targets if m not in means.columns]
    if missing:
        raise KeyError(f"no metric '{missing[0]}' in the run")
    errors = [(means[m].to_numpy(float) - t) / (t if t != 0 else 1.0) for m, t in targets.items()]
    return np.sqrt(np.sum(np.square(errors), axis=0))


@dataclass
class CalibrationResult:
    """The best parameter values, the distance there, and every evaluation."""

    params: dict[str, float]
    distance: float
    metrics: dict[str, float]
    history: pd.DataFrame


def calibrate(
    scenario: Any,
    targets: dict[str, float],
    params: dict[str, tuple[float, float]],
    replications: int | None = None,
    seed: int | None = None,
    variant: str = "baseline",
    max_evaluations: int = 200,
    start: dict[str, float] | None = None,
) -> CalibrationResult:
    """Parameter values (within their ranges) whose mean metrics come closest to
    ``targets``, by bounded Nelder-Mead on the root of the summed squared
    relative errors.  Continuous parameters only."""
    from scipy.optimize import minimize

    from ..model import load

    sc = load(scenario)
    seed = sc.seed if seed is None else int(seed)
    replications = sc.replications if replications is None else int(replications)
    bounds = _bounds(params)
    names = list(params)
    history: list[dict[str, float]] = []

    def objective(x: np.ndarray) -> float:
        point = pd.DataFrame([dict(zip(names, np.clip(x, bounds[:, 0], bounds[:, 1])))])
        means = evaluate(sc, point, replications, seed, variant, "serial", 1)
        d = float(_distance(means, targets)[0])
        history.append(
            {**point.iloc[0].to_dict(), **{m: means[m].iloc[0] for m in targets}, "distance": d}
        )
        return d

    x0 = np.array([(start or {}).get(n, (lo + hi) / 2) for n, (lo, hi) in zip(names, bounds)])
    minimize(  # type: ignore[call-overload]  # its stubs want x typed as 1-d
        objective,
        x0,
        method="Nelder-Mead",
        bounds=bounds,
        options={"maxfev": max_evaluations, "xatol": 1e-6, "fatol": 1e-9},
    )
    table = pd.DataFrame(history)
    best = table.loc[table["distance"].idxmin()]
    return CalibrationResult(
        {n: float(best[n]) for n in names},
        float(best["distance"]),
        {m: float(best[m]) for m in targets},
        table,
    )


@dataclass
class ABCResult:
    """The final population: particles, their weights and distances; the
    tolerance of each generation; and how many runs it took (particles
    proposed x replications)."""

    particles: pd.DataFrame
    tolerances: list[float] = field(default_factory=list)
    simulations: int = 0

    def mean(self) -> pd.Series:
        """The posterior mean of each parameter."""
        w = self.particles["weight"].to_numpy()
        cols = [c for c in self.particles.columns if c not in ("weight", "distance")]
        return pd.Series({c: float(np.average(self.particles[c], weights=w)) for c in cols})


def abc(
    scenario: Any,
    targets: dict[str, float],
    params: dict[str, tuple[float, float]],
    particles: int = 100,
    generations: int = 4,
    quantile: float = 0.5,
    replications: int | None = None,
    seed: int | None = None,
    variant: str = "baseline",
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
) -> ABCResult:
    """A posterior for the parameters by ABC-SMC with uniform priors on their
    ranges: generation 0 draws from the prior; each later one keeps the
    proposals (from the previous population, moved by a Gaussian kernel of
    twice its weighted variance) within the ``quantile`` of the previous
    distances.  Each batch of proposals runs as one sweep."""
    from ..model import load

    sc = load(scenario)
    seed = sc.seed if seed is None else int(seed)
    replications = sc.replications if replications is None else int(replications)
    bounds = _bounds(params)
    names = list(params)
    rng = np.random.default_rng(seed)
    point_id = 0

    def run(theta: np.ndarray) -> np.ndarray:
        nonlocal point_id
        means = evaluate(
            sc,
            pd.DataFrame(theta, columns=names),
            replications,
            seed,
            variant,
            executor,
            workers,
            address,
            first_point=point_id,
        )
        point_id += len(theta)
        return _distance(means, targets)

    def kernel_weights(new_theta: np.ndarray, cov: np.ndarray) -> np.ndarray:
        # sum_j w_j K(new_i - theta_j), K Gaussian with covariance cov, in
        # blocks of rows so that memory stays small for large populations
        inv = np.linalg.inv(cov)
        out = np.empty(len(new_theta))
        for start in range(0, len(new_theta), 512):
            diff = new_theta[start : start + 512, None, :] - theta[None, :, :]
            kernel = np.exp(-0.5 * np.einsum("ijk,kl,ijl->ij", diff, inv, diff))
            out[start : start + 512] = kernel @ weights
        return out

    theta = bounds[:, 0] + rng.random((particles, len(names))) * (bounds[:, 1] - bounds[:, 0])
    dist = run(theta)
    weights = np.full(particles, 1.0 / particles)
    tolerances = [float("inf")]
    for _ in range(1, generations):
        eps = float(np.quantile(dist, quantile))
        cov = 2 * np.atleast_2d(np.cov(theta.T, aweights=weights))
        chol = np.linalg.cholesky(cov + 1e-12 * np.eye(len(names)))
        kept_t, kept_d = [], []
        for _attempt in range(50):
            picks = rng.choice(particles, size=2 * particles, p=weights)
            proposals = theta[picks] + rng.standard_normal((2 * particles, len(names))) @ chol.T
            inside = ((proposals >= bounds[:, 0]) & (proposals <= bounds[:, 1])).all(axis=1)
            proposals = proposals[inside]
            if len(proposals) == 0:
                continue
            d = run(proposals)
            kept_t += list(proposals[d <= eps])
            kept_d += list(d[d <= eps])
            if len(kept_t) >= particles:
                break
        new_theta = np.array(kept_t[:particles])
        new_dist = np.array(kept_d[:particles])
        # importance weights: uniform prior over the kernel mixture density
        new_weights = 1.0 / kernel_weights(new_theta, cov)
        theta, dist, weights = new_theta, new_dist, new_weights / new_weights.sum()
        particles = len(theta)
        tolerances.append(eps)
    table = pd.DataFrame(theta, columns=names).assign(weight=weights, distance=dist)
    return ABCResult(table, tolerances, point_id * replications)
