"""Write docs/examples/fit/ed-log.csv: one replication of ed.yaml as a
hospital extract (one row an activity: attendance id, activity, when it
was queued, started and ended, by whom), with timestamps from Monday
6 January 2025.

python docs/examples/fit/make_log.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import carepath as cp

HERE = Path(__file__).parent
ORIGIN = pd.Timestamp("2025-01-06 00:00")


def main() -> None:
    log = cp.run(HERE / "ed.yaml", replications=1, seed=2025).event_log
    key = ["patient", "step"]
    start = log[log.event == "start"].set_index(key)["time"]
    end = log[log.event == "complete"].set_index(key)["time"]
    queued = log[log.event == "schedule"].set_index(key)["time"]
    rows = pd.concat([queued.rename("queued"), start.rename("start"), end.rename("end")], axis=1)
    rows = rows.dropna(subset=["start", "end"]).reset_index()
    rows["queued"] = rows["queued"].fillna(rows["start"])
    rng = np.random.default_rng(1)  # who served it: one of the resource's people
    people = {"triage": 2, "xray": 1, "doctor": 4}
    staff = [f"{step}-{rng.integers(1, people[step] + 1)}" for step in rows["step"]]

    def stamp(minutes: pd.Series) -> pd.Series:
        return (ORIGIN + pd.to_timedelta(minutes, unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S")

    out = pd.DataFrame(
        {
            "attendance": rows["patient"],
            "activity": rows["step"],
            "queued": stamp(rows["queued"]),
            "started": stamp(rows["start"]),
            "ended": stamp(rows["end"]),
            "staff": staff,
        }
    ).sort_values(["started", "attendance"], kind="stable")
    out.to_csv(HERE / "ed-log.csv", index=False)
    print(f"wrote docs/examples/fit/ed-log.csv: {len(out)} rows")


if __name__ == "__main__":
    main()
