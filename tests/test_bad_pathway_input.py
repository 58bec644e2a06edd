"""Bad input in the pathway vocabulary: one ScenarioError naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import carepath as cp


def base() -> dict[str, Any]:
    return {
        "name": "t",
        "horizon": 100.0,
        "attributes": {
            "urgent": {"dist": "bernoulli", "p": 0.2},
            "age": {"dist": "uniform", "low": 0, "high": 90},
        },
        "resources": {"gp": {"capacity": 2}, "bed": {"capacity": 1}},
        "books": {
            "clinic": {
                "slots": [{"days": "weekdays", "count": 4, "start": "09:00", "end": "12:00"}]
            }
        },
        "arrivals": [{"name": "a", "rate": 1.0, "start": "see"}],
        "pathway": {
            "see": {"seize": "gp", "service": {"dist": "exponential", "mean": 0.5}, "then": "book"},
            "book": {"book": "clinic", "on_full": "out", "then": "out"},
            "out": {"exit": "done"},
        },
    }


def edit(path: str, value: Any) -> dict[str, Any]:
    data = base()
    node: Any = data
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last: Any = int(keys[-1]) if isinstance(node, list) else keys[-1]
    node[last] = copy.deepcopy(value)
    return data


CASES = [
    ("horizon.typo", edit("horizon", "52 weks"), "horizon", ["not a duration", "52 weeks"]),
    (
        "profile.short",
        edit("arrivals.0", {"name": "a", "start": "see", "profile": {"hourly": [1] * 23}}),
        "arrivals[0].profile.hourly",
        ["at least 24"],
    ),
    (
        "profile.zero",
        edit("arrivals.0", {"name": "a", "start": "see", "profile": {"hourly": [0] * 24}}),
        "arrivals[0].profile",
        ["no hour with a rate > 0"],
    ),
    (
        "profile.negative",
        edit("arrivals.0", {"name": "a", "start": "see", "profile": {"hourly": [-1] + [1] * 23}}),
        "arrivals[0].profile.hourly[0]",
        [">= 0", "-1"],
    ),
    (
        "two kinds",
        edit("arrivals.0", {"name": "a", "start": "see", "rate": 1, "cohort": 5}),
        "arrivals[0]",
        ["exactly one of", "rate, cohort"],
    ),
    (
        "timetable.time",
        edit("arrivals.0", {"name": "a", "start": "see", "schedule": {"daily": ["9am"]}}),
        "arrivals[0].schedule.daily[0]",
        ["HH:MM"],
    ),
    (
        "timetable.day",
        edit(
            "arrivals.0",
            {"name": "a", "start": "see", "schedule": {"daily": ["09:00"], "days": ["mun"]}},
        ),
        "arrivals[0].schedule.days",
        ["'mun' is not a weekday"],
    ),
    (
        "backlog.size",
        edit(
            "arrivals.0",
            {
                "name": "a",
                "start": "see",
                "backlog": {"size": -5, "waited": {"dist": "fixed", "value": 1}},
            },
        ),
        "arrivals[0].backlog.size",
        [">= 0", "-5"],
    ),
    (
        "override.unknown",
        edit("arrivals.0.attributes", {"urgnt": 1}),
        "arrivals[0].attributes.urgnt",
        ["unknown attribute 'urgnt'", "did you mean 'urgent'"],
    ),
    ("start.day", edit("start", {"day": "monday"}), "start.day", ["mon"]),
    (
        "shift.time",
        edit("resources.gp", {"shifts": [{"start": "08:00", "end": "25:00", "capacity": 1}]}),
        "resources.gp.shifts[0].end",
        ["HH:MM"],
    ),
    (
        "capacity and shifts",
        edit(
            "resources.gp",
            {"capacity": 2, "shifts": [{"start": "08:00", "end": "18:00", "capacity": 1}]},
        ),
        "resources.gp",
        ["either 'capacity'", "or 'shifts'"],
    ),
    ("preempt", edit("resources.gp.preempt", "yes"), "resources.gp.preempt", ["resume", "restart"]),
    (
        "slot.length unitless",
        edit("books.clinic.slots.0", {"start": "09:00", "end": "12:00", "length": 10}),
        "books.clinic.slots[0]",
        ["with its unit"],
    ),
    (
        "slot.end before start",
        edit("books.clinic.slots.0", {"start": "12:00", "end": "09:00", "count": 3}),
        "books.clinic.slots[0]",
        ["must be after start"],
    ),
    (
        "slot type unknown",
        edit("pathway.book.types", ["urgent"]),
        "pathway.book.types[0]",
        ["unknown slot type 'urgent'"],
    ),
    (
        "book unknown",
        edit("pathway.book.book", "clinc"),
        "pathway.book.book",
        ["unknown book 'clinc'", "did you mean 'clinic'"],
    ),
    (
        "book without on_full",
        edit("pathway.book", {"book": "clinic", "then": "out"}),
        "pathway.book",
        ["needs 'on_full'"],
    ),
    (
        "dna without on_dna",
        edit("pathway.book.dna", 0.1),
        "pathway.book",
        ["'dna' and 'on_dna' go together"],
    ),
    (
        "dna > 1",
        edit(
            "pathway.book",
            {"book": "clinic", "dna": 1.5, "on_dna": "out", "on_full": "out", "then": "out"},
        ),
        "pathway.book.dna",
        [],
    ),
    (
        "dna expression",
        edit(
            "pathway.book",
            {
                "book": "clinic",
                "dna": "0.1 if urgnt else 0",
                "on_dna": "out",
                "on_full": "out",
                "then": "out",
            },
        ),
        "pathway.book.dna",
        ["urgnt"],
    ),
    (
        "patience without on_renege",
        edit("pathway.see.patience", {"dist": "exponential", "mean": 2}),
        "pathway.see",
        ["'patience' and 'on_renege' go together"],
    ),
    (
        "negative patience",
        edit(
            "pathway.see",
            {
                "seize": "gp",
                "service": {"dist": "fixed", "value": 1},
                "patience": {"dist": "uniform", "low": -1, "high": 1},
                "on_renege": "out",
                "then": "out",
            },
        ),
        "pathway.see.patience",
        ["cannot be negative"],
    ),
    (
        "max_queue without on_balk",
        edit("pathway.see.max_queue", 3),
        "pathway.see",
        ["'max_queue' and 'on_balk'"],
    ),
    (
        "max_queue negative",
        edit(
            "pathway.see",
            {
                "seize": "gp",
                "service": {"dist": "fixed", "value": 1},
                "max_queue": -1,
                "on_balk": "out",
                "then": "out",
            },
        ),
        "pathway.see.max_queue",
        [">= 0"],
    ),
    (
        "on_balk unknown",
        edit(
            "pathway.see",
            {
                "seize": "gp",
                "service": {"dist": "fixed", "value": 1},
                "max_queue": 1,
                "on_balk": "lostt",
                "then": "out",
            },
        ),
        "pathway.see.on_balk",
        ["unknown step 'lostt'"],
    ),
    (
        "option on wrong step",
        edit("pathway.book.max_queue", 3),
        "pathway.book",
        ["'max_queue' does not belong to a book step"],
    ),
    (
        "waiting_since needs order",
        edit("pathway.see.waiting_since", "age"),
        "pathway.see",
        ["needs order: longest_wait"],
    ),
    (
        "order unknown",
        edit("pathway.see.order", "lifo"),
        "pathway.see.order",
        ["fifo", "longest_wait"],
    ),
    (
        "hold never released",
        edit("pathway.see", {"seize": "bed", "then": "book"}),
        "pathway.see",
        ["no later step releases it"],
    ),
    (
        "release not held",
        edit("pathway.out", {"release": "gp", "then": "see"}),
        "pathway.out.release",
        ["no step holds 'gp'"],
    ),
    (
        "set unknown attribute",
        edit("pathway.out", {"set": {"visits": "visits + 1"}, "then": "see"}),
        "pathway.out.set.visits",
        ["unknown attribute or global 'visits'"],
    ),
    (
        "goto unknown",
        edit("pathway.out", {"goto": "sea"}),
        "pathway.out.goto",
        ["unknown step 'sea'", "did you mean 'see'"],
    ),
    ("reserved attribute", edit("attributes.now", 1), "attributes.now", ["built-in variable"]),
    ("by continuous", edit("results", {"by": ["age"]}), "results.by[0]", ["any number of values"]),
    (
        "percentile of 100",
        edit("results", {"percentiles": [50, 100]}),
        "results.percentiles[1]",
        ["must be < 100, got 100"],
    ),
    (
        "percentiles out of order",
        edit("results", {"percentiles": [95, 50]}),
        "results.percentiles",
        ["must increase, got 50 after 95"],
    ),
    (
        "by unknown",
        edit("results", {"by": ["urgnt"]}),
        "results.by[0]",
        ["unknown attribute 'urgnt'"],
    ),
    (
        "over unknown metric",
        edit("results", {"over": {"wait.sea": ["4 hours"]}}),
        "results.over.wait.sea",
        ["unknown metric", "did you mean 'wait.see'"],
    ),
    (
        "over bad duration",
        edit("results", {"over": {"wait.see": ["4 hrz"]}}),
        "results.over.wait.see[0]",
        ["not a duration"],
    ),
    (
        "results typo",
        edit("results", {"bye": ["urgent"]}),
        "results.bye",
        ["unknown key 'bye'", "did you mean 'by'"],
    ),
]


@pytest.mark.parametrize(("case", "data", "path", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_pathway_input_names_the_field(case, data, path, words):
    with pytest.raises(cp.ScenarioError) as info:
        cp.load(data)
    assert info.value.path == path, f"{case}: {info.value}"
    for word in words:
        assert word in info.value.problem, f"{case}: {info.value}"


def test_base_is_valid():
    cp.load(base())
