"""The patients' flow animated (``carepath animate``): one replication's
event log, in vidigi's vocabulary, drawn by vidigi with plotly.

Needs the ``app`` extra: ``pip install 'carepath[app]'``.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..io import atomic_path
from ..model.clock import UNIT_HOURS
from ..results.results import Results

if TYPE_CHECKING:
    from ..model import Scenario

# the layout: a row per step, its queue on the left, those served or busy on
# the right, in vidigi's coordinates
QUEUE_X, SERVED_X, ROW_GAP, TOP = 320, 720, 110, 60
FRAME_MINUTES = 10
# time 0 of the clock: a Monday, as carepath's week starts
EPOCH = "2024-01-01"


@dataclass
class Animation:
    """A plotly figure of the flow, with its window.

    Attributes
    ----------
    figure
        The plotly Figure (``figure.frames``: one per 10 minutes).
    events, positions
        What vidigi drew from: the events in its vocabulary, and where each
        is placed (the ``layout`` to override).
    window
        From and to, in the scenario's time units.
    """

    figure: Any
    events: pd.DataFrame
    positions: pd.DataFrame
    window: tuple[float, float]

    def html(self) -> str:
        """The page, plotly.js inlined (works offline)."""
        return str(self.figure.to_html(include_plotlyjs=True, full_html=True, auto_play=False))

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the page atomically."""
        text = self.html()
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")

    def _repr_html_(self) -> str:
        # plotly.js inlined here too: a notebook opened offline still plays it
        return str(self.figure.to_html(include_plotlyjs=True, full_html=False))


def _busiest_day(log: pd.DataFrame, unit: str) -> tuple[float, float]:
    """The day (in the scenario's units) with the most arrivals."""
    per_day = 24.0 / UNIT_HOURS[unit]
    arrivals = log.loc[log["event"] == "arrive", "time"].to_numpy(float)
    if arrivals.size == 0:
        raise ScenarioError("animate", "no patient arrived in this replication: nothing to draw")
    days, counts = np.unique(np.floor(arrivals / per_day), return_counts=True)
    day = float(days[np.argmax(counts)])
    return day * per_day, (day + 1.0) * per_day


def _minutes(sc: Scenario, t: Any) -> Any:
    """Times in the scenario's units as vidigi's: minutes from Monday 00:00."""
    return t * (60.0 * UNIT_HOURS[sc.time_unit]) + 60.0 * sc.start.hour_of_week


def vidigi_events(log: pd.DataFrame, sc: Scenario, start: float, end: float) -> pd.DataFrame:
    """The patients present between ``start`` and ``end``, their events in
    vidigi's vocabulary (times in minutes from Monday 00:00): arrival and
    depart; a queue event where they wait (``<step>: waiting``) or are busy
    without a server (a delay, an appointment); resource_use with the
    server's number while served, until its end (a hold, until its
    release)."""
    span = log.groupby("patient", sort=False)["time"].agg(["min", "max"])
    present = span.index[(span["min"] <= end) & (span["max"] >= start)]
    log = log[log["patient"].isin(present)]
    rows: list[tuple[Any, str, str, float, float]] = []
    busy: dict[str, set[int]] = {}
    serving: dict[tuple[Any, str], tuple[str, int]] = {}
    for patient, step, event, time, resource in zip(
        log["patient"].to_numpy(),
        log["step"].astype(str).to_numpy(),
        log["event"].astype(str).to_numpy(),
        _minutes(sc, log["time"].to_numpy(float)),
        log["resource"].astype(object).to_numpy(),
        strict=True,
    ):
        held = None if pd.isna(resource) else str(resource)
        if event == "arrive":
            rows.append((patient, "arrival_departure", "arrival", time, np.nan))
        elif event == "exit":
            rows.append((patient, "arrival_departure", "depart", time, np.nan))
        elif event == "schedule":
            rows.append((patient, "queue", f"{step}: waiting", time, np.nan))
        elif event == "start" and held is not None:
            taken = busy.setdefault(held, set())
            server = next(i for i in range(1, len(taken) + 2) if i not in taken)
            taken.add(server)
            serving[(patient, held)] = (step, server)
            rows.append((patient, "resource_use", step, time, float(server)))
        elif event == "start":
            rows.append((patient, "queue", step, time, np.nan))
        elif event in ("complete", "release") and held is not None:
            # a hold's complete comes at its start: it is served until the release
            if event == "complete" and sc.pathway[step].seize and sc.pathway[step].service is None:
                continue
            if (patient, held) in serving:
                at, server = serving.pop((patient, held))
                busy[held].discard(server)
                rows.append((patient, "resource_use_end", at, time, float(server)))
    return pd.DataFrame(rows, columns=["entity_id", "event_type", "event", "time", "resource_id"])


