"""The batch path: a small model swept over many points, against one run of
the same replications, against SimPy, plus the fixed cost of cp.run, ABC
and the driver's memory.  Everything in one process, one run, as ratios.

Model: benchmarks/ed_small.yaml, a small emergency department (six
resources, about 230 patients a replication).  The sweep varies the arrival
rate over 10,000 points, one replication each.

    pip install '.[bench]'
    python benchmarks/sweep_batch.py              # about two minutes on 2 cores
    python benchmarks/sweep_batch.py --quick      # smaller counts, a smoke test

Prints the table that docs/performance.md quotes.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import carepath as cp

ROOT = Path(__file__).resolve().parents[1]
ED = cp.load(ROOT / "benchmarks" / "ed_small.yaml")
RATE = "arrivals[0].rate"


def rates(points: int) -> list[float]:
    return list(np.round(np.linspace(8.5, 10.5, points), 9))


def engine_run(points: int) -> float:
    """One cp.run of `points` replications, one thread: seconds."""
    start = time.perf_counter()
    cp.run(ED, replications=points, threads=1, variants=["baseline"])
    return time.perf_counter() - start


def sweep(points: int, executor: str, workers: int, out: str | None = None) -> float:
    start = time.perf_counter()
    cp.sweep(
        ED,
        {RATE: rates(points)},
        replications=1,
        variants=["baseline"],
        executor=executor,
        workers=workers,
        out=out,
    )
    return time.perf_counter() - start


def engine_run_threads(points: int, threads: int) -> float:
    start = time.perf_counter()
    cp.run(ED, replications=points, threads=threads, variants=["baseline"])
    return time.perf_counter() - start


def small_sweep_ratio(points: int, threads: int, repeats: int) -> tuple[float, float, float]:
    """A small serial sweep against one cp.run of as many replications, on
    `threads` engine threads, interleaved; best of `repeats`: (sweep s, run s,
    ratio).  What is left is the sweep's fixed cost a call."""
    engine_run_threads(points, threads)
    sweep(points, "serial", threads)
    runs, sweeps = [], []
    for _ in range(repeats):
        runs.append(engine_run_threads(points, threads))
        sweeps.append(sweep(points, "serial", threads))
    return min(sweeps), min(runs), min(sweeps) / min(runs)


def engine_batch(points: int) -> float:
    """The sweep's engine call alone (no chunks, no tables), one thread: seconds."""
    from carepath.engine.batch import compiled

    plan = compiled(ED)
    rows = [[r] for r in rates(points)]
    plan.check([RATE], rows, ["baseline"])
    start = time.perf_counter()
    plan.run([RATE], rows, ["baseline"], 1, ED.seed, 1, checked=True)
    return time.perf_counter() - start


def tiny_run_ms(calls: int) -> float:
    """cp.run of a handful of patients from a loaded Scenario, end to end: the
    median over calls, in ms."""
    sc = cp.load("mm5").with_changes({"horizon": 1, "warmup": 0})
    cp.run(sc, replications=1)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        cp.run(sc, replications=1)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


class _Level:
    """The time average of a level (busy servers, queue length) from a start time."""

    def __init__(self, start: float) -> None:
        self.start, self.level, self.since, self.area = start, 0, start, 0.0

    def change(self, now: float, delta: int) -> None:
        if now > self.start:
            self.area += self.level * (now - max(self.since, self.start))
            self.since = now
        self.level += delta

    def mean(self, end: float) -> float:
        return (self.area + self.level * (end - max(self.since, self.start))) / (end - self.start)


