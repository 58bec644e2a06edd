"""Models driven by data: arrivals replayed from a file, counts per period,
patients as rows of a table, lists read from files, compound arrivals,
counts per series bin and ``observe: start`` -- checked exactly where the
answer is exact, and against theory within an interval where it is random."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

import carepath as cp
from carepath.model.arrival_data import replay_data

pytestmark = pytest.mark.filterwarnings("ignore::carepath.errors.LoadWarning")


def clinic(arrival: dict, horizon: float = 100.0, **extra: object) -> dict:
    """One nurse, one service, one exit; patients from ``arrival``."""
    return {
        "name": "clinic",
        "horizon": horizon,
        "resources": {"nurse": {"capacity": 2}},
        "arrivals": [{"name": "referrals", "start": "see", **arrival}],
        "pathway": {
            "see": {
                "seize": "nurse",
                "service": {"dist": "exponential", "mean": 0.2},
                "then": "out",
            },
            "out": {"exit": "seen"},
        },
        **extra,
    }


def write(folder, name: str, data: dict) -> str:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


@pytest.fixture
def referrals(tmp_path):
    rng = np.random.default_rng(11)
    times = np.sort(rng.uniform(0, 90, 400))
    frame = pd.DataFrame(
        {"t": times, "age": rng.integers(18, 95, 400), "urgent": rng.integers(0, 2, 400)}
    )
    frame.to_csv(tmp_path / "referrals.csv", index=False)
    return frame


def test_replayed_arrivals_are_the_files_in_every_replication(tmp_path, referrals):
    path = write(
        tmp_path,
        "replay.yaml",
        clinic({"from": "referrals.csv", "time": "t"}, results={"event_log": {}}),
    )
    res = cp.run(path, replications=3, seed=5)
    log = res.event_log
    for rep in range(3):
        arrived = log[(log.replication == rep) & (log.event == "arrive")].sort_values("time")
        assert arrived["time"].to_numpy() == pytest.approx(referrals["t"].to_numpy(), abs=0)
    assert (res.per_replication["arrivals"] == len(referrals)).all()


def test_replayed_attributes_are_the_files(tmp_path, referrals):
    data = clinic(
        {"from": "referrals.csv", "time": "t", "attributes": {"urgent": "urgent"}},
        results={"by": ["urgent"]},
    )
    res = cp.run(write(tmp_path, "replay.yaml", data), replications=2, seed=1)
    row = res.per_replication.iloc[0]
    counts = referrals["urgent"].value_counts()
    assert row["arrivals[urgent=1]"] == counts[1]
    assert row["arrivals[urgent=0]"] == counts[0]


def test_timestamps_count_from_the_origin(tmp_path):
    stamps = pd.to_datetime(["2025-04-01 08:00", "2025-04-01 09:30", "2025-04-02 00:15"])
    pd.DataFrame({"when": stamps.astype(str)}).to_csv(tmp_path / "stamps.csv", index=False)
    data = clinic(
        {"from": "stamps.csv", "time": "when", "origin": "2025-04-01 00:00"},
        horizon=48,
        results={"event_log": {}},
    )
    res = cp.run(write(tmp_path, "s.yaml", data), replications=1)
    log = res.event_log
    assert sorted(log[log.event == "arrive"]["time"]) == pytest.approx([8.0, 9.5, 24.25])


def test_counts_per_period_are_exact_and_uniform_within(tmp_path):
    counts = [40, 0, 25, 60, 35]
    pd.DataFrame({"day": [0, 24, 48, 72, 96], "n": counts}).to_csv(
        tmp_path / "daily.csv", index=False
    )
    data = clinic(
        {"from": "daily.csv", "count": "n", "period": "day"},
        horizon=120,
        results={"event_log": {}},
    )
    res = cp.run(write(tmp_path, "c.yaml", data), replications=4, seed=2)
    log = res.event_log
    offsets = []
    for rep in range(4):
        t = log[(log.replication == rep) & (log.event == "arrive")]["time"].to_numpy()
        per_day = np.bincount((t // 24).astype(int), minlength=5)
        assert per_day.tolist() == counts
        offsets += list(t % 24 / 24)
    # within its day an arrival is uniform: a KS test on the 640 times
    assert stats.kstest(offsets, "uniform").pvalue > 0.001


def test_every_makes_periods_of_one_length(tmp_path):
    pd.DataFrame({"n": [3, 5, 2]}).to_csv(tmp_path / "n.csv", index=False)
    data = clinic(
        {"from": "n.csv", "count": "n", "every": "1 day"},
        horizon=72,
        results={"series": {"bin": "1 day"}},
    )
    res = cp.run(write(tmp_path, "e.yaml", data), replications=2)
    s = res.series["baseline"]
    assert s.values[:, s.names.index("arrivals"), :].tolist() == [[3, 5, 2], [3, 5, 2]]


@pytest.fixture
def people(tmp_path):
    rng = np.random.default_rng(3)
    age = rng.choice([40.0, 60.0, 80.0], 300, p=[0.2, 0.3, 0.5])
    frame = pd.DataFrame({"age": age, "copy": age, "stay": age / 10 + rng.uniform(0, 1, 300)})
    frame.to_csv(tmp_path / "people.csv", index=False)
    return frame


def paired_clinic(table: dict) -> dict:
    """Patients whose ``a`` and ``b`` differ leave as 'mismatch'."""
    data = clinic({"rate": 20.0, "attributes_from": table}, horizon=50.0)
    data["pathway"] = {
        "check": {
            "branch": [{"when": "a != b", "to": "mismatch"}, {"otherwise": "see"}],
        },
        "mismatch": {"exit": "mismatch"},
        **data["pathway"],
    }
    data["arrivals"][0]["start"] = "check"
    data["results"] = {"by": ["a"]}
    return data


def test_rows_keep_their_columns_together_and_their_shares(tmp_path, people):
    table = {"file": "people.csv", "columns": {"a": "age", "b": "copy"}}
    res = cp.run(write(tmp_path, "rows.yaml", paired_clinic(table)), replications=10, seed=4)
    reps = res.per_replication
    assert "exits.mismatch" not in reps or (reps["exits.mismatch"] == 0).all()
    total = reps["arrivals"].sum()
    for age, share in people["age"].value_counts(normalize=True).items():
        got = reps[f"arrivals[a={age:g}]"].sum()
        half = 3.3 * math.sqrt(share * (1 - share) / total)  # a 99.9% binomial interval
        assert abs(got / total - share) < half


def test_row_weights_set_the_shares(tmp_path, people):
    people.assign(w=np.where(people["age"] == 40.0, 10.0, 0.0)).to_csv(
        tmp_path / "people.csv", index=False
    )
    table = {"file": "people.csv", "columns": {"a": "age", "b": "copy"}, "weights": "w"}
    res = cp.run(write(tmp_path, "w.yaml", paired_clinic(table)), replications=2)
    reps = res.per_replication
    assert (reps["arrivals[a=40]"] == reps["arrivals"]).all()


def test_a_list_from_a_file_runs_as_the_numbers_typed_in(tmp_path):
    rates = [0.5 + 0.1 * h for h in range(24)]
    values = [1.0, 2.0, 4.0, 8.0]
    pd.DataFrame({"rate": rates}).to_csv(tmp_path / "rates.csv", index=False)
    pd.DataFrame({"v": values, "w": [4, 3, 2, 1]}).to_csv(tmp_path / "lengths.csv", index=False)
    typed = clinic({"profile": {"hourly": rates}}, horizon=200)
    typed["pathway"]["see"]["service"] = {
        "dist": "empirical",
        "values": values,
        "weights": [4, 3, 2, 1],
    }
    from_files = clinic(
        {"profile": {"hourly": {"file": "rates.csv", "column": "rate"}}}, horizon=200
    )
    from_files["pathway"]["see"]["service"] = {
        "dist": "empirical",
        "values": {"file": "lengths.csv", "column": "v"},
        "weights": {"file": "lengths.csv", "column": "w"},
    }
    a = cp.run(write(tmp_path, "typed.yaml", typed), replications=3, seed=9)
    b = cp.run(write(tmp_path, "files.yaml", from_files), replications=3, seed=9)
    pd.testing.assert_frame_equal(a.per_replication, b.per_replication)


def test_a_books_slots_from_a_file(tmp_path):
    pd.DataFrame({"days": ["mon tue", "wed"], "start": ["09:00", "14:00"], "count": [4, 6]}).to_csv(
        tmp_path / "diary.csv", index=False
    )
    sc = cp.load(
        write(
            tmp_path,
            "book.yaml",
            {
                "name": "diary",
                "horizon": 24 * 14,
                "books": {"clinic": {"slots": {"file": "diary.csv"}}},
                "arrivals": [{"name": "r", "rate": 0.05, "start": "wait"}],
                "pathway": {
                    "wait": {"book": "clinic", "then": "out", "on_full": "out"},
                    "out": {"exit": "seen"},
                },
            },
        )
    )
    slots = sc.books["clinic"].slots
    assert [(g.days, g.start, g.count) for g in slots] == [
        (["mon", "tue"], "09:00", 4),
        (["wed"], "14:00", 6),
    ]


def test_compound_poisson_arrivals_have_the_poisson_mean_and_variance():
    days = 2000
    data = clinic(
        {"schedule": {"daily": ["00:00"]}, "batch": {"dist": "poisson", "mean": 3}},
        horizon=24.0 * days - 1,
        results={"series": {"bin": "1 day"}},
    )
    res = cp.run(data, replications=4, seed=8)
    s = res.series["baseline"]
    per_day = s.values[:, s.names.index("arrivals"), :].ravel()
    n = per_day.size
    assert abs(per_day.mean() - 3) < 3.3 * math.sqrt(3 / n)
    # the sample variance of n Poisson(3) counts has sd about sqrt((3 + 2 * 9) / n)
    assert abs(per_day.var(ddof=1) - 3) < 3.3 * math.sqrt((3 + 2 * 9) / n)


def test_counts_per_bin_sum_to_the_windows_totals():
    data = clinic(
        {"rate": 8.0},
        horizon=100.0,
        results={"series": {"bin": 7.0, "counts": ["arrivals", "exits", "served.see"]}},
    )
    res = cp.run(data, replications=3, seed=6)
    s = res.series["baseline"]
    totals = s.values.sum(axis=2)
    reps = res.per_replication
    assert totals[:, s.names.index("arrivals")].tolist() == reps["arrivals"].tolist()
    assert totals[:, s.names.index("exits.seen")].tolist() == reps["exits.seen"].tolist()
    assert totals[:, s.names.index("served.see")].tolist() == reps["served.see"].tolist()


def test_observe_start_counts_the_services_started_in_the_window(tmp_path):
    # by hand: one nurse, service 10; arrivals at 1, 2, 3 queue to start at 1, 11, 21.
    # Window [5, 25]: by arrival nobody is counted; by start the 2nd and 3rd, waits 9 and 18.
    pd.DataFrame({"t": [1.0, 2.0, 3.0]}).to_csv(tmp_path / "three.csv", index=False)
    data = clinic({"from": "three.csv", "time": "t"}, horizon=25.0, warmup=5.0, follow_up=20.0)
    data["resources"]["nurse"]["capacity"] = 1
    data["pathway"]["see"]["service"] = {"dist": "fixed", "value": 10.0}
    by_arrival = cp.run(write(tmp_path, "a.yaml", data), replications=1).per_replication
    assert by_arrival["served.see"].iloc[0] == 0
    data["results"] = {"observe": "start"}
    by_start = cp.run(write(tmp_path, "s.yaml", data), replications=1).per_replication
    assert by_start["served.see"].iloc[0] == 2
    assert by_start["wait.see.mean"].iloc[0] == pytest.approx((9 + 18) / 2)


def test_a_variant_points_a_source_at_another_file(tmp_path, referrals):
    referrals.iloc[:100].to_csv(tmp_path / "fewer.csv", index=False)
    data = clinic(
        {"from": "referrals.csv", "time": "t"},
        variants={"fewer": {"arrivals.0.from": "fewer.csv"}},
    )
    res = cp.run(write(tmp_path, "v.yaml", data), replications=1)
    counts = res.per_replication.set_index("variant")["arrivals"]
    assert counts["baseline"] == 400 and counts["fewer"] == 100


def test_data_sources_are_the_same_on_any_thread_count(tmp_path, referrals, people):
    data = clinic(
        {"from": "referrals.csv", "time": "t", "attributes": {"age": "age"}},
        results={"series": {"bin": 10.0}},
    )
    data["arrivals"].append(
        {
            "name": "walk_in",
            "start": "see",
            "rate": 2.0,
            "batch": {"dist": "poisson", "mean": 2},
            "attributes_from": {"file": "people.csv", "columns": {"age": "age"}},
        }
    )
    path = write(tmp_path, "t.yaml", data)
    one = cp.run(path, replications=6, seed=3, threads=1)
    two = cp.run(path, replications=6, seed=3, threads=2)
    pd.testing.assert_frame_equal(one.per_replication, two.per_replication)
    assert np.array_equal(one.series["baseline"].values, two.series["baseline"].values)


def test_a_file_is_read_once_and_shared(tmp_path, referrals):
    path = write(tmp_path, "r.yaml", clinic({"from": "referrals.csv", "time": "t"}))
    a, b = cp.load(path), cp.load(path)
    assert replay_data(a.arrivals[0], 0, a) is replay_data(b.arrivals[0], 0, b)


@pytest.mark.parametrize(
    ("arrival", "files", "message"),
    [
        (
            {"from": "none.csv", "time": "t"},
            {},
            r"arrivals\[0\]\.from: data file .* does not exist",
        ),
        (
            {"from": "a.csv", "time": "x"},
            {"a.csv": "t\n1\n"},
            r"arrivals\[0\]\.time: 'a.csv' has no column 'x'",
        ),
        (
            {"from": "a.csv", "time": "t"},
            {"a.csv": "t\n1\n3\n2\n"},
            r"arrivals\[0\]\.time: times must be sorted",
        ),
        (
            {"from": "a.csv", "time": "t"},
            {"a.csv": "t\n-1\n3\n"},
            r"arrivals\[0\]\.time: times must be >= 0",
        ),
        (
            {"from": "a.csv", "time": "t"},
            {"a.csv": "t\n2025-01-01\n"},
            r"arrivals\[0\]\.time: holds timestamps .* give origin",
        ),
        (
            {"from": "a.csv", "time": "t"},
            {"a.csv": "t\n"},
            r"arrivals\[0\]\.from: 'a.csv' has no rows",
        ),
        (
            {"from": "a.csv", "count": "n", "every": 24},
            {"a.csv": "n\n2\n1.5\n"},
            r"arrivals\[0\]\.count: counts must be whole",
        ),
        ({"from": "a.txt", "time": "t"}, {"a.txt": "t\n1\n"}, r"not a .csv or .parquet file"),
        (
            {"from": "a.csv", "time": "t", "attributes": {"k": "t2"}},
            {"a.csv": "t,t2\n1,x\n"},
            r"arrivals\[0\]\.attributes\.k: column 't2' holds text",
        ),
        (
            {"rate": 1, "attributes_from": {"file": "a.csv", "columns": {"k": "z"}}},
            {"a.csv": "t\n1\n"},
            r"arrivals\[0\]\.attributes_from\.columns\.k: 'a.csv' has no column 'z'",
        ),
        ({"rate": 1, "attributes": {"k": "col"}}, {}, r"a column name \('col'\) needs from"),
        ({"rate": 1, "batch": {"dist": "exponential", "mean": 2}}, {}, r"batch: .* whole number"),
        ({"cohort": 5, "batch": 2}, {}, r"batch goes with rate"),
        (
            {"rate": 1, "batch": {"dist": "poisson", "mean": 1, "low": 80}},
            {},
            r"keep a probability",
        ),
        ({"from": "a.csv", "count": "n"}, {"a.csv": "n\n1\n"}, r"count needs period .* or every"),
        (
            {"profile": {"hourly": {"file": "a.csv", "column": "q"}}},
            {"a.csv": "t\n1\n"},
            r"profile\.hourly: 'a.csv' has no column 'q'",
        ),
    ],
)
def test_bad_data_is_refused_in_one_line_naming_the_field(tmp_path, arrival, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    path = write(tmp_path, "bad.yaml", clinic(arrival))
    with pytest.raises(cp.ScenarioError, match=message):
        cp.load(path)
    done = subprocess.run(
        [sys.executable, "-m", "carepath", "run", path, "-n", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_referrals_example_replays_its_year(tmp_path):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "docs" / "examples" / "referrals"
    rows = len(pd.read_csv(folder / "referrals.csv"))
    res = cp.run(folder / "referrals.yaml", replications=2, changes={"follow_up": "8 weeks"})
    reps = res.per_replication
    assert (reps["arrivals"] == rows).all() and (reps["exits.assessed"] == rows).all()
    s = res.series["baseline"]
    assert (s.values[:, s.names.index("arrivals"), :].sum(axis=1) == rows).all()


def test_a_sweep_reads_the_file_on_its_workers(tmp_path, referrals):
    path = write(tmp_path, "s.yaml", clinic({"from": "referrals.csv", "time": "t"}))
    out = cp.sweep(
        path, {"resources.nurse.capacity": [2, 3]}, replications=2, executor="local", workers=2
    )
    table = out.results
    assert set(table["resources.nurse.capacity"]) == {2, 3}
    assert len(table) == 4 and (table["arrivals"] == len(referrals)).all()


def test_a_sweep_over_files_reads_them_from_the_scenarios_folder(tmp_path, referrals):
    import os

    referrals.iloc[:50].to_csv(tmp_path / "fifty.csv", index=False)
    path = write(tmp_path, "s.yaml", clinic({"from": "referrals.csv", "time": "t"}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    here = os.getcwd()
    os.chdir(elsewhere)  # relative paths start from the scenario file, not from here
    try:
        out = cp.sweep(
            path,
            {"arrivals.0.from": ["referrals.csv", "fifty.csv"]},
            replications=1,
            executor="local",
            workers=2,
        )
    finally:
        os.chdir(here)
    table = out.results.sort_values("point")
    assert table["arrivals"].tolist() == [len(referrals), 50]
