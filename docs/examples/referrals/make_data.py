"""Write the synthetic data of the referrals example (deterministic: seed 2025).

python docs/examples/referrals/make_data.py

- ``referrals.csv``: a year of referrals to a frailty clinic, one row a
  referral: when it came (a timestamp), the patient's age and whether it
  is urgent.  Weekdays only, most in working hours, more in winter.
- ``patients.csv``: a table of 500 patients seen before: age, Clinical
  Frailty Scale score and how long their assessment took (minutes), which
  go together (older patients are frailer and take longer).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
START = pd.Timestamp("2025-04-07 00:00")  # a Monday


def referrals(rng: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(START, periods=364, freq="D")
    rows = []
    for day in days:
        if day.weekday() >= 5:
            continue
        winter = 1.0 + 0.3 * np.cos(2 * np.pi * (day.day_of_year - 15) / 365)
        for _ in range(rng.poisson(14 * winter)):
            hour = rng.normal(12.5, 2.5)
            rows.append(day + pd.Timedelta(hours=float(np.clip(hour, 8, 18))))
    when = pd.Series(sorted(rows))
    age = np.clip(rng.normal(81, 7, len(when)), 65, 102).round()
    urgent = (rng.uniform(size=len(when)) < 0.15 + 0.01 * (age - 81)).astype(int)
    return pd.DataFrame({"referred": when.dt.strftime("%Y-%m-%d %H:%M"), "age": age, "urgent": urgent})


def patients(rng: np.random.Generator) -> pd.DataFrame:
    age = np.clip(rng.normal(81, 7, 500), 65, 102).round()
    frailty = np.clip(np.round(2 + (age - 65) / 8 + rng.normal(0, 1, 500)), 1, 9)
    minutes = np.round(25 + 6 * frailty + rng.gamma(4, 3, 500))
    return pd.DataFrame({"age": age, "frailty": frailty, "assessment_minutes": minutes})


def main() -> None:
    rng = np.random.default_rng(2025)
    referrals(rng).to_csv(HERE / "referrals.csv", index=False)
    patients(rng).to_csv(HERE / "patients.csv", index=False)
    print("wrote docs/examples/referrals/referrals.csv and patients.csv")


if __name__ == "__main__":
    main()