def default_layout(events: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """A row per step in pathway order: its queue left, its service right
    (with the resource's servers drawn), the exit at the bottom."""
    shown = set(events.loc[events["event_type"] != "arrival_departure", "event"])
    steps = [
        (name, st, [e for e in (f"{name}: waiting", name) if e in shown])
        for name, st in sc.pathway.items()
    ]
    steps = [s for s in steps if s[2]]
    rows: list[dict[str, Any]] = []
    for j, (_, st, here) in enumerate(steps):
        for event in here:
            served = (events["event"] == event) & (events["event_type"] == "resource_use")
            rows.append(
                {
                    "event": event,
                    "x": QUEUE_X if event.endswith(": waiting") else SERVED_X,
                    "y": TOP + ROW_GAP * (len(steps) - j),
                    "label": event.replace("_", " "),
                    "resource": st.seize if served.any() and isinstance(st.seize, str) else None,
                }
            )
    rows.append({"event": "depart", "x": SERVED_X, "y": TOP, "label": "left", "resource": None})
    return pd.DataFrame(rows)


def servers(sc: Scenario, events: pd.DataFrame, positions: pd.DataFrame) -> dict[str, int]:
    """Each resource's servers to draw: its capacity (with shifts, the most
    at once in the window)."""
    out = {name: int(r.capacity or 0) for name, r in sc.resources.items()}
    used = events[events["event_type"] == "resource_use"].groupby("event")["resource_id"].max()
    if "resource" in positions.columns:
        for event, resource in zip(positions["event"], positions["resource"], strict=True):
            if isinstance(resource, str) and event in used.index:
                out[resource] = max(out.get(resource, 0), int(used[event]))
    return {name: max(n, 1) for name, n in out.items()}


def animate(
    scenario: Any,
    *,
    variant: str | None = None,
    start: float | None = None,
    end: float | None = None,
    seed: int | None = None,
    layout: pd.DataFrame | None = None,
    out: str | os.PathLike[str] | None = None,
    log: pd.DataFrame | None = None,
) -> Animation:
    """Animate one replication's flow of patients with vidigi.

    Parameters
    ----------
    scenario
        A Scenario, a built-in id, a YAML path or a mapping.
    variant
        Which variant (default the baseline).
    start, end
        The window, in the scenario's time units (default the day with the
        most arrivals).
    seed
        Of the replication (default the scenario's).
    layout
        Where each event is drawn (vidigi's ``event_position_df``: ``event,
        x, y, label``, optionally ``resource``); default a row per step in
        pathway order (``Animation.positions`` to start from).
    out
        Write the page here (plotly.js inlined: no network needed).
    log
        An event log to draw instead of running one (``res.event_log``).

    Returns
    -------
    Animation
        Its figure, the events and positions drawn, and the window.
    """
    try:
        from vidigi.animation import animate_activity_log
    except ImportError:
        raise ImportError("the animation needs vidigi: pip install 'carepath[app]'") from None
    from ..engine.run import run
    from ..model.loading import load

    sc = load(scenario)
    chosen = variant or "baseline"
    run_sc = sc.variant(chosen)  # an unknown variant: a ScenarioError naming those there are
    if log is None:
        res = run(
            sc,
            replications=1,
            seed=seed,
            variants=[chosen],
            changes={"results.event_log": {"max_events": 10**8}},
        )
        log = res.event_log
    assert log is not None
    log = log[(log["variant"] == chosen) & (log["replication"] == log["replication"].min())]
    if start is None or end is None:
        first, last = _busiest_day(log, sc.time_unit)
        start = first if start is None else start
        end = last if end is None else end
    if end <= start:
        raise ScenarioError(
            "animate", f"the window must end after it starts, got {start:g} to {end:g}"
        )
    events = vidigi_events(log, run_sc, start, end)
    if not (events["event"] == "arrival").any():
        raise ScenarioError(
            "animate",
            f"no patient in the window {start:g} to {end:g} (patients are logged after the "
            f"warm-up, {float(sc.warmup):g}, until the horizon, {float(sc.horizon):g})",
        )
    positions = default_layout(events, run_sc) if layout is None else layout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # vidigi's notes on entities left outside the window
        figure = animate_activity_log(
            events,
            positions,
            scenario=servers(run_sc, events, positions),
            simulation_time_unit="minutes",
            every_x_time_units=FRAME_MINUTES,
            warm_up=int(_minutes(sc, start)),
            limit_duration=int(np.ceil(_minutes(sc, end))),
            start_date=EPOCH,
            start_time="00:00:00",
            time_display_units="dhm",
            custom_entity_icon_list=["●"],
            entity_icon_size=14,
            resource_icon_size=16,
            text_size=13,
            gap_between_entities=9,
            gap_between_resources=14,
            wrap_queues_at=30,
            plotly_height=max(500, int(positions["y"].max()) + 160),
            setup_mode=False,
        )
    result = Animation(figure, events, positions, (float(start), float(end)))
    if out is not None:
        result.write(out)
    return result


@Results.register("animate")
def _animate(res: Results, **options: Any) -> Animation:
    """[`animate`][carepath.outputs.animation.animate] a replication of these
    results: their event log if they kept one, else one run with their seed."""
    options.setdefault("seed", res.seed)
    if res.event_log is not None:
        options.setdefault("log", res.event_log)
    return animate(res.model if res.model is not None else res.scenario, **options)
