#pragma once
// The flat, numeric model the engine runs.  Python's compiler fills it in
// from a validated scenario; names are carried only to label the outputs.
//
// Calendar quantities (profiles, shifts, timetables, slots) arrive already
// converted to the scenario's time unit and shifted so that t = 0 is the
// scenario's calendar start: a weekly pattern is a Cycle of offsets in
// [0, period).
#include <cstdint>
#include <string>
#include <vector>

#include "carepath/distributions.hpp"
#include "carepath/expression.hpp"

namespace carepath {

enum class StepKind : int {
    Seize = 0,         // queue for `resource`; with a duration, hold it that long and release
    Delay = 1,         // wait `duration` (or until the next time in `until`), go to `next`
    BranchChance = 2,  // go to targets[i] with probability weights[i]
    BranchWhen = 3,    // go to the first targets[i] whose conditions[i] holds (-1 = otherwise)
    Exit = 4,          // leave with outcome `outcome`, releasing anything still held
    Release = 5,       // give back `resource` (the units its last hold took; of a list, the one held), go to `next`
    Set = 6,           // attributes[set_attributes[i]] = expressions[set_expressions[i]]
    Book = 7,          // take the first free slot in `book`, wait for it, attend or DNA
    Goto = 8,          // go to `next`
    Cost = 9,          // add a cost drawn from `duration`'s distribution to `cost_category`, go to `next`
    Utility = 10,      // the quality-of-life weight is expression `utility` from now on, go to `next`
    Batch = 11,        // wait for batch_size patients (or batch_timeout), then go on as a group to `next`
    SeizeAll = 12,     // one server (or `units`) of each of `resources` at once; a service, or a hold
    ReleaseAll = 13,   // give back everything held of each of `resources`, go to `next`
    Fork = 14,         // split into a part at each of `targets`; when all have joined, go to `next`
    Join = 15,         // a part of fork step `fork` ends here
};

// A weekly (or any periodic) pattern: occurrence k is at
// (k / n) * period + offsets[k % n].  period = 0: the offsets happen once.
struct Cycle {
    double period = 0.0;
    std::vector<double> offsets;  // sorted, in [0, period) when periodic
};

enum class Preempt : int { None = 0, Resume = 1, Restart = 2 };

// How a seize step with a list of resources picks one.
enum class Choice : int {
    FirstFree = 0,      // a free one, the first listed; if none, wait in every queue
    ShortestQueue = 1,  // a free one, else the shortest queue (ties: the first listed)
    RoundRobin = 2,     // each in turn
    Random = 3,         // uniformly at random
};

struct StepSpec {
    std::string name;
    StepKind kind = StepKind::Exit;
    int resource = -1;
    std::vector<int> resources;  // seize: a choice of these (empty: `resource` alone)
    int choose = 0;              // a Choice
    int as_attribute = -1;       // attribute set to the position of the resource taken
    // seize and seize_all: servers needed of each resource at once, an
    // expression (-1: one); seize_all: per resource a fixed count instead (0: `units`)
    int units = -1;
    std::vector<int> unit_counts;
    bool as_available = false;  // seize_all: join every queue, hold each as granted (else all at once)
    int fork = -1;              // join: the fork step whose parts end here
    // batch: a group goes once batch_size wait, or batch_timeout after its first (-1: never)
    int batch_size = 0;
    double batch_timeout = -1.0;
    int duration = -1;  // index into ModelSpec::distributions; -1 on a seize = hold until release
    Cycle until;        // a delay with no duration waits for the next of these times
    int priority = -1;  // index into ModelSpec::expressions; -1 = priority 0
    int next = -1;
    std::vector<int> targets;
    std::vector<double> weights;
    std::vector<int> weight_expressions;  // instead of weights: evaluated per patient, normalised
    std::vector<int> conditions;
    int outcome = -1;
    // seize: queue order and limits
    bool longest_wait = false;  // within a priority, the longest waiting first (else FIFO)
    int waiting_since = -1;     // attribute holding when the wait began; -1 = arrival time
    int max_queue = -1;  // -1 = unlimited
    int on_balk = -1;
    // seize (in the queue), delay and book (before the slot): a race with `patience`
    int patience = -1;  // distribution index
    int on_renege = -1;
    // set
    std::vector<int> set_attributes;  // an attribute's index, or -1 - g for global g
    std::vector<int> set_expressions;
    // book
    int book = -1;
    std::uint64_t slot_types = ~0ull;  // bit t set: slot type t may be taken
    int dna = -1;                      // expression giving P(DNA); -1 = always attends
    int on_dna = -1;
    int on_full = -1;
    int not_before = -1;  // distribution: the earliest slot the patient accepts, after now
    // thresholds for `<metric>.over_<label>` counts (waits in time units, appointment waits in days)
    std::vector<double> over;
    std::vector<std::string> over_labels;
    int scale = -1;  // expression multiplying the service or delay draw; -1 = none
    // cost: `duration` is the amount's distribution; utility: an expression
    int cost_category = -1;
    int utility = -1;
    // count entries into this step (and reneges from it) by clock hour
    bool hourly = false;
    // time-average number of patients at this step (`results.occupancy`)
    bool occupancy = false;
};

enum class SourceKind : int {
    Poisson = 0,   // constant `rate`
    Profile = 1,   // rate hourly[hour of day] * weekday[day of week] (* season[week]), by inversion
    Schedule = 2,  // one patient at each time of `schedule`
    Cohort = 3,    // `count` patients at time 0, optionally already waiting for `waited`
    Renewal = 4,   // gaps drawn from `interarrival`, independently (from `start_at`, up to `max_arrivals`)
    Replay = 5,    // one patient at each of `times` (from a file), the same in every replication
    Counts = 6,    // counts[i] patients in [period_start[i], period_end[i]), at uniformly random times
};

// Patients as rows of a table (`attributes_from`): each patient takes the
// values of one row, drawn uniformly (or by `cdf`) from its attribute stream.
struct TableSpec {
    std::vector<int> attributes;               // the attribute each column fills
    std::vector<std::vector<double>> columns;  // one per attribute, all of the same length
    std::vector<double> cdf;                   // cumulative row weights ending at 1; empty: uniform
};

struct SourceSpec {
    std::string name;
    SourceKind kind = SourceKind::Poisson;
    double rate = 1.0;  // Poisson arrivals per time unit
    int start = 0;      // first step
    std::vector<double> hourly;   // 24 rates per time unit
    std::vector<double> weekday;  // 7 multipliers, Monday first
    std::vector<double> season;   // multipliers for weeks 0, 1, ... since t = 0, repeating; empty = none
    Cycle schedule;
    std::int64_t count = 0;
    int waited = -1;  // distribution of time already waited by a cohort (a backlog)
    int interarrival = -1;        // renewal: the gaps' distribution (a draw below 0 counts as 0)
    double start_at = -1.0;       // renewal: the first arrival's time; < 0: one gap after t = 0
    std::int64_t max_arrivals = -1;  // renewal: at most this many; < 0: no limit
    std::vector<int> attributes;  // per attribute: distribution overriding the scenario's, or -1
    // replay: arrival times (sorted, >= 0) and per attribute its values at
    // those arrivals (empty: drawn as usual)
    std::vector<double> times;
    std::vector<std::vector<double>> replay_values;
    // counts: periods and how many arrive in each
    std::vector<double> period_start, period_end;
    std::vector<std::int64_t> period_count;
    int batch = -1;  // distribution of the patients each arrival event brings; -1: one
    int table = -1;  // index into ModelSpec::tables drawn for this source's patients; -1: none
    bool observed = true;  // false: its entities count in no patient metric (system-wide actions)
};

// Breakdowns of each server of a resource: it fails after `time_to_failure`
// (of serving, with `busy_clock`, else of time since its last repair) and
// is repaired in `repair`; a patient in service then resumes, restarts or
// (finish) completes before the server goes down.
enum class OnFailure : int { Resume = 0, Restart = 1, Finish = 2 };

struct ResourceSpec {
    std::string name;
    int time_to_failure = -1;  // distribution index; -1: no breakdowns
    int repair = -1;           // distribution index
    bool busy_clock = false;
    OnFailure on_failure = OnFailure::Resume;
    int capacity = 1;             // at t = 0
    Cycle shift_changes;          // when the scheduled capacity changes...
    std::vector<int> shift_capacity;  // ...and to what
    bool interrupt_at_shift_end = false;  // else patients in service finish
    // A patient of higher priority (lower value) displaces the last one in service.
    Preempt preempt = Preempt::None;
    double cost_per_hour = 0.0;  // charged to the patient for each hour it holds a server
    int cost_category = -1;
};

struct SlotTypeSpec {
    std::string name;
    int horizon_days = 0;  // bookable this many calendar days ahead (0 = the same day)
    Cycle slots;           // slot start times
};

struct BookSpec {
    std::string name;
    std::vector<SlotTypeSpec> types;
    double cost_per_slot = 0.0;  // charged to the patient at its slot, attended or not
    int cost_category = -1;
};

struct AttributeSpec {
    std::string name;
    int distribution = -1;
};

// Patient classes for `by:` breakdowns: the attributes and the values each takes.
struct ClassSpec {
    int attribute = -1;
    std::vector<double> values;
};

struct ModelSpec {
    double horizon = 0.0;
    double warmup = 0.0;
    // The run goes on this long after the horizon, arrivals included, so
    // that patients who arrived in the window finish; only they are
    // counted, and time averages stop at the horizon.
    double follow_up = 0.0;
    // Economics: discount rates per year (from the warm-up's end) and the
    // names of the cost categories; off unless a cost or utility is used.
    // Time series (`results.series`): bin width in time units; 0 = none.
    double series_bin = 0.0;
    // Occupancy distributions (`results.distributions`): the share of the
    // window at each level 0..distribution_top of every resource's busy
    // servers and every occupancy step; 0 = none.  With audit_interval > 0,
    // also the level seen every audit_interval from the warm-up's end.
    std::uint64_t distribution_top = 0;
    double audit_interval = 0.0;
    // Event log (`results.event_log`): at most this many events a replication; 0 = none.
    std::uint64_t event_log_cap = 0;
    bool economics = false;
    double discount_costs = 0.035;
    double discount_qalys = 0.035;
    std::vector<std::string> cost_categories;
    double hours_per_unit = 1.0;       // 1/60 for minutes, 24 for days
    double start_hour_of_week = 0.0;   // t = 0 is this many hours after Monday 00:00
    std::vector<DistSpec> distributions;
    std::vector<ExprSpec> expressions;  // over attributes, then `arrived` and `now`
    std::vector<AttributeSpec> attributes;
    std::vector<ResourceSpec> resources;
    std::vector<BookSpec> books;
    std::vector<SourceSpec> sources;
    std::vector<StepSpec> steps;
    std::vector<std::string> outcomes;
    std::vector<ClassSpec> classes;
    std::vector<TableSpec> tables;
    // Variables of the service itself (`globals`): their names and values at t = 0.
    std::vector<std::string> globals;
    std::vector<double> global_values;
    // `results.observe: start`: waits and services count when their service
    // starts in the window (else: when the patient arrived in it).
    bool observe_start = false;
    // Counts per series bin (`results.series.counts`), each "arrivals",
    // "exits.<outcome>", or "entered." / "served." / "reneged." / "balked."
    // followed by a step's name.
    std::vector<std::string> series_counts;
    std::vector<double> system_time_over;
    std::vector<std::string> system_time_over_labels;
    // Percentiles of every time tally (`results.percentiles`), as fractions
    // in (0, 1), increasing, at most 8, with their metric suffixes ("p50");
    // none: no histograms at all.
    std::vector<double> percentiles = {0.50, 0.90, 0.95};
    std::vector<std::string> percentile_labels = {"p50", "p90", "p95"};
    // A patient that takes this many steps without simulated time passing is
    // stuck in a loop; the run stops with an error naming the step.
    std::int64_t max_steps_without_time = 100000;
    // At most this many patients in the system at once (a runaway model's
    // memory is bounded); past it the run stops with an error naming the step
    // where they pile up.
    std::int64_t max_in_system = 2000000;
    // At most this many events a replication (checked every 1,024); 0 = no limit.
    std::uint64_t max_events = 0;
};

}  // namespace carepath