def simpy_ed(rate: float, seed: int) -> dict[str, float]:
    """benchmarks/ed_small.yaml written in SimPy as a SimPy user would: one
    process per patient, the same distributions and routing, the same
    metrics (mean and percentiles of each wait, share who waited, served
    counts, exits, system time, utilisation and mean queue of each resource,
    mean in system), no pandas inside."""
    import random

    import simpy

    warmup, horizon = 2.0, 26.0
    rng = random.Random(seed)
    env = simpy.Environment()
    capacity = {"triage_nurse": 2, "enp": 2, "doctor": 3, "xray": 1, "cubicle": 8, "consultant": 1}
    res = {n: simpy.Resource(env, capacity=c) for n, c in capacity.items()}
    busy = {n: _Level(warmup) for n in capacity}
    queue = {n: _Level(warmup) for n in capacity}
    in_system = _Level(warmup)
    waits: dict[str, list[float]] = {
        s: []
        for s in ("triage", "minors", "majors_bed", "majors_doctor", "consultant_review", "xray")
    }
    served = dict.fromkeys(waits, 0)
    exits = {"discharged": 0, "admitted": 0, "left_without_being_seen": 0}
    system_times: list[float] = []
    reneged = 0

    def lognormal(mean: float, sd: float) -> float:
        s2 = math.log(1 + (sd / mean) ** 2)
        return rng.lognormvariate(math.log(mean) - s2 / 2, math.sqrt(s2))

    def gamma(mean: float, sd: float) -> float:
        shape = (mean / sd) ** 2
        return rng.gammavariate(shape, mean / shape)

    def seize(step: str, name: str, arrived_here: float, req: simpy.Resource) -> None:
        queue[name].change(env.now, -1)
        busy[name].change(env.now, +1)
        if arrived_here >= warmup:
            waits[step].append(env.now - arrived_here)

    def service(step, name, duration, observed):
        t = env.now
        queue[name].change(t, +1)
        with res[name].request() as req:
            yield req
            seize(step, name, t, req)
            yield env.timeout(duration)
            busy[name].change(env.now, -1)
            if observed:
                served[step] += 1

    def patient():
        nonlocal reneged
        arrived = env.now
        observed = arrived >= warmup
        in_system.change(arrived, +1)
        yield from service("triage", "triage_nurse", rng.expovariate(1 / 0.15), observed)
        outcome = "discharged"
        if rng.random() < 0.55:
            yield from service("minors", "enp", lognormal(0.35, 0.2), observed)
            if rng.random() < 0.3:
                tri = rng.triangular(0.05, 0.25, 0.1)
                yield from service("xray", "xray", tri, observed)
        else:
            t = env.now
            queue["cubicle"].change(t, +1)
            bed = res["cubicle"].request()
            yield bed
            seize("majors_bed", "cubicle", t, bed)
            t = env.now
            queue["doctor"].change(t, +1)
            with res["doctor"].request() as req:
                patience = env.timeout(rng.expovariate(1 / 6))
                got = yield req | patience
                if req in got:
                    seize("majors_doctor", "doctor", t, req)
                    yield env.timeout(gamma(0.5, 0.3))
                    busy["doctor"].change(env.now, -1)
                    served["majors_doctor"] += observed
                else:
                    queue["doctor"].change(env.now, -1)
                    outcome = "left_without_being_seen"
                    reneged += observed
            if outcome != "left_without_being_seen":
                if rng.random() < 0.25:
                    yield from service(
                        "consultant_review", "consultant", rng.expovariate(1 / 0.25), observed
                    )
                outcome = "admitted" if rng.random() < 0.35 else "discharged"
            res["cubicle"].release(bed)
            busy["cubicle"].change(env.now, -1)
        in_system.change(env.now, -1)
        if observed and env.now <= horizon:
            exits[outcome] += 1
            system_times.append(env.now - arrived)

    def source():
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(patient())

    env.process(source())
    env.run(until=horizon)
    out: dict[str, float] = {"system_time.mean": float(np.mean(system_times))}
    for q in (50, 90, 95):
        out[f"system_time.p{q}"] = float(np.percentile(system_times, q))
    for step, w in waits.items():
        if w:
            out[f"wait.{step}.mean"] = float(np.mean(w))
            for q in (50, 90, 95):
                out[f"wait.{step}.p{q}"] = float(np.percentile(w, q))
            out[f"wait.{step}.frac_waited"] = float(np.mean(np.asarray(w) > 0))
        out[f"served.{step}"] = served[step]
    out.update({f"exits.{k}": v for k, v in exits.items()})
    out["reneged.majors_doctor"] = reneged
    out["in_system.mean"] = in_system.mean(horizon)
    for n, c in capacity.items():
        out[f"utilisation.{n}"] = busy[n].mean(horizon) / c
        out[f"queue_length.{n}.mean"] = queue[n].mean(horizon)
    return out


def simpy_sweep(points: int) -> float:
    """Seconds for a sweep of `points` points (one replication each) in SimPy."""
    start = time.perf_counter()
    for k, rate in enumerate(rates(points)):
        simpy_ed(rate, seed=k)
    return time.perf_counter() - start


