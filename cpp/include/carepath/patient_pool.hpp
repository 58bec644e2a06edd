#pragma once
// Patients in the system, in a slab with a free list: an event refers to a
// patient by slot index, and memory grows with the number of patients present
// at once, not with the number simulated.
#include <cstdint>
#include <vector>

#include "carepath/rng.hpp"

namespace carepath {

struct Patient {
    double arrival_time = 0.0;     // negative for a backlog patient already waiting at t = 0
    double queue_since = 0.0;      // when it joined its current queue
    double last_step_time = 0.0;   // for the zero-time loop guard
    double service_end = 0.0;      // of the service in progress
    double service_total = 0.0;    // its full length, for a preemptive restart
    double remaining = -1.0;       // service left after a preemption; < 0: none
    double priority = 0.0;         // in the queue it is in (or the service it holds)
    double tiebreak = 0.0;
    double slot_time = 0.0;        // of its booked appointment
    std::uint64_t queue_seq = 0;   // FIFO order within a priority, kept across preemptions
    std::uint64_t slot = 0;        // booked slot's occurrence index
    std::int64_t steps_without_time = 0;
    Stream durations;
    Stream routing;   // made on first use: most pathways never need them
    Stream patience;
    Stream costs;
    double utility = 0.0;        // quality-of-life weight since utility_since
    double utility_since = 0.0;
    std::uint32_t source = 0;
    std::uint32_t ordinal = 0;  // k-th patient of its source: names its streams
    std::uint32_t token = 0;    // see Event: bumped whenever a pending event is overtaken
    std::uint32_t klass = 0;    // 1 + its class for `by:` results; 0 when there are none
    std::int32_t step = 0;
    std::int32_t slot_type = -1;  // booked slot's type
    std::int32_t occupying = -1;  // the occupancy level it counts in, or -1
    std::int32_t at = -1;  // the resource it waits for or uses at a seize; -1: every queue of a list
    std::int32_t group = -1;  // leading a group from a batch step: its index in Workspace::groups
    std::uint32_t units = 1;    // servers of each resource its current seize needs at once
    std::uint32_t pending = 0;  // seize_all as_available: resources still to grant
    std::uint64_t granted = 0;  // ...and those granted, by position in the step's list
    // Parallel tasks (fork/join): a part names its patient (the slot waiting
    // at the fork), which counts the parts still to join; `part` names the
    // part's random streams (0 for a patient itself).
    std::int32_t fork_parent = -1;
    std::uint32_t parts_left = 0;
    std::uint32_t part = 0;
    std::uint32_t forks = 0;
    bool observed = false;  // arrived after the warm-up: its outcomes are recorded
    bool counted = true;    // a patient (not an entity of an `observed: false` source): in in_system
    bool has_routing = false;
    bool has_patience = false;
    bool has_costs = false;
    bool backdated = false;  // a backlog patient: its first wait counts from arrival_time
    // Its current service's wait and completion count: observed, or with
    // `observe: start`, that service started in the observation window.
    bool service_counted = false;
};

class PatientPool {
public:
    // n_values: attributes and built-in variables per patient; n_held:
    // resources a patient can hold across steps.
    void reset(std::size_t n_values, std::size_t n_held) {
        patients_.clear();
        values_.clear();
        held_.clear();
        free_.clear();
        n_values_ = n_values;
        n_held_ = n_held;
        live_ = 0;
    }

    std::uint32_t acquire() {
        ++live_;
        if (!free_.empty()) {
            const std::uint32_t slot = free_.back();
            free_.pop_back();
            return slot;
        }
        patients_.emplace_back();
        values_.resize(values_.size() + n_values_);
        held_.resize(held_.size() + 2 * n_held_);
        return static_cast<std::uint32_t>(patients_.size() - 1);
    }

    // The slot's token survives reuse, so stale events for the previous
    // occupant stay stale.
    void release(std::uint32_t slot) {
        --live_;
        ++patients_[slot].token;
        free_.push_back(slot);
    }

    Patient& operator[](std::uint32_t slot) { return patients_[slot]; }
    double* values(std::uint32_t slot) { return values_.data() + slot * n_values_; }
    // Per held resource: the units held, then (at [n_held + i]) the units its last hold took.
    std::uint32_t* held(std::uint32_t slot) { return held_.data() + slot * 2 * n_held_; }
    std::size_t live() const { return live_; }
    std::size_t capacity() const { return patients_.size(); }
    template <class F>
    void for_each_live_slot(F&& f) {
        std::vector<bool> is_free(patients_.size(), false);
        for (auto s : free_) is_free[s] = true;
        for (std::uint32_t s = 0; s < patients_.size(); ++s)
            if (!is_free[s]) f(s);
    }
    template <class F>
    void for_each_live(F&& f) {
        for_each_live_slot([&](std::uint32_t s) { f(patients_[s]); });
    }

private:
    std::vector<Patient> patients_;
    std::vector<double> values_;
    std::vector<std::uint32_t> held_;
    std::vector<std::uint32_t> free_;
    std::size_t n_values_ = 0;
    std::size_t n_held_ = 0;
    std::size_t live_ = 0;
};

}  // namespace carepath
