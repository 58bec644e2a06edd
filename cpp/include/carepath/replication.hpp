#pragma once
// One replication of a model: the event loop and its per-thread workspace.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "carepath/appointment_book.hpp"
#include "carepath/calendar.hpp"
#include "carepath/compiled_model.hpp"
#include "carepath/event_log.hpp"
#include "carepath/patient_pool.hpp"
#include "carepath/resource.hpp"
#include "carepath/stats.hpp"

namespace carepath {

// The patient-level outcomes of one class of patients (or of everyone).
struct PatientStats {
    std::uint64_t arrivals = 0;
    std::uint64_t in_system_at_end = 0;
    Tally system_time;
    std::vector<Tally> waits;              // per seize step (CompiledModel::wait_index)
    std::vector<Tally> appointment_waits;  // per book step, in days
    std::vector<Tally> batch_waits;        // per batch step: from joining to the group going
    std::vector<std::uint64_t> completed;  // per step: served, delayed, attended
    std::vector<std::uint64_t> reneged, balked, dna, full;  // per step
    std::vector<std::uint64_t> exits;      // per outcome
    std::vector<double> costs;             // per cost category, discounted
    double qalys = 0.0;                    // discounted
};

// Entries into a step and reneges from it, per clock hour of the
// observation window (`results.hourly`).
struct HourlyCounts {
    std::vector<std::uint32_t> entered, reneged;
};

// Where a profile source's arrivals have reached in its piecewise-constant
// rate: the current segment runs to `end` at `rate` (ending at the next
// calendar hour or the next week of its season), with `left` of its rate
// mass (expected arrivals) after the last arrival.
struct ProfileCursor {
    const CompiledModel::WeekHour* week_hours = nullptr;  // the source's hours of the week
    const double* season = nullptr;                 // its multipliers by week, or null
    std::size_t season_weeks = 0;
    double end = 0.0, rate = 0.0, time_per_mass = 0.0, left = 0.0;
    double hour_end = 0.0, week_end = 0.0;
    std::int64_t hour = 0, week = 0;  // hours since the Monday before t = 0; weeks since t = 0
    int hour_of_week = 0;             // hour % 168, kept without a division
};

// Everything a replication mutates.  A thread keeps one and reuses it, so
// steady-state simulation allocates nothing.
struct Workspace {
    Calendar calendar;
    PatientPool pool;
    std::vector<Resource> resources;
    std::vector<AppointmentBook> books;
    std::vector<std::uint64_t> slots_used, slots_wasted;  // per book, slots in the window
    std::vector<std::uint64_t> next_shift_change;         // per resource
    std::vector<PatientStats> stats;  // [0] everyone, then one per class
    std::vector<HourlyCounts> hourly;  // per `hourly` step
    std::vector<TimeWeighted> occupancy;  // per `occupancy` step: patients at it
    std::vector<Stream> arrival_streams;  // per source
    std::vector<ProfileCursor> cursors;   // per source (profiles only)
    std::vector<std::uint64_t> turns;     // per step: round-robin position of a seize list
    // Batch steps: the group forming at each, and the groups in session.
    struct Forming {
        std::vector<std::uint32_t> members;
        std::uint32_t generation = 0;  // a timeout for an earlier group is stale
        std::uint64_t groups = 0, patients = 0;  // formed in the observation window
    };
    std::vector<Forming> forming;                    // per batch step
    std::vector<std::vector<std::uint32_t>> groups;  // followers of each group's leader
    std::vector<std::uint32_t> free_groups;
    std::vector<std::uint32_t> arrived;   // per source: ordinal of the next patient
    std::vector<std::uint64_t> events;    // per source: arrival events so far (a batch is one)
    // A counts source's place: its period, the arrivals left in it and the last one's time.
    struct PeriodCursor {
        std::size_t period = 0;
        std::int64_t left = 0;
        double last = 0.0;
    };
    std::vector<PeriodCursor> periods;  // per source (counts sources only)
    std::vector<double> counts;         // n_counts x n_bins: events per series bin
    // Per seize_all (together) step: the patients waiting for all of its
    // resources at once, in queue order (entries go stale as in a queue).
    std::vector<std::vector<QueueEntry>> joint;
    // Per resource with breakdowns, its servers (see engine/breakdowns.cpp).
    struct Server {
        std::int32_t patient = -1;  // in service (or holding it), or -1
        bool down = false;          // failed, waiting for its repair to end
        bool failing = false;       // failed while serving: down when its patient is done (finish)
        double life = 0.0;          // busy clock: serving time left before it fails
        double since = 0.0;         // busy clock: when its current stretch of serving began
        std::uint32_t generation = 0;  // its pending failure event is stale when this moves on
        Stream draws;
    };
    std::vector<std::vector<Server>> servers;  // per resource (empty without breakdowns)
    std::vector<TimeWeighted> down;            // per resource: servers down
    std::vector<std::uint64_t> failures;       // per resource, in the window
    std::vector<int> scheduled;                // per resource: servers on shift now
    std::vector<double> globals;             // the service's variables now
    std::vector<TimeWeighted> global_levels;  // ...and their time averages
    std::uint64_t joint_seq = 0;
    std::vector<std::uint64_t> observed_arrivals;  // per source, in the observation window
    TimeWeighted in_system;
};

// Simulates replication `replication` and writes its metrics to `row`, and
// its time series (n_series x n_bins) to `series` and its events to `log`
// unless they are null.
// Returns false if `stop` was raised before the end.  Throws
// std::runtime_error if a patient loops without time advancing or releases
// what it does not hold.
bool simulate_replication(const CompiledModel& model, std::uint64_t seed, std::uint32_t replication,
                          Workspace& ws, double* row, const std::atomic<bool>& stop,
                          double* series = nullptr, EventLog* log = nullptr);

// The names of the metrics simulate_replication writes, in order.
std::vector<std::string> metric_names(const CompiledModel& model);

}  // namespace carepath
