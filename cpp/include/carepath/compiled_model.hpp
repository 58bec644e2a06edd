#pragma once
// A ModelSpec after validation, with distributions and expressions prepared
// for sampling and the per-replication bookkeeping laid out.
#include <cstdint>
#include <string>
#include <vector>

#include "carepath/distributions.hpp"
#include "carepath/expression.hpp"
#include "carepath/spec.hpp"

namespace carepath {

class CompiledModel {
public:
    // Throws std::invalid_argument with the offending field if `spec` is invalid.
    explicit CompiledModel(ModelSpec spec);

    // Checks step i's chance-branch weights and sets branch_cdf[i] from them.
    void prepare_chance_branch(std::size_t i);
    // What expressions may index: the resources and steps.
    StateLimits state_limits() const;

    ModelSpec spec;
    std::vector<Distribution> distributions;
    std::vector<Expression> expressions;
    std::vector<std::vector<double>> branch_cdf;  // per step, for BranchChance
    // Bytes, not vector<bool>: read on every seize.
    std::vector<std::uint8_t> resource_fifo;    // no step orders this resource's queue
    std::vector<std::uint8_t> resource_tracks;  // preemptive or interrupted at shift ends
    // Per step: a seize of one FIFO resource for a service, with no
    // patience, balking, scale or hourly counts -- most seizes, which
    // take the short path.
    std::vector<std::uint8_t> plain_seize;
    std::vector<int> held_index;        // per resource: its slot in a patient's holdings, or -1
    std::vector<std::uint8_t> resource_gated;   // per resource: see Resource::gated
    std::vector<std::uint8_t> breakdowns;       // per resource: its servers fail and are repaired
    bool any_breakdowns = false;
    std::vector<int> max_capacity;              // per resource: the most servers it ever has
    std::vector<std::vector<int>> joint_steps;  // per resource: the seize_all (together) steps naming it
    std::size_t n_held = 0;
    std::vector<int> wait_index;         // per step: its wait tally (seize steps), or -1
    std::vector<int> appointment_index;  // per step: its appointment-wait tally (book steps), or -1
    std::vector<int> batch_index;  // per step: its batch tally (batch steps), or -1
    std::size_t n_waits = 0, n_appointments = 0, n_batches = 0;
    std::vector<int> hourly_index;  // per step: its hourly counts (`hourly` steps), or -1
    std::size_t n_hourly = 0;
    std::vector<int> occupancy_index;  // per step: its occupancy level (`occupancy` steps), or -1
    std::size_t n_occupancy = 0;
    // One hour of a profile's week: its rate (hourly x weekday), 1 / rate
    // (inf where 0) and the hours from it at that rate (1..168), together:
    // a change of segment reads one place.
    struct WeekHour {
        double rate, time_per_mass;
        int run;
    };
    std::vector<std::vector<WeekHour>> week;  // per profile source, Monday 00:00 first
    // Per-patient values: the attributes, then the built-ins `arrived` and `now`.
    std::size_t n_values = 0;
    std::size_t arrived_value = 0, now_value = 0;
    // Classes for `by:` results: labels[0] is "" (everyone), then one per class.
    std::vector<std::string> class_labels;
    std::vector<std::size_t> class_strides;
    std::vector<std::string> metric_names;  // filled in by the Runner
    // Time series: bins of spec.series_bin from the warm-up's end, and the
    // series: "in_system", then "busy.<r>", "queue_length.<r>" and
    // "capacity.<r>" per resource, then "occupancy.<step>" per occupancy step.
    std::size_t n_bins = 0;
    std::vector<std::string> series_names;
    // Counts per bin (spec.series_counts), after the levels: each one's row
    // among the counts, or -1 where not counted.
    std::size_t n_counts = 0;
    int count_arrivals = -1;
    std::vector<int> count_entered, count_served, count_reneged, count_balked;  // per step
    std::vector<int> count_exit;                                               // per outcome
    bool tracks_steps = false;  // occupancy steps or entry counts: advance() tells each step's entry

private:
    // The pathway's steps, checked and indexed (cpp/src/compiled_steps.cpp);
    // the constructor calls it once the resources, books and sources are.
    void compile_steps();
};

}  // namespace carepath
