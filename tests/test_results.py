"""Results: summaries, paired comparisons, Parquet output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

import carepath as cp
from conftest import mmc


@pytest.fixture(scope="module")
def res() -> cp.Results:
    sc = cp.load(
        {
            **mmc(2, 1.5, horizon=500, warmup=50),
            "variants": {"three": {"resources.server.capacity": 3}},
        }
    )
    return cp.run(sc, replications=6, seed=8)


def test_per_replication_shape(res):
    df = res.per_replication
    assert list(df.columns[:2]) == ["variant", "replication"]
    assert len(df) == 12 and res.variants == ["baseline", "three"]
    for name in (
        "wait.serve.mean",
        "wait.serve.p50",
        "wait.serve.p90",
        "wait.serve.p95",
        "system_time.mean",
        "utilisation.server",
        "queue_length.server.mean",
        "served.serve",
        "exits.served",
        "arrivals",
        "in_system_at_end",
    ):
        assert name in res.metrics


def test_summary_is_a_t_interval(res):
    s = res.summary().set_index(["variant", "metric"])
    x = res.per_replication.query("variant == 'baseline'")["wait.serve.mean"].to_numpy()
    row = s.loc[("baseline", "wait.serve.mean")]
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    assert row["mean"] == pytest.approx(x.mean())
    assert row["ci_low"] == pytest.approx(x.mean() - half)
    assert row["ci_high"] == pytest.approx(x.mean() + half)
    assert row["n"] == 6


def test_compare_is_paired(res):
    c = res.compare("baseline", "three").set_index("metric")
    df = res.per_replication
    d = (
        df.query("variant == 'three'")["wait.serve.mean"].to_numpy()
        - df.query("variant == 'baseline'")["wait.serve.mean"].to_numpy()
    )
    assert c.loc["wait.serve.mean", "diff"] == pytest.approx(d.mean())
    assert c.loc["wait.serve.mean", "sd"] == pytest.approx(d.std(ddof=1))
    with pytest.raises(KeyError, match="no variant"):
        res.compare("baseline", "zzz")


def test_parquet_round_trip_with_metadata(res, tmp_path):
    path = tmp_path / "out.parquet"
    res.to_parquet(path)
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, res.per_replication)
    meta = pq.read_schema(path).metadata
    assert meta[b"carepath.seed"] == b"8" and meta[b"carepath.scenario"] == b"mmc"


def test_failed_write_leaves_nothing(res, tmp_path, monkeypatch):
    path = tmp_path / "out.parquet"
    path.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("pyarrow.parquet.write_table", boom)
    with pytest.raises(OSError, match="disk full"):
        res.to_parquet(path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_with_changes_patches_by_dotted_path():
    sc = cp.load("mm5").with_changes({"resources.clinician.capacity": 7, "arrivals.0.rate": 5.0})
    assert sc.resources["clinician"].capacity == 7 and sc.arrivals[0].rate == 5.0
    # variants patch the changed baseline
    assert sc.variant("six_clinicians").arrivals[0].rate == 5.0
