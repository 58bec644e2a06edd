"""A choice of resources: seize: [a, b] with choose and as."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse, stats
from scipy.sparse.linalg import spsolve

import carepath as cp
from carepath.errors import ScenarioError
from pathways import covers

LAM, MU = 2.7, 1.0


def _servers(n: int, choose: str | None, **see) -> dict:
    step = {
        "seize": [f"s{i}" for i in range(n)],
        "service": {"dist": "exponential", "mean": 1 / MU},
    }
    if choose:
        step["choose"] = choose
    return {
        "name": "choice",
        "horizon": 20000,
        "warmup": 500,
        "replications": 40,
        "resources": {f"s{i}": {"capacity": 1} for i in range(n)},
        "attributes": {"who": 0},
        "arrivals": [{"name": "a", "rate": LAM, "start": "see"}],
        "pathway": {"see": {**step, "as": "who", "then": "done", **see}, "done": {"exit": "done"}},
    }


def _pooled(n: int, **see) -> dict:
    data = _servers(n, None, **see)
    data["resources"] = {"s": {"capacity": n}}
    step = data["pathway"]["see"]
    step["seize"] = "s"
    del step["as"]
    return data


def erlang_c_wait(c: int, lam: float, mu: float) -> float:
    a = lam / mu
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) * c / (c - a)
    return tail / (head + tail) / (c * mu - lam)


def test_first_free_over_identical_servers_is_mmc():
    """Three single servers, first free (else every queue): the same waits as
    one resource of three servers, bit for bit, and Erlang C's mean wait."""
    res = cp.run(_servers(3, "first_free"), seed=3)
    pooled = cp.run(_pooled(3), seed=3)
    for metric in ("wait.see.mean", "wait.see.p90", "served.see", "in_system.mean"):
        assert res.per_replication[metric].equals(pooled.per_replication[metric]), metric
    covers(res, "wait.see.mean", erlang_c_wait(3, LAM, MU))


def test_patience_and_priority_across_every_queue_match_the_pooled_resource():
    see = {
        "patience": {"dist": "exponential", "mean": 2},
        "on_renege": "gone",
        "priority": "1 if who == 0 else 2",  # who is 0 at arrival: everyone 1
    }
    data = _servers(3, "first_free", **see)
    data["pathway"]["gone"] = {"exit": "gone"}
    pooled = _pooled(3, **see)
    pooled["attributes"] = {"who": 0}
    pooled["pathway"]["gone"] = {"exit": "gone"}
    a, b = cp.run(data, seed=5), cp.run(pooled, seed=5)
    for metric in ("wait.see.mean", "reneged.see", "exits.gone", "served.see"):
        assert a.per_replication[metric].equals(b.per_replication[metric]), metric
    assert a.per_replication["reneged.see"].min() > 0


def jsq_mean_wait(lam: float, mu: float, cap: int = 60) -> float:
    """Join the shortest of two single-server queues (ties to the first), as
    a Markov chain on (n1, n2) truncated at ``cap`` each, solved exactly."""
    index = {(i, j): i * (cap + 1) + j for i in range(cap + 1) for j in range(cap + 1)}
    rows, cols, rates = [], [], []
    for (i, j), k in index.items():
        target = (i + 1, j) if i <= j else (i, j + 1)
        if target in index:
            rows.append(k), cols.append(index[target]), rates.append(lam)
        if i > 0:
            rows.append(k), cols.append(index[(i - 1, j)]), rates.append(mu)
        if j > 0:
            rows.append(k), cols.append(index[(i, j - 1)]), rates.append(mu)
    n = len(index)
    q = sparse.csr_matrix((rates, (rows, cols)), shape=(n, n))
    q = q - sparse.diags(np.asarray(q.sum(axis=1)).ravel())
    a = q.T.tolil()
    a[0, :] = 1.0  # replace one balance equation by sum(pi) = 1
    rhs = np.zeros(n)
    rhs[0] = 1.0
    pi = spsolve(a.tocsr(), rhs)
    in_system = sum(pi[k] * (i + j) for (i, j), k in index.items())
    return in_system / lam - 1 / mu  # Little's law, less the service


def test_shortest_queue_matches_the_join_the_shortest_queue_chain():
    lam = 1.6
    data = _servers(2, "shortest_queue")
    data["arrivals"][0]["rate"] = lam
    res = cp.run(data, seed=7)
    theory = jsq_mean_wait(lam, MU)
    covers(res, "wait.see.mean", theory)
    # and it is not first_free's shared queue: a separate check of the chain's value
    shared = erlang_c_wait(2, lam, MU)
    assert abs(theory - shared) > 0.1


def test_round_robin_and_as_by_hand():
    data = _servers(3, "round_robin")
    data.update(horizon=100, warmup=0, replications=1)
    data["arrivals"] = [{"name": "a", "schedule": {"times": list(range(30))}, "start": "see"}]
    data["pathway"]["see"]["then"] = "which"
    data["pathway"]["which"] = {
        "branch": [{"when": f"who == {i}", "to": f"e{i}"} for i in range(2)] + [{"otherwise": "e2"}]
    }
    data["pathway"].update({f"e{i}": {"exit": f"e{i}"} for i in range(3)})
    row = cp.run(data).per_replication.iloc[0]
    assert [row[f"exits.e{i}"] for i in range(3)] == [10, 10, 10]


def test_random_spreads_evenly():
    data = _servers(2, "random")
    data["pathway"]["see"]["then"] = "which"
    data["pathway"]["which"] = {"branch": [{"when": "who == 0", "to": "e0"}, {"otherwise": "e1"}]}
    data["pathway"].update({"e0": {"exit": "e0"}, "e1": {"exit": "e1"}})
    data.update(horizon=2000, replications=1, arrivals=[{"name": "a", "rate": 0.5, "start": "see"}])
    row = cp.run(data, seed=1).per_replication.iloc[0]
    n = row["exits.e0"] + row["exits.e1"]
    assert stats.binomtest(int(row["exits.e0"]), int(n), 0.5).pvalue > 0.01


def test_choices_are_identical_on_any_thread_count():
    data = _servers(3, "shortest_queue")
    data.update(replications=6, horizon=2000)
    assert cp.run(data, threads=1).per_replication.equals(cp.run(data, threads=2).per_replication)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"seize": ["s0", "s0"]}, "pathway.see", "names each resource once"),
        ({"seize": ["s0", "sx"]}, "pathway.see.seize[1]", "unknown resource 'sx'"),
        ({"seize": "s0", "choose": "random"}, "pathway.see", "go with a list"),
        ({"as": "nobody"}, "pathway.see.as", "unknown attribute 'nobody'"),
        ({"choose": "fastest"}, "pathway.see.choose", "first_free"),
    ],
)
def test_bad_choices_name_the_field(change, field, message):
    data = _servers(2, "first_free")
    data["pathway"]["see"].update(change)
    with pytest.raises(ScenarioError) as err:
        cp.load(data)
    assert field in str(err.value) and message in str(err.value)


def test_a_list_without_a_service_needs_a_release_and_takes_no_preemptive_resource():
    # without a service a list holds the one taken (issue 31): a release must follow
    data = _servers(2, "first_free")
    del data["pathway"]["see"]["service"]
    with pytest.raises(ScenarioError, match=r"holds 'one of s0, s1' .* no later step releases it"):
        cp.load(data)
    data = _servers(2, "first_free")
    data["resources"]["s1"] = {"capacity": 1, "preempt": "resume"}
    with pytest.raises(ScenarioError, match=r"pathway\.see\.seize\[1\]: 's1' preempts"):
        cp.load(data)
