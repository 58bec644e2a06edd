"""Regenerate the plot gallery (docs/gallery.md) from the built-in scenarios
and the data-driven example (docs/examples/referrals).

python docs/gallery/make_gallery.py      # about a minute on two cores
"""

from __future__ import annotations

from pathlib import Path

import carepath as cp

HERE = Path(__file__).parent


def save(fig, name: str) -> None:
    fig.savefig(HERE / f"{name}.png", dpi=90)
    print(f"wrote docs/gallery/{name}.png")


def main() -> None:
    triage = cp.run("smart-triage", changes={"results.series": {"bin": "1 hour"}})
    save(triage.plot.appointment_waits("book_routine"), "smart-triage-routine-waits")
    save(triage.plot.forest("smart_triage"), "smart-triage-forest")
    save(triage.plot.by_hour_and_weekday("utilisation.phones"), "smart-triage-phones-by-hour")

    d2a = cp.run("discharge-to-assess", changes={"results.series": {"bin": "1 week"}})
    save(d2a.plot.over_time("queue_length.p1"), "discharge-to-assess-p1-queue")

    curve = cp.sweep(
        "discharge-to-assess",
        {"resources.p1.capacity": [614, 616, 618, 621, 626, 631, 641, 661]},
        variants=["baseline"],
    )
    save(
        curve.plot("resources.p1.capacity", "delayed_bed_share"),
        "discharge-to-assess-capacity-curve",
    )

    stroke = cp.run("stroke-capacity")
    save(stroke.plot.occupancy("asu_beds"), "stroke-capacity-asu-occupancy")
    save(stroke.plot.p_delay("asu_beds"), "stroke-capacity-asu-p-delay")

    echo = cp.run("hf-diagnosis")
    save(echo.plot.waits("echo_other"), "hf-diagnosis-echo-waits")

    referrals = cp.run(
        HERE.parent / "examples" / "referrals" / "referrals.yaml",
        changes={"results.series.bin": "1 week"},
    )
    save(referrals.plot.over_time("served.assess"), "referrals-assessed-per-week")

    cubicles = cp.run(HERE.parent / "examples" / "cubicles" / "cubicles.yaml")
    save(cubicles.plot.waits("call"), "cubicles-call-waits")

    psa = cp.psa("social-prescribing-yad", iterations=200, replications=5, seed=1)
    save(psa.plot.plane(wtp=20000), "social-prescribing-ce-plane")
    save(psa.plot.ceac(), "social-prescribing-ceac")


if __name__ == "__main__":
    main()
