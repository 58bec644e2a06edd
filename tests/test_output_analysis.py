"""Output analysis: warm-up (MSER-5), replications to a precision, ranking
and selection (KN++, OCBA)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

import carepath as cp
from carepath.analysis.selection import kn_plus_plus, ocba
from carepath.analysis.warmup import mser, mser_statistic, welch
from carepath.engine.precision import replications_needed
from carepath.errors import ScenarioError
from conftest import mmc


def _mm1(**extra) -> cp.Scenario:
    """M/M/1 at rho = 0.9, started empty, 50 replications."""
    return cp.load({**mmc(1, 0.9, horizon=4000, warmup=0), "replications": 50, **extra})


# -- warm-up -------------------------------------------------------------------


def _mser_by_definition(x: np.ndarray, batch: int = 5) -> int:
    """White (1997), Spratt (1998): batch means Z_1..Z_k of 5; MSER(d) =
    sum_{j=d+1..k} (Z_j - Zbar_d)^2 / (k - d)^2, the least over d < k/2."""
    k = len(x) // batch
    z = [sum(x[j * batch : (j + 1) * batch]) / batch for j in range(k)]
    best_d, best = 0, float("inf")
    for d in range(k):
        if not d < k / 2:
            break
        tail = z[d:]
        mean = sum(tail) / len(tail)
        value = sum((v - mean) ** 2 for v in tail) / len(tail) ** 2
        if value < best:
            best_d, best = d, value
    return best_d * batch


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_mser5_equals_the_published_definition(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 400))
    transient = 5 * np.exp(-np.arange(n) / rng.uniform(5, 60))
    x = rng.normal(0, 1, n) + transient
    assert mser(x) == _mser_by_definition(x)
    assert len(mser_statistic(x)) == n // 5


def test_welch_moving_average_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    # window 2: i=0 -> y0; i=1 -> mean(y0..y2); i>=2 -> mean(y[i-2..i+2])
    assert welch(y, 2).tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_mm1_truncation_removes_the_initial_bias():
    """M/M/1, rho = 0.9, started empty: after the recommended warm-up the mean
    wait's interval holds the steady state, Wq = rho / (mu - lambda) = 9."""
    res = cp.run(_mm1(results={"series": {"bin": 10}}), seed=1)
    analysis = res.warmup_analysis("queue_length.server")
    assert analysis.recommended > 0
    assert "recommended warmup" in analysis.reasoning()
    assert len(analysis.per_replication) == 50
    after = cp.run(_mm1(warmup=analysis.recommended), seed=2, replications=200)
    row = after.summary().set_index("metric").loc["wait.serve.mean"]
    assert row["ci_low"] <= 9.0 <= row["ci_high"]


def test_warmup_analysis_needs_a_series():
    res = cp.run(_mm1(), replications=2)
    with pytest.raises(ValueError, match=r"results\.series"):
        res.warmup_analysis("queue_length.server")


