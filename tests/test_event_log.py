"""The event log: its counts equal the engine's counters; process mining finds the pathway."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import carepath as cp
from pathways import scenario

LOG = {"event_log": {"max_events": 10_000_000}}


@pytest.fixture(scope="module")
def triage():
    """smart-triage exercises every kind of event: queues with reneging, delays,
    wait_until, appointment books with DNAs and full books, exits."""
    sc = cp.load("smart-triage").with_changes({"results.event_log": LOG["event_log"]})
    return cp.run(sc, replications=2, variants=["baseline"])


def test_event_counts_equal_the_engines_counters(triage):
    res = triage
    sc = cp.load("smart-triage")
    log = res.event_log
    counts = log.groupby(["replication", "step", "event"], observed=True).size()
    for rep in range(2):
        metrics = res.values("baseline").iloc[rep]

        def n(step: str, event: str, rep: int = rep) -> int:
            return int(counts.get((rep, step, event), 0))

        assert (
            int((log[log["replication"] == rep]["event"] == "arrive").sum()) == metrics["arrivals"]
        )
        for name, st in sc.pathway.items():
            if st.seize or st.delay or st.wait_until:
                assert n(name, "complete") == metrics[f"served.{name}"], name
            if st.book:
                assert n(name, "complete") == metrics[f"attended.{name}"], name
                assert n(name, "full") == metrics[f"full.{name}"], name
            if st.patience is not None:
                assert n(name, "renege") == metrics[f"reneged.{name}"], name
            if st.exit:
                assert n(name, "exit") == metrics[f"exits.{st.exit}"], name
    assert set(log["event"].unique()) >= {
        "arrive",
        "schedule",
        "start",
        "complete",
        "renege",
        "dna",
        "exit",
    }


def test_a_patients_events_are_in_time_order(triage):
    log = triage.event_log
    first = log[log["replication"] == 0]
    assert (first.groupby("patient")["time"].diff().dropna() >= 0).all()


def test_the_cap_keeps_the_first_events_and_warns():
    sc = cp.load("mm5").with_changes({"results.event_log": {"max_events": 50}})
    with pytest.warns(UserWarning, match="kept 50 events a replication and dropped"):
        res = cp.run(sc, replications=3, variants=["baseline"])
    assert res.event_log.groupby("replication").size().tolist() == [50, 50, 50]


def test_no_log_unless_asked():
    res = cp.run("mm5", replications=1)
    assert res.event_log is None
    with pytest.raises(ValueError, match="no event log"):
        res.write_event_log("x.parquet")


def test_parquet_round_trip(tmp_path, triage):
    path = tmp_path / "log.parquet"
    triage.write_event_log(path)
    back = pd.read_parquet(path)
    assert len(back) == len(triage.event_log)
    assert (back["time"].to_numpy() == triage.event_log["time"].to_numpy()).all()


def test_process_mining_discovers_the_pathway(tmp_path):
    """pm4py reads the XES back, and discovery on it finds the pathway's steps and
    its two routes (nurse or GP after triage)."""
    pm4py = pytest.importorskip("pm4py")
    data = scenario(
        {
            "triage": {
                "seize": "nurse",
                "service": {"dist": "exponential", "mean": 0.1},
                "then": "route",
            },
            "route": {"branch": [{"p": 0.3, "to": "see_gp"}, {"p": 0.7, "to": "advice"}]},
            "see_gp": {
                "seize": "gp",
                "service": {"dist": "exponential", "mean": 0.3},
                "then": "done",
            },
            "advice": {"delay": {"dist": "fixed", "value": 0.05}, "then": "done"},
            "done": {"exit": "home"},
        },
        [{"name": "walk_in", "rate": 4.0, "start": "triage"}],
        resources={"nurse": {"capacity": 1}, "gp": {"capacity": 2}},
        horizon=50.0,
        replications=1,
        results=LOG,
    )
    res = cp.run(data)
    path = tmp_path / "log.xes"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res.write_event_log(path)
        log = pm4py.read_xes(str(path))
        completed = log[log["lifecycle:transition"] == "complete"]
        dfg, starts, ends = pm4py.discover_dfg(completed)
    assert completed["case:concept:name"].nunique() == res.values("baseline")["arrivals"].iloc[0]
    assert set(starts) == {"triage"} and set(ends) == {"done"}
    assert {
        ("triage", "see_gp"),
        ("triage", "advice"),
        ("see_gp", "done"),
        ("advice", "done"),
    } <= set(dfg)
    assert ("see_gp", "advice") not in dfg


def test_a_hold_ends_at_its_release():
    # a bed held over a stay and given back at a release step
    sc = scenario(
        {
            "admit": {"seize": "bed", "then": "stay"},
            "stay": {"delay": {"dist": "exponential", "mean": 5.0}, "then": "discharge"},
            "discharge": {"release": "bed", "then": "out"},
            "out": {"exit": "home"},
        },
        [{"name": "a", "rate": 0.5, "start": "admit"}],
        resources={"bed": {"capacity": 4}},
        results=LOG,
    )
    res = cp.run(sc, replications=1)
    log = res.event_log
    assert log.attrs["time_unit"] == "hours"
    released = log[log["event"] == "release"]
    metrics = res.values("baseline").iloc[0]
    at_discharge = released[released["step"] == "discharge"]
    assert len(at_discharge) == len(released) == metrics["exits.home"] > 0  # discharge, then out
    assert set(at_discharge["resource"]) == {"bed"}
    seized = log[(log["event"] == "start") & (log["step"] == "admit")].set_index("patient")["time"]
    given = at_discharge.set_index("patient")["time"]
    assert (given >= seized.reindex(given.index)).all()