def abc_seconds(simulations: int, workers: int) -> tuple[float, int]:
    """ABC-SMC calibrating the arrival rate and triage time to two metrics,
    sized to about `simulations` runs; the sweep executor runs its batches
    in this process on `workers` engine threads."""
    particles = simulations // 10
    start = time.perf_counter()
    result = cp.abc(
        ED,
        {"wait.triage.mean": 0.14, "utilisation.enp": 0.89},
        {RATE: (7.0, 12.0), "pathway.triage.service.mean": (0.1, 0.2)},
        particles=particles,
        generations=4,
        replications=1,
        executor="serial",
        workers=workers,
    )
    return time.perf_counter() - start, result.simulations


def driver_memory(points: int) -> float:
    """Peak RSS (MiB) of a separate driver process sweeping `points` points into a folder."""
    folder = tempfile.mkdtemp()
    code = (
        "import resource, carepath as cp, numpy as np\n"
        f"sc = cp.load({str(ROOT / 'benchmarks' / 'ed_small.yaml')!r})\n"
        "sc = sc.with_changes({'horizon': 4, 'warmup': 2})\n"
        f"p = {{'{RATE}': list(np.linspace(8.5, 10.5, {points}))}}\n"
        "cp.sweep(sc, p, replications=1, variants=['baseline'], executor='serial',"
        f" workers=1, out={folder!r})\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    shutil.rmtree(folder)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    points = 1000 if args.quick else 10_000
    simpy_points = 50 if args.quick else 300
    cores = os.cpu_count() or 1

    run_s = engine_run(points)
    batch_s = engine_batch(points)
    serial_s = sweep(points, "serial", 1)
    threads_s = sweep(points, "serial", cores)
    pool_s = sweep(points, "local", cores)
    folder = tempfile.mkdtemp()
    out_s = sweep(points, "serial", 1, out=folder)
    shutil.rmtree(folder)
    simpy_s = simpy_sweep(simpy_points) / simpy_points
    tiny = tiny_run_ms(200 if args.quick else 2000)
    per_point = serial_s / points
    small = [small_sweep_ratio(200, t, 5 if args.quick else 21) for t in (1, cores)]

    rows = [
        (f"cp.run of {points:,} replications, 1 thread", run_s, ""),
        ("the sweep's engine call alone, 1 thread", batch_s, "each point replays replication 0"),
        (
            "sweep, serial, 1 thread",
            serial_s,
            f"{points / serial_s:,.0f} points/s; {serial_s / run_s:.2f}x the run; "
            f"{1e6 * (serial_s - batch_s) / points:.1f} us a point around the engine",
        ),
        (
            f"sweep, serial, {cores} engine threads",
            threads_s,
            f"{points / threads_s:,.0f} points/s",
        ),
        (f"sweep, local process pool of {cores}", pool_s, f"{points / pool_s:,.0f} points/s"),
        ("sweep, serial, 1 thread, out=folder", out_s, f"{points / out_s:,.0f} points/s"),
        (
            "SimPy, the same model, a point",
            simpy_s,
            f"carepath {simpy_s / per_point:.0f}x faster a point (serial, 1 thread)",
        ),
        ("cp.run, tiny model, 1 replication (median)", tiny / 1000, ""),
        *[
            (
                f"sweep of 200 points, serial, {t} thread(s) (best)",
                sweep_s,
                f"{ratio:.2f}x cp.run of 200 replications ({1000 * run_s:.2f} ms), "
                f"{1000 * (sweep_s - run_s):.2f} ms fixed",
            )
            for t, (sweep_s, run_s, ratio) in zip((1, cores), small)
        ],
    ]
    if not args.quick:
        abc_s, sims = abc_seconds(100_000, cores)
        rows.append((f"ABC-SMC, {sims:,} simulations, {cores} threads", abc_s, ""))
    print(f"{cores} cores; ed-small, {points:,} points x 1 replication")
    print("| what | seconds | notes |\n|---|---:|---|")
    for label, seconds, note in rows:
        shown = f"{1000 * seconds:.3f} ms" if seconds < 0.1 else f"{seconds:.2f}"
        print(f"| {label} | {shown} | {note} |")
    if not args.quick:
        small_rss, large_rss = driver_memory(10_000), driver_memory(100_000)
        print(
            f"\nDriver peak RSS with out=: 10^4 points {small_rss:.0f} MiB, "
            f"10^5 points {large_rss:.0f} MiB ({100 * (large_rss / small_rss - 1):+.1f}%)"
        )


if __name__ == "__main__":
    main()