def test_warmup_command_prints_its_reasoning(tmp_path, capsys):
    from carepath.cli import main

    plot = tmp_path / "welch.png"
    args = ["warmup", "mm5", "--series", "queue_length.clinician", "--bin", "20"]
    code = main([*args, "--replications", "10", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0 and "recommended warmup:" in out and "MSER-5" in out
    assert plot.stat().st_size > 1000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--series", "nowhere"], "carepath: error: --series: no series 'nowhere'"),
        (["--bin", "1e9"], "carepath: error: --bin: makes"),
    ],
)
def test_warmup_command_errors_are_one_line_exit_2(args, message, capsys):
    from carepath.cli import main

    code = main(["warmup", "mm5", "--replications", "2", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith(message) and "\n" not in err


# -- replications to a precision --------------------------------------------------


def test_the_count_agrees_with_sim_tools_on_the_same_sequence():
    sim_tools = pytest.importorskip(
        "sim_tools.output_analysis", reason="sim-tools comes with the test extra"
    )
    rng = np.random.default_rng(7)
    compared = 0
    for _ in range(30):
        x = rng.lognormal(1.0, rng.uniform(0.3, 1.2), size=3000)

        class Model:
            def __init__(self, values):
                self.values = values

            def single_run(self, rep):
                return {"m": self.values[rep]}

        algorithm = sim_tools.ReplicationsAlgorithm(
            alpha=0.05, half_width_precision=0.05, replication_budget=2800
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, _ = algorithm.select(Model(x), ["m"])
        ours = replications_needed(x, 0.05)
        if ours.solved and ours.used <= 2800:  # within the budget both were given
            assert ours.replications == theirs["m"]
            compared += 1
    assert compared >= 20


def test_stopped_intervals_cover_the_mean_and_meet_the_precision():
    """200 independent macro-runs of a model whose mean is known: each patient
    stays an exponential mean 2; per replication, the mean stay of 5
    patients (skewed).  The stopped 95% intervals cover 2 in at least 93% of
    macro-runs, and each reaches the 5% precision asked for."""
    sc = cp.load(
        {
            "name": "known-mean",
            "horizon": 1,
            "arrivals": [{"name": "a", "cohort": 5, "start": "stay"}],
            "pathway": {
                "stay": {"delay": {"dist": "exponential", "mean": 2}, "then": "out"},
                "out": {"exit": "done"},
            },
            "follow_up": 1000,
        }
    )
    covered, counts = 0, []
    for seed in range(200):
        res = cp.run(sc, seed=seed, precision=0.05, metrics=["system_time.mean"], threads=1)
        x = res.values("baseline")["system_time.mean"].to_numpy()
        n = len(x)
        half = stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n)
        assert half / x.mean() <= 0.05
        covered += x.mean() - half <= 2.0 <= x.mean() + half
        counts.append(n)
    assert covered / 200 >= 0.93, covered
    assert min(counts) >= 3


def test_a_precision_run_is_a_prefix_of_the_plain_run_and_keeps_crn():
    res = cp.run("mm5", precision=0.03, metrics=["wait.see_clinician.mean"])
    n = res.replications
    report = res.replication_report
    assert set(report["variant"]) == {"baseline", "six_clinicians"}
    assert n == report["needed"].max()
    plain = cp.run("mm5", replications=n)
    assert np.array_equal(plain.table, res.table, equal_nan=True)
    # common random numbers across variants: the same patients arrive
    a = res.values("baseline")["arrivals"].to_numpy()
    b = res.values("six_clinicians")["arrivals"].to_numpy()
    assert (a == b).all()


def test_precision_options_name_the_field():
    with pytest.raises(ScenarioError, match="metrics"):
        cp.run("mm5", precision=0.05)
    with pytest.raises(ScenarioError, match="precision"):
        cp.run("mm5", precision=-1, metrics=["arrivals"])
    with pytest.raises(ScenarioError, match=r"unknown metric 'wait\.nowhere'"):
        cp.run("mm5", precision=0.05, metrics=["wait.nowhere"])


def test_an_unreachable_precision_stops_at_the_budget_with_a_warning():
    with pytest.warns(UserWarning, match="precision not reached within 40 replications"):
        res = cp.run(
            "mm5", precision=1e-6, metrics=["wait.see_clinician.mean"], max_replications=40
        )
    assert 40 <= res.replications <= 45
    assert not res.replication_report["solved"].any()


def test_run_precision_on_the_command_line(capsys):
    from carepath.cli import main

    code = main(["run", "mm5", "--precision", "0.05", "--metric", "wait.see_clinician.mean"])
    out = capsys.readouterr().out
    assert code == 0 and "Replications needed" in out


# -- ranking and selection -------------------------------------------------------


def _normal_sampler(means, sd, seed, n=50_000):
    draws = [np.random.default_rng([seed, i]).normal(m, sd, size=n) for i, m in enumerate(means)]

    def sampler(which, first, count):
        return np.column_stack([draws[i][first : first + count] for i in which])

    return sampler, draws


def _slippage(k=10, delta=0.5):
    means = np.full(k, 10.0)
    means[3] -= delta  # the best, not first (no advantage from order)
    return means


def test_kn_plus_plus_meets_its_promise_on_the_slippage_configuration():
    """k = 10, the best smaller by delta, sd 2, independent sampling: over
    500 macro-runs the best is chosen at least 95% of the time."""
    means = _slippage()
    correct = sum(
        kn_plus_plus(_normal_sampler(means, 2.0, seed)[0], 10, 0.5, 0.05, 10, True)["best"] == 3
        for seed in range(500)
    )
    assert correct / 500 >= 0.95, correct


class _SimToolsModel:
    def __init__(self, draws):
        self.draws, self.count, self.observers = draws, [0] * len(draws), []

    def register_observer(self, observer):
        self.observers.append(observer)

    def simulate(self, design):
        x = self.draws[design][self.count[design]]
        self.count[design] += 1
        for observer in self.observers:
            observer.feedback(self, design, x)


def test_choices_and_budgets_are_consistent_with_sim_tools():
    pytest.importorskip("sim_tools", reason="sim-tools comes with the test extra")
    from sim_tools.ovs.fixed_budget import OCBA
    from sim_tools.ovs.indifference_zone import KNPlusPlus

    means = _slippage()
    agree_kn = agree_ocba = 0
    ours_budget, their_budget, ours_right, their_right = [], [], 0, 0
    for seed in range(40):
        sampler, draws = _normal_sampler(means, 2.0, seed)
        mine = kn_plus_plus(sampler, 10, 0.5, 0.05, 10, True)
        model = _SimToolsModel(draws)
        theirs = KNPlusPlus(model, 10, 0.5, alpha=0.05, n_0=10, obj="min").solve()[0]
        agree_kn += mine["best"] == theirs
        ours_budget.append(mine["used"].sum())
        their_budget.append(sum(model.count))
        mine_o = ocba(sampler, 10, 1000, 5, 50, True)
        theirs_o = OCBA(_SimToolsModel(draws), 10, 1000, 50, n_0=5, obj="min").solve()
        agree_ocba += mine_o["best"] == theirs_o
        ours_right += mine_o["best"] == 3
        their_right += theirs_o == 3
    assert agree_kn >= 36
    assert 0.8 <= np.mean(ours_budget) / np.mean(their_budget) <= 1.25
    assert agree_ocba >= 30
    assert abs(ours_right - their_right) <= 6


def test_select_best_over_variants_and_sweep_points():
    chosen = cp.select_best("mm5", metric="wait.see_clinician.mean", delta=0.05)
    assert chosen.best == "six_clinicians" and "0.95" in chosen.guarantee
    assert chosen.table["replications"].min() >= 10
    points = {f"c={c}": {"resources.clinician.capacity": c} for c in (5, 6, 7)}
    by_points = cp.select_best(
        "mm5", points, metric="queue_length.clinician.mean", delta=0.02, procedure="kn++"
    )
    assert by_points.best == "c=7"
    budgeted = cp.select_best(
        "mm5", points, metric="queue_length.clinician.mean", procedure="ocba", budget=60
    )
    assert budgeted.best == "c=7" and budgeted.replications == 60
    assert "approximate" in budgeted.guarantee


def test_selection_errors_name_the_field():
    with pytest.raises(ScenarioError, match="delta"):
        cp.select_best("mm5", metric="wait.see_clinician.mean")
    with pytest.raises(ScenarioError, match="unknown metric"):
        cp.select_best("mm5", metric="wait.nowhere", delta=1)
    with pytest.raises(ScenarioError, match="budget"):
        cp.select_best("mm5", metric="arrivals", procedure="ocba", budget=3)
    with pytest.raises(ScenarioError, match="no variant"):
        cp.select_best("mm5", ["baseline", "seven"], metric="arrivals", delta=1)


def test_select_command_over_a_sweep_file(tmp_path, capsys):
    from carepath.cli import main

    sweep = tmp_path / "capacity.yaml"
    sweep.write_text("scenario: mm5\nparams:\n  resources.clinician.capacity: [5, 6, 7]\n")
    code = main(
        ["select", str(sweep), "--metric", "queue_length.clinician.mean", "--delta", "0.02"]
    )
    out = capsys.readouterr().out
    assert code == 0 and "best: resources.clinician.capacity=7" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("params:\n  resources.clinician.capacity: [5, 6]\n")
    code = main(["select", str(broken), "--metric", "arrivals", "--delta", "1"])
    assert code == 2 and "needs 'scenario' and 'params'" in capsys.readouterr().err
