"""Write the log shipped with carepath, python/carepath/scenarios/logs/
stroke-capacity.csv: one replication of the built-in stroke-capacity
scenario as a ward-stay extract (one row a stay: episode, ward, admitted,
discharged, the patient's diagnosis), followed to discharge, with
timestamps from Monday 6 January 2025 at the end of the warm-up.

python docs/examples/fit/make_stroke_log.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import carepath as cp
from carepath.analysis.log_input import carepath_log

SOURCE = Path(__file__).resolve().parents[3] / "python" / "carepath" / "scenarios" / "logs"
ORIGIN = pd.Timestamp("2025-01-06 00:00")
WARDS = {"asu": "acute stroke unit", "rehab": "rehabilitation unit"}
# the length-of-stay step each patient type passes through (the scenario
# samples the type on arrival; its step names carry it)
DIAGNOSES = {"stroke": "stroke", "tia": "TIA", "neuro": "complex neurological", "other": "other"}


def stroke_log() -> pd.DataFrame:
    """The extract, from the scenario's own event log."""
    res = cp.run(
        "stroke-capacity",
        replications=1,
        variants=["baseline"],
        changes={"results.event_log": {"max_events": 10**6}, "follow_up": 365},
    )
    log = res.event_log
    warmup = float(cp.load("stroke-capacity").warmup)
    stays = carepath_log(log).sort_values(["start", "case"], kind="stable")
    stays_of = log[(log["event"] == "start") & log["resource"].isna()]
    kind = stays_of["step"].astype(str).str.split("_").str[1].map(DIAGNOSES)
    diagnosis = kind.groupby(stays_of["patient"]).first()

    def stamp(days: pd.Series) -> pd.Series:
        return (ORIGIN + pd.to_timedelta(days - warmup, unit="D")).dt.strftime("%Y-%m-%d %H:%M")

    out = pd.DataFrame(
        {
            "episode": pd.factorize(stays["case"])[0] + 1,  # numbered by first admission
            "ward": stays["activity"].map(WARDS),
            "admitted": stamp(stays["start"]),
            "discharged": stamp(stays["end"]),
            "diagnosis": stays["case"].map(diagnosis).to_numpy(),
        }
    )
    return out.sort_values(["admitted", "episode"], kind="stable").reset_index(drop=True)


def main() -> None:
    out = stroke_log()
    target = SOURCE / "stroke-capacity.csv"
    out.to_csv(target, index=False)
    print(f"wrote python/carepath/scenarios/logs/stroke-capacity.csv: {len(out)} rows")


if __name__ == "__main__":
    main()
