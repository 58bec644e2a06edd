"""Published figures a scenario must reproduce (``targets:``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

KINDS = ("calibrate", "predict", "input check", "report")


class Target(BaseModel):
    """One figure from the source, and how the model is held to it.

    ``metric`` is read in ``variant``.  With ``change: none`` the figure is
    the metric's value; with ``relative`` it is the variant's change from the
    baseline as a fraction (``-0.47`` for a 47% fall); with ``difference`` it
    is variant minus baseline, and with ``per: OTHER`` too it is that
    difference divided by ``OTHER``'s (a saving per admission avoided, a
    cost per QALY gained), a ratio of paired means.  The target is met when the whole confidence
    interval lies within ``value +- tolerance``.  ``expect: lower|higher``
    asks only for the sign of the change, its interval clear of zero.
    ``kind: report`` shows the model's value with no figure to meet.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Annotated[str, Field(min_length=1)]
    metric: Annotated[str, Field(min_length=1)]
    variant: str = "baseline"
    change: Literal["none", "relative", "difference"] = "none"
    per: Annotated[str, Field(min_length=1)] | None = None
    value: Annotated[float, Field(allow_inf_nan=False)] | None = None
    tolerance: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    expect: Literal["lower", "higher"] | None = None
    kind: Literal["calibrate", "predict", "input check", "report"]
    note: str = ""

    @model_validator(mode="after")
    def _one_test(self) -> Target:
        if self.per is not None and self.change != "difference":
            raise ValueError("'per' needs 'change: difference'")
        if self.kind == "report":
            if self.value is not None or self.expect is not None:
                raise ValueError("a 'report' target shows a value; it takes no 'value' or 'expect'")
            return self
        if self.expect is not None:
            if self.value is not None or self.tolerance is not None:
                raise ValueError("give either 'expect' or 'value' with 'tolerance', not both")
            if self.change == "none":
                raise ValueError("'expect' needs 'change: relative' or 'change: difference'")
            return self
        if self.value is None or self.tolerance is None:
            raise ValueError("give 'value' and 'tolerance' (or 'expect: lower|higher')")
        return self
