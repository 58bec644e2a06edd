"""``carepath fit``: a model fitted to an event log reproduces the log's
KPIs, from carepath's own log and from a log in the plain columns;
fitting is deterministic; a bad log is one line naming the row or column."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import carepath as cp
from browser import IMAGE_SIZES, chromium_page
from carepath.analysis.fitting import LogError, fit, fit_duration

pytestmark = pytest.mark.filterwarnings("ignore::carepath.errors.LoadWarning")

# triage, then x-ray for some, then a doctor: multi-server, probabilistic
# routing, non-exponential services
NETWORK = {
    "name": "ed",
    "horizon": 2000.0,
    "results": {"event_log": {"max_events": 10**7}},
    "resources": {
        "triage_nurse": {"capacity": 2},
        "doctor": {"capacity": 3},
        "xray": {"capacity": 1},
    },
    "arrivals": [{"name": "a", "rate": 2.0, "start": "triage"}],
    "pathway": {
        "triage": {
            "seize": "triage_nurse",
            "service": {"dist": "gamma", "mean": 0.5, "sd": 0.3},
            "then": "route",
        },
        "route": {"branch": [{"p": 0.3, "to": "imaging"}, {"p": 0.7, "to": "see_doctor"}]},
        "imaging": {
            "seize": "xray",
            "service": {"dist": "lognormal", "mean": 0.35, "sd": 0.2},
            "then": "see_doctor",
        },
        "see_doctor": {
            "seize": "doctor",
            "service": {"dist": "exponential", "mean": 1.2},
            "then": "out",
        },
        "out": {"exit": "home"},
    },
}


@pytest.fixture(scope="module")
def event_log() -> pd.DataFrame:
    return cp.run(NETWORK, replications=1, seed=3).event_log


def kpi(result, name: str) -> pd.Series:
    return result.validation.set_index("kpi").loc[name]


def test_a_round_trip_through_carepaths_own_event_log_reproduces_its_kpis(event_log):
    result = fit(event_log, replications=20, seed=2, tolerance=0.15)
    sc = result.scenario
    assert {r: sc.resources[r].capacity for r in sc.resources} == {
        "triage_nurse": 2,
        "doctor": 3,
        "xray": 1,
    }
    for step in ("triage", "imaging", "see_doctor"):
        wait, service = kpi(result, f"wait.{step}.mean"), kpi(result, f"service.{step}.mean")
        assert (
            abs(wait["difference"]) < 0.15
            or abs(wait["model"] - wait["log"]) < 0.15 * service["log"]
        )
        assert abs(service["difference"]) < 0.05
    assert abs(kpi(result, "system_time.mean")["difference"]) < 0.08
    assert result.passed
    branch = {arm.to: arm.p for arm in sc.pathway["after_triage"].branch}
    assert branch["imaging"] == pytest.approx(0.3, abs=0.03)
    # the event-log distances of log-distance-measures, between the log and the model's
    distance = result.distances.set_index("distance")["value"]
    assert distance["cycle_time_emd"] < 0.1 and distance["ngram_2"] < 0.05
    assert distance["circadian_emd"] < 1.0  # hours
    assert 0 <= distance["throughput_by_hour"] < 0.5


def test_a_log_in_plain_columns_with_timestamps_and_individuals(tmp_path):
    # the same activities as a hospital extract: timestamps, named columns,
    # and the individual who served each (two of the three doctors seen)
    log = cp.run(NETWORK, replications=1, seed=5).event_log
    starts = log[log.event == "start"].set_index(["patient", "step"])["time"]
    ends = log[log.event == "complete"].set_index(["patient", "step"])["time"]
    both = pd.concat([starts.rename("s"), ends.rename("e")], axis=1).dropna().reset_index()
    origin = pd.Timestamp("2025-01-06 00:00")
    rng = np.random.default_rng(1)
    extract = pd.DataFrame(
        {
            "patient_id": both["patient"],
            "step": both["step"],
            "began": (origin + pd.to_timedelta(both["s"], unit="h")).astype(str),
            "finished": (origin + pd.to_timedelta(both["e"], unit="h")).astype(str),
            "staff": [f"{s}-{rng.integers(1, 3)}" for s in both["step"]],
        }
    )
    path = tmp_path / "extract.csv"
    extract.to_csv(path, index=False)
    result = fit(
        path,
        case="patient_id",
        activity="step",
        start="began",
        end="finished",
        resource="staff",
        validate=False,
    )
    sc = result.scenario
    assert sc.start.day == "mon" and sc.arrivals[0].rate == pytest.approx(2.0, rel=0.05)
    assert sc.resources["see_doctor"].capacity >= 2  # individuals seen, or the most at once


def test_fitting_is_deterministic(event_log):
    assert fit(event_log, validate=False).to_yaml() == fit(event_log, validate=False).to_yaml()


def test_the_best_family_by_aic():
    rng = np.random.default_rng(4)
    dist, how, test = fit_duration(rng.gamma(4.0, 0.5, 3000))
    assert how.startswith("gamma by AIC") and test.startswith("KS p = ")
    assert dist["dist"] == "gamma" and dist["mean"] == pytest.approx(2.0, rel=0.05)
    dist, _, _ = fit_duration(rng.lognormal(0.0, 0.8, 3000))
    assert dist["dist"] == "lognormal"
    dist, _, _ = fit_duration(np.full(20, 3.0))
    assert dist == {"dist": "fixed", "value": 3.0}
    dist, how, _ = fit_duration(rng.uniform(0, 1, 5))
    assert dist["dist"] == "empirical" and how == "empirical: 5 values"


def test_the_cli_writes_the_scenario_and_exits_3_when_a_kpi_is_off(tmp_path, event_log):
    log = tmp_path / "log.parquet"
    event_log.to_parquet(log)
    out = tmp_path / "model.yaml"  # and fit-report.html beside it
    done = subprocess.run(
        # the plumbing, not the accuracy (tested above with 20 replications)
        [
            sys.executable,
            "-m",
            "carepath",
            "fit",
            str(log),
            "-o",
            str(out),
            "-n",
            "5",
            "--tolerance",
            "0.3",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert cp.load(out).pathway["triage"].seize == "triage_nurse"
    assert out.read_text().startswith("# Fitted by carepath fit")
    assert (tmp_path / "fit-report.html").is_file()
    done = subprocess.run(
        [sys.executable, "-m", "carepath", "fit", str(log), "-n", "5", "--tolerance", "0.0001"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        ("case,activity,start\n1,a,0\n", {}, r"log: has no column 'end'"),
        (
            "case,activity,start,end\n1,a,0,1\n1,b,3,2\n2,a,1,2\n",
            {},
            r"row 2: end \(2\) is before start \(3\)",
        ),
        (
            "case,activity,start,end\n1,a,2025-01-01,2025-01-01\n1,b,soon,2025-01-02\n",
            {},
            r"column 'start', row 2: cannot read 'soon'",
        ),
        ("case,activity,start,end\n1,a,0,1\n1,b,1,2\n", {}, r"has one case"),
        ("case,activity,start,end\n1,a,0,1\n2,a,1,2\n", {}, r"has one activity \('a'\)"),
        (
            "id,activity,start,end\n1,a,0,1\n",
            {"case": "patient"},
            r"has no column 'patient' for the case",
        ),
    ],
)
def test_a_bad_log_is_one_line_naming_the_row_or_column(tmp_path, rows, columns, message):
    path = tmp_path / "bad.csv"
    path.write_text(rows)
    with pytest.raises(LogError, match=message):
        fit(path, validate=False, **columns)
    args = [f"--{k}={v}" for k, v in columns.items()]
    done = subprocess.run(
        [sys.executable, "-m", "carepath", "fit", str(path), "--no-validate", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_log_from_another_engine_is_fitted_and_its_kpis_reproduced():
    # Ciw: three nodes, probabilistic routing, 2, 1 and 3 servers, gamma,
    # lognormal and uniform services; its server_id is the resource
    ciw = pytest.importorskip("ciw", reason="the test extra installs Ciw")
    ciw.seed(7)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=2.0), None, None],
        service_distributions=[
            ciw.dists.Gamma(shape=2.8, scale=0.18),
            ciw.dists.Lognormal(mean=-1.2, sd=0.5),
            ciw.dists.Uniform(lower=0.6, upper=1.8),
        ],
        routing=[[0.0, 0.3, 0.7], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]],
        number_of_servers=[2, 1, 3],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(4000)
    records = pd.DataFrame(sim.get_all_records())
    records = records[records["record_type"] == "service"]
    node = "node" + records["node"].astype(str)
    log = pd.DataFrame(
        {
            "id": records["id_number"],
            "node": node,
            "began": records["service_start_date"],
            "done": records["service_end_date"],
            "queued": records["arrival_date"],
            "server": node + "-" + records["server_id"].astype(str),
        }
    )
    result = fit(
        log,
        case="id",
        activity="node",
        start="began",
        end="done",
        arrival="queued",
        resource="server",
        replications=20,
        seed=3,
        tolerance=0.15,
    )
    sc = result.scenario
    assert {r: sc.resources[r].capacity for r in sc.resources} == {
        "node1": 2,
        "node2": 1,
        "node3": 3,
    }
    for step in ("node1", "node2", "node3"):
        assert abs(kpi(result, f"wait.{step}.mean")["difference"]) < 0.15
        assert abs(kpi(result, f"service.{step}.mean")["difference"]) < 0.05
    assert abs(kpi(result, "system_time.mean")["difference"]) < 0.08


def test_the_fit_report_renders_in_headless_chromium(tmp_path, event_log):
    from carepath.outputs.fit_report import write_fit_report

    result = fit(event_log, replications=5)
    path = write_fit_report(result, tmp_path / "fit-report.html")
    text = path.read_text()
    assert "The model against the log" in text and text.count("<img") == 3
    with chromium_page(path) as (page, errors):
        sizes = page.eval_on_selector_all("img", IMAGE_SIZES)
    assert errors == []
    assert len(sizes) == 3 and all(done and w > 100 and h > 100 for done, w, h in sizes)


def test_the_shipped_example_log_is_fitted(tmp_path):
    from pathlib import Path

    log = Path(__file__).resolve().parents[1] / "docs" / "examples" / "fit" / "ed-log.csv"
    result = fit(
        log,
        case="attendance",
        start="started",
        end="ended",
        arrival="queued",
        resource="staff",
        time_unit="minutes",
        replications=5,
    )
    sc = result.scenario
    assert {r: sc.resources[r].capacity for r in sc.resources} == {
        "triage": 2,
        "doctor": 4,
        "xray": 1,
    }
    assert [sc.pathway[s].service.dist for s in ("triage", "xray", "doctor")] == [
        "gamma",
        "lognormal",
        "weibull",
    ]
    assert abs(kpi(result, "system_time.mean")["difference"]) < 0.05


def test_an_attribute_that_explains_the_routing_becomes_when_arms():
    # urgent cases go to x-ray 90% of the time, the others 10%
    rng = np.random.default_rng(8)
    rows = []
    for case in range(3000):
        urgent = int(rng.uniform() < 0.3)
        t = case * 0.5
        rows.append((case, "triage", t, t + 0.2, "red" if urgent else "green"))
        if rng.uniform() < (0.9 if urgent else 0.1):
            rows.append((case, "xray", t + 0.3, t + 0.5, "red" if urgent else "green"))
        rows.append((case, "doctor", t + 0.6, t + 1.0, "red" if urgent else "green"))
    log = pd.DataFrame(rows, columns=["case", "activity", "start", "end", "triage_colour"])
    result = fit(log, validate=False)
    sc = result.scenario
    arms = sc.pathway["after_triage"].branch
    assert [arm.when for arm in arms[:2]] == [
        "triage_colour == 0",
        "triage_colour == 1",
    ]  # green, red
    red = {arm.to: arm.p for arm in sc.pathway[arms[1].to].branch}
    green = {arm.to: arm.p for arm in sc.pathway[arms[0].to].branch}
    assert red["xray"] == pytest.approx(0.9, abs=0.03) and green["xray"] == pytest.approx(
        0.1, abs=0.03
    )
    assert sc.attributes["triage_colour"].values == [0.0, 1.0]
    assert (
        "chi-square of triage_colour"
        in result.fitted.set_index("item").loc["pathway.after_triage", "test"]
    )


@pytest.mark.filterwarnings("ignore:Install the optional requirement")  # pm4py's own hint
def test_an_xes_log_through_pm4py(tmp_path, event_log):
    pm4py = pytest.importorskip("pm4py", reason="pip install 'carepath[mining]'")
    from carepath.analysis.fitting import read_log

    instances = read_log(event_log)
    origin = pd.Timestamp("2025-01-06", tz="UTC")
    starts = instances.assign(life="start", t=instances["start"])
    ends = instances.assign(life="complete", t=instances["end"])
    both = pd.concat([starts, ends], ignore_index=True)
    events = pd.DataFrame(
        {
            "case:concept:name": both["case"].astype(str),
            "concept:name": both["activity"],
            "time:timestamp": origin + pd.to_timedelta(both["t"], unit="h"),
            "lifecycle:transition": both["life"],
            "org:resource": both["resource"],
        }
    ).sort_values("time:timestamp", kind="stable")
    path = tmp_path / "log.xes"
    pm4py.write_xes(events, str(path), show_progress_bar=False)
    result = fit(path, validate=False)
    from_xes = result.scenario
    direct = fit(event_log, validate=False).scenario
    assert from_xes.resources == direct.resources
    assert from_xes.arrivals[0].rate == pytest.approx(direct.arrivals[0].rate, rel=1e-3)
    assert from_xes.pathway["see_doctor"].service.dist == direct.pathway["see_doctor"].service.dist


def test_shifts_and_a_profile_where_the_log_shows_them():
    # three doctors on weekdays 08:00-20:00, one at other times (none on
    # Monday 00:00-08:00, which no shift covers), and a day-time profile
    truth = {
        "name": "clinic",
        "horizon": "6 weeks",
        "results": {"event_log": {"max_events": 10**7}},
        "resources": {
            "doctor": {
                "shifts": [
                    {"days": "weekdays", "start": "08:00", "end": "20:00", "capacity": 3},
                    {"days": "weekdays", "start": "20:00", "end": "08:00", "capacity": 1},
                    {"days": ["sat", "sun"], "start": "00:00", "end": "00:00", "capacity": 1},
                ]
            },
            "desk": {"capacity": 2},
        },
        "arrivals": [
            {
                "name": "a",
                "profile": {
                    "hourly": [0.3] * 8 + [3.0] * 12 + [0.3] * 4,
                    "weekday": [1, 1, 1, 1, 1, 0.4, 0.4],
                },
                "start": "book_in",
            }
        ],
        "pathway": {
            "book_in": {
                "seize": "desk",
                "service": {"dist": "exponential", "mean": 0.1},
                "then": "see",
            },
            "see": {
                "seize": "doctor",
                "service": {"dist": "gamma", "mean": 0.8, "sd": 0.4},
                "then": "out",
            },
            "out": {"exit": "done"},
        },
    }
    log = cp.run(truth, replications=1, seed=2).event_log
    sc = fit(log, validate=False).scenario
    profile = sc.arrivals[0].profile
    assert profile is not None and min(profile.hourly[9:19]) > 5 * max(profile.hourly[:7])

    def level(day: str, hour: int) -> int:
        return sum(
            s.capacity
            for s in sc.resources["doctor"].shifts
            if day in s.days and int(s.start[:2]) <= hour < (int(s.end[:2]) or 24)
        )

    assert level("tue", 10) == 3 and level("tue", 3) == 1 and level("mon", 3) == 0
    assert sc.resources["desk"].shifts is None  # busy or not, two desks all week


def test_a_bad_time_is_named_by_its_own_column_and_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "case,activity,start,end,arrival\n"
        "1,a,2025-01-01 08:00,2025-01-01 08:10,\n"
        "1,b,2025-01-01 08:20,later,2025-01-01 08:10\n"
    )
    with pytest.raises(LogError, match=r"column 'end', row 2: cannot read 'later'"):
        fit(path, arrival="arrival", validate=False)


def stroke_capacity_log() -> pd.DataFrame:
    """The built-in stroke-capacity scenario's own log, its baseline, every
    observed admission followed to discharge."""
    changes = {"results.event_log": {"max_events": 10**6}, "follow_up": 365}
    return cp.run(
        "stroke-capacity", replications=1, variants=["baseline"], changes=changes
    ).event_log


def test_a_round_trip_from_a_built_in_scenario_reproduces_its_kpis():
    # stroke-capacity: admissions to the acute stroke unit (ASU) or straight
    # to rehabilitation, four patient types, lognormal stays, a share of ASU
    # patients on to rehab; each bed is a hold, from its seize to its release
    result = fit(stroke_capacity_log(), replications=20, seed=2, tolerance=0.15)
    sc = result.scenario
    assert sc.time_unit == "days"  # the log's own unit
    for step in ("asu", "rehab"):
        wait, service = kpi(result, f"wait.{step}.mean"), kpi(result, f"service.{step}.mean")
        # the study's beds are unconstrained: no wait in the log, next to none in the model
        assert wait["log"] == 0 and wait["model"] < 0.15 * 0.05 * service["log"]
        assert abs(service["difference"]) < 0.05
    assert abs(kpi(result, "system_time.mean")["difference"]) < 0.08
    assert result.passed
    # against the scenario's own numbers, within 4 standard errors of the log's size
    rates = {a.name: a.rate for a in cp.load("stroke-capacity").arrivals}
    to_asu = sum(r for n, r in rates.items() if n.startswith("asu_"))
    direct = sum(r for n, r in rates.items() if n.startswith("rehab_"))
    # the ASU's types and each type's share on to rehab (the scenario's weights)
    share = {"stroke": 0.24, "tia": 0.01, "neuro": 0.11, "other": 0.05}
    onward = sum(rates[f"asu_{k}"] * p for k, p in share.items()) / to_asu
    starts = {arm.to: arm.p for arm in sc.pathway["enter"].branch}
    moves = {arm.to: arm.p for arm in sc.pathway["after_asu"].branch}
    for p, expected, n in (
        (starts["rehab"], direct / (to_asu + direct), result.fitted["n"].iloc[0]),  # cases
        (moves["rehab"], onward, result.moves.loc["asu"].sum()),
    ):
        assert abs(p - expected) < 4 * np.sqrt(expected * (1 - expected) / n)
    # the ASU stay is the hold from the bed's seize to its release: the
    # lognormal stays' mean, by type and destination, as the scenario has them
    stay = {"stroke": 0.24 * 7.4 + 0.13 * 4.6 + 0.63 * 7.0, "tia": 1.8, "neuro": 4.0, "other": 3.8}
    mean_stay = sum(rates[f"asu_{k}"] * m for k, m in stay.items()) / to_asu
    observed = result.durations["asu"]
    assert abs(observed.mean() - mean_stay) < 4 * observed.std() / np.sqrt(observed.size)


def test_the_log_shipped_in_the_package_is_fitted_by_its_scenario_id():
    from pathlib import Path

    from carepath.scenarios import builtin_log

    shipped = builtin_log("stroke-capacity")
    assert shipped is not None
    # it is what docs/examples/fit/make_stroke_log.py writes today
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "examples" / "fit"))
    try:
        from make_stroke_log import stroke_log
    finally:
        sys.path.pop(0)
    fresh = stroke_log()
    pd.testing.assert_frame_equal(fresh, pd.read_csv(shipped), check_dtype=False)
    result = fit(
        "stroke-capacity",
        case="episode",
        activity="ward",
        start="admitted",
        end="discharged",
        time_unit="days",
        replications=10,
    )
    sc = result.scenario
    assert list(sc.resources) == ["rehabilitation_unit", "acute_stroke_unit"]
    # the diagnosis explains who goes on to rehab: when arms, by its values
    arms = sc.pathway["after_acute_stroke_unit"].branch
    assert [arm.when for arm in arms[:-1]] == [f"diagnosis == {v}" for v in range(4)]
    assert abs(kpi(result, "system_time.mean")["difference"]) < 0.05
    assert result.distances.set_index("distance").loc["ngram_2", "value"] < 0.05
