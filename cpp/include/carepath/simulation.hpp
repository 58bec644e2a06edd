#pragma once
// The pathway interpreter for one replication: its state, and its handlers
// declared by the file that defines them, as R simmer lays out activity/.
// The event loop and its one switch over step kinds are in
// src/engine/loop.cpp; each handler is a member function so that, under
// link-time optimisation, the hot ones inline into that loop as they did
// when this was one file (docs/performance.md, "The house by its parts").
// Kept as a class so the loop's state lives in members, not in a
// capture of many references.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "carepath/economics.hpp"
#include "carepath/replication.hpp"
#include "carepath/schedule.hpp"

namespace carepath::engine {

class Simulation final : public StateView {
public:
    Simulation(const CompiledModel& m, std::uint64_t seed, std::uint32_t replication, Workspace& ws)
        : m_(m),
          spec_(m.spec),
          clock_(m.spec.hours_per_unit, m.spec.start_hour_of_week),
          seed_(seed),
          replication_(replication),
          ws_(ws),
          cost_discount_(m.spec.discount_costs, m.spec.hours_per_unit, m.spec.warmup),
          qaly_discount_(m.spec.discount_qalys, m.spec.hours_per_unit, m.spec.warmup) {}

    // loop.cpp
    bool run(double* row, const std::atomic<bool>& stop, double* series = nullptr, EventLog* log = nullptr);
    void reset();

    // metrics.cpp: the values of the metrics in order, and their names.
    void write_row(double* row);
    std::vector<std::string> names();

private:
    // loop.cpp
    void advance(std::uint32_t slot);
    [[gnu::noinline]] void service_event(const Event& ev);
    double state(StateKind kind, int index) const override;
    [[gnu::noinline]] double until_next(const Cycle& c) const;
    double finite_value(double value, const StepSpec& st, const char* field) const;
    [[gnu::noinline, noreturn]] void not_finite(double value, const StepSpec& st, const char* field) const;
    [[gnu::noinline, noreturn]] void loops_without_time(const Patient& p) const;
    [[gnu::noinline, noreturn]] void too_many_events(std::uint64_t events) const;

    // arrivals.cpp
    double fresh_arrival_draw(std::uint32_t source);
    double arrival_draw(std::uint32_t source);
    void schedule_arrival(std::uint32_t source, double from);
    [[gnu::noinline]] double renewal_arrival(std::uint32_t source, double from);
    [[gnu::noinline]] double counted_arrival(std::uint32_t source);
    [[gnu::always_inline]] inline void arrive(std::uint32_t source);
    [[gnu::noinline]] void arrive_batch(std::uint32_t source);
    [[gnu::always_inline]] inline std::uint32_t new_patient(std::uint32_t source);
    [[gnu::noinline]] void attributes_from_data(const SourceSpec& src, std::uint32_t k, Stream& attr, double* values);
    [[gnu::noinline, noreturn]] void too_many_in_system();
    double profile_arrival(std::uint32_t source);
    void first_segment(std::uint32_t source, ProfileCursor& c, double t);
    void next_segment(ProfileCursor& c);
    std::uint32_t classify(const double* values) const;

    // steps/seize.cpp: seize and release, choice among resources, queue
    // ranking, preemption, balking and reneging.
    bool seize(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] int choose(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] bool wait_for_any(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void leave_other_queues(Patient& q, Resource& r);
    [[gnu::noinline]] void record_choice(std::uint32_t slot, const StepSpec& st);
    bool take_server(std::uint32_t slot, const StepSpec& st, Resource& r);
    [[gnu::noinline]] void order(std::uint32_t slot, const StepSpec& st, Resource& r);
    void rank(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] bool wait_for(std::uint32_t slot, const StepSpec& st, Resource& r);
    void begin(std::uint32_t slot, Resource& r);
    void begin_plain(std::uint32_t slot, Patient& p, const StepSpec& st, Resource& r);
    void serve_queue(Resource& r);
    void interrupt(const InService& victim, Resource& r, Preempt mode);
    void end_service(std::uint32_t slot);
    [[gnu::noinline]] bool release(std::uint32_t slot, const StepSpec& st);
    void hold(std::uint32_t slot, std::size_t r, std::uint32_t units);
    void renege(std::uint32_t slot);
    double patience(Patient& p, int dist);
    double step_duration(const StepSpec& st, std::uint32_t slot);
    [[gnu::noinline]] double scale_factor(const StepSpec& st, std::uint32_t slot);

    // steps/seize_all.cpp: several servers at once (`units`), several
    // resources at once (seize_all, together or as available), release_all.
    [[gnu::noinline]] std::uint32_t units_of(std::uint32_t slot, const StepSpec& st);
    std::uint32_t units_at(const Patient& p, const StepSpec& st, std::size_t position) const;
    std::size_t position_in(const StepSpec& st, const Resource& r) const;
    [[gnu::noinline]] bool seize_all(std::uint32_t slot, const StepSpec& st);
    bool all_free(const Patient& p, const StepSpec& st);
    void take_part(std::uint32_t slot, const StepSpec& st, std::size_t j);
    bool start_all(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void end_all(std::uint32_t slot);
    [[gnu::noinline]] bool release_all(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void leave_seize_all(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void serve_gated(Resource& r);
    void start_joint(std::size_t s);

    // steps/fork.cpp: parallel tasks.
    [[gnu::noinline]] void fork(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void join(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline, noreturn]] void part_exits(const Patient& p, const StepSpec& st) const;

    // shifts.cpp
    void change_capacity(std::uint32_t index);

    // breakdowns.cpp: servers that fail and are repaired.
    void reset_breakdowns();
    double draw_positive(int dist, Stream& s);
    void recount(std::size_t r);
    [[gnu::noinline]] void take_server_of(std::size_t r, std::uint32_t slot);
    [[gnu::noinline]] void leave_server_of(std::size_t r, std::uint32_t slot);
    void go_down(std::size_t r, std::size_t k);
    void fail(std::uint32_t target, std::uint32_t generation);
    void repair(std::uint32_t target);
    void hand_servers(std::uint32_t from, std::uint32_t to);

    // steps/book.cpp
    [[gnu::noinline]] bool book(std::uint32_t slot, const StepSpec& st);
    void attend(std::uint32_t slot);

    // steps/batch.cpp
    [[gnu::noinline]] bool join_batch(std::uint32_t slot, const StepSpec& st);
    void batch_timeout(std::uint32_t i, std::uint32_t token);
    bool form_group(int i, std::uint32_t current);
    [[gnu::noinline]] void group_waited(const Patient& leader, double wait);
    [[gnu::noinline]] void end_session(Patient& leader, const StepSpec& st);

    // steps/flow.cpp: delay and wait_until, branches, set, goto, exit.
    void delay(std::uint32_t slot, const StepSpec& st);
    int chance_branch(std::uint32_t slot, const StepSpec& st);
    int when_branch(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] std::size_t weighted_choice(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void set_values(std::uint32_t slot, const StepSpec& st);
    void exit(std::uint32_t slot, const StepSpec& st);

    // costs.cpp: the cost and utility steps, and what services and holds cost.
    [[gnu::noinline]] void cost_step(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void utility_step(std::uint32_t slot, const StepSpec& st);
    [[gnu::noinline]] void charge_hold(const Patient& p, std::size_t r, double units);
    [[gnu::noinline]] void charge_service(const Patient& p, std::size_t r, double d);
    [[gnu::noinline]] void accrue_qalys(Patient& p, double until);
    [[gnu::noinline]] void close_accounts();

    // metrics.cpp: statistics kept as patients move, and their emission.
    template <class Sink>
    void emit(Sink& out);
    template <class Sink>
    void emit_levels(Sink& out, const std::string& prefix, TimeWeighted& level);
    template <class Sink>
    void emit_patients(Sink& out, const PatientStats& s, const std::string& cls);
    template <class Sink>
    void emit_hourly(Sink& out, const StepSpec& st, const HourlyCounts& c);
    void reset_stats(PatientStats& s);
    [[gnu::noinline]] void count_hour(std::size_t i, bool renege);
    [[gnu::noinline]] void occupy(Patient& p);
    [[gnu::noinline]] void entered_step(Patient& p);
    [[gnu::noinline]] void write_series(double* out);
    [[gnu::noinline]] void count_event(int index);

    // event_log.cpp
    [[gnu::noinline]] void add_to_log(const Patient& p, LogEvent what, std::int32_t resource);

    // Small helpers every handler uses, inline here.
    const StepSpec& step(int i) const { return spec_.steps[static_cast<std::size_t>(i)]; }
    // Whether time t is in the observation window, where outcomes count.
    bool in_window(double t) const { return t >= spec_.warmup && t <= spec_.horizon; }
    Resource& resource(int i) { return ws_.resources[static_cast<std::size_t>(i)]; }

    // Applies f to the stats of everyone and of p's class, if p is observed.
    template <class F>
    void record(const Patient& p, F&& f) {
        if (!p.observed) return;
        f(ws_.stats[0]);
        if (p.klass != 0) f(ws_.stats[p.klass]);
    }

    // As record, for a service's wait and completion: counted when the
    // patient is observed, or with `observe: start` when that service
    // started in the window (Patient::service_counted either way).
    template <class F>
    void record_service(const Patient& p, F&& f) {
        if (!p.service_counted) return;
        f(ws_.stats[0]);
        if (p.klass != 0) f(ws_.stats[p.klass]);
    }

    // A count per series bin, when one is kept for this event (index >= 0).
    void count(int index) {
        if (index >= 0) count_event(index);
    }
    void count_at(const Patient& p, const std::vector<int>& per, std::size_t i) {
        if (m_.n_counts > 0 && p.counted) count(per[i]);
    }

    double eval(int expression, std::uint32_t slot) {
        double* values = ws_.pool.values(slot);
        values[m_.now_value] = now_;
        return m_.expressions[static_cast<std::size_t>(expression)].eval(values, this);
    }

    // What names a patient's streams: its ordinal, and for a part of a fork
    // which part (so that parallel tasks draw apart from each other).
    static std::uint64_t stream_member(const Patient& p) {
        return static_cast<std::uint64_t>(p.ordinal) | static_cast<std::uint64_t>(p.part) << 32;
    }

    Stream& routing(Patient& p) {
        if (!p.has_routing) {
            p.routing = Stream(families_[p.source].routing, stream_member(p));
            p.has_routing = true;
        }
        return p.routing;
    }

    double duration(int dist, Patient& p) {
        const double d = m_.distributions[static_cast<std::size_t>(dist)].sample(p.durations);
        return d > 0.0 ? d : 0.0;  // durations below zero (a normal's tail) count as zero
    }

    // One row of the event log, for observed patients, when there is a log.
    void log_event(const Patient& p, LogEvent what, std::int32_t resource = -1) {
        if (log_ != nullptr) add_to_log(p, what, resource);  // the check stays inline
    }

    // Costs and QALYs, discounted, for observed patients only.
    void charge(const Patient& p, int category, double amount) {
        record(p, [&](PatientStats& s) { s.costs[static_cast<std::size_t>(category)] += amount; });
    }

    // The draw behind a source's next arrival (a Poisson source's gap, a
    // profile's unit of rate mass) is made an arrival ahead: placing an
    // arrival in the calendar then does not wait on the logarithm, which the
    // processor would otherwise do with the heap's sift in flight (10% of
    // M/M/5's time).  A source with a backlog draws its patients' waits from
    // the same stream, in turn, so it draws when asked.
    static bool draws_ahead(const SourceSpec& src) {
        return src.waited < 0 && (src.kind == SourceKind::Poisson || src.kind == SourceKind::Profile);
    }

    struct SourceFamilies {
        std::uint64_t attributes, durations, routing, patience, costs;
        double arrival_ahead = 0.0;  // see arrival_draw
    };

    const CompiledModel& m_;
    const ModelSpec& spec_;
    CalendarClock clock_;
    std::vector<SourceFamilies> families_;
    std::uint64_t seed_;
    std::uint32_t replication_;
    Workspace& ws_;
    Discount cost_discount_, qaly_discount_;
    EventLog* log_ = nullptr;
    double now_ = 0.0;
    const double end_ = spec_.horizon + spec_.follow_up;  // the run stops here
    const double units_per_hour_ = 1.0 / spec_.hours_per_unit;
    std::vector<double> weights_;  // scratch for weighted_choice
    std::vector<std::uint32_t> parts_;  // scratch for fork
    std::int64_t first_hour_ = 0;  // clock hours since Monday 00:00 at the warmup's end
};

// Shared by several handlers and on every patient's path: defined here,
// inline, so that each caller gets its own copy as when the interpreter was
// one file (out of line they cost M/M/5 4% more instructions a customer).
inline double Simulation::fresh_arrival_draw(std::uint32_t source) {
    const SourceSpec& src = spec_.sources[source];
    const double e = ws_.arrival_streams[source].exponential();
    return src.kind == SourceKind::Poisson ? e / src.rate : e;
}

inline double Simulation::arrival_draw(std::uint32_t source) {
    if (!draws_ahead(spec_.sources[source])) return fresh_arrival_draw(source);
    double& ahead = families_[source].arrival_ahead;
    const double e = ahead;
    ahead = fresh_arrival_draw(source);
    return e;
}

// Starts queued patients while r has free servers.
inline void Simulation::serve_queue(Resource& r) {
    if (__builtin_expect(r.gated(), 0)) return serve_gated(r);
    while (r.can_start_waiting()) {
        const QueueEntry e = r.pop_front();
        Patient& q = ws_.pool[e.patient];
        if (q.token != e.token) continue;  // it left the queue
        r.left_queue(now_);
        ++q.token;  // its patience timer is overtaken, and its places in other queues
        const StepSpec& st = step(q.step);
        if (m_.plain_seize[static_cast<std::size_t>(q.step)]) {
            begin_plain(e.patient, q, st, r);
            continue;
        }
        if (q.at < 0) leave_other_queues(q, r);
        begin(e.patient, r);
        if (st.duration < 0) {  // a hold: it goes on with its pathway, as a new event
            q.step = st.next;
            ws_.calendar.schedule(now_, e.patient, EventType::Wake, q.token);
        }
    }
}

// A source's arrival event and the patient it brings: on every patient's
// path, so here and inline as serve_queue (out of line, M/M/5 pays 4% more
// instructions a customer).
// A patient of `source` enters now: its streams, attributes and stats.
inline std::uint32_t Simulation::new_patient(std::uint32_t source) {
    const SourceSpec& src = spec_.sources[source];
    const std::uint32_t k = ws_.arrived[source]++;
    if (__builtin_expect(static_cast<std::int64_t>(ws_.pool.live()) >= spec_.max_in_system, 0))
        too_many_in_system();
    const std::uint32_t slot = ws_.pool.acquire();
    Patient& p = ws_.pool[slot];
    p.arrival_time = now_;
    p.backdated = false;
    if (src.waited >= 0) {  // a backlog: already waiting when the run starts
        const double waited = m_.distributions[static_cast<std::size_t>(src.waited)].sample(ws_.arrival_streams[source]);
        p.arrival_time = now_ - (waited > 0.0 ? waited : 0.0);
        p.backdated = true;
    }
    p.last_step_time = now_;
    p.steps_without_time = 0;
    p.counted = true;
    p.observed = p.service_counted = in_window(now_);
    const SourceFamilies& fam = families_[source];
    p.durations = Stream(fam.durations, k);
    p.source = source;
    p.ordinal = k;
    p.has_routing = p.has_patience = p.has_costs = false;
    p.utility = 0.0;
    p.utility_since = now_;
    p.remaining = -1.0;
    p.occupying = -1;
    p.group = -1;
    p.step = src.start;
    double* values = ws_.pool.values(slot);
    if (!spec_.attributes.empty()) {
        Stream attr(fam.attributes, k);
        if (src.table >= 0 || !src.replay_values.empty()) {
            attributes_from_data(src, k, attr, values);
        } else {
            for (std::size_t a = 0; a < spec_.attributes.size(); ++a) {
                const int own = src.attributes.empty() ? -1 : src.attributes[a];
                const int d = own >= 0 ? own : spec_.attributes[a].distribution;
                values[a] = m_.distributions[static_cast<std::size_t>(d)].sample(attr);
            }
        }
    }
    values[m_.arrived_value] = p.arrival_time;
    p.klass = spec_.classes.empty() ? 0 : classify(values);
    if (m_.n_held > 0) {
        std::uint32_t* held = ws_.pool.held(slot);
        for (std::size_t i = 0; i < 2 * m_.n_held; ++i) held[i] = 0;
    }
    p.units = 1;
    p.fork_parent = -1;
    p.parts_left = p.part = p.forks = 0;
    if (__builtin_expect(!src.observed, 0)) {  // not a patient: counted nowhere
        p.counted = p.observed = p.service_counted = false;
        return slot;
    }
    record(p, [](PatientStats& s) { ++s.arrivals; });
    if (p.observed) ++ws_.observed_arrivals[source];
    if (m_.count_arrivals >= 0) count_event(m_.count_arrivals);
    log_event(p, LogEvent::Arrive);
    ws_.in_system.add(now_, 1.0);
    return slot;
}

inline void Simulation::arrive(std::uint32_t source) {
    const SourceSpec& src = spec_.sources[source];
    if (src.batch < 0) {  // one patient an arrival: the next is placed before it moves
        const std::uint32_t slot = new_patient(source);
        schedule_arrival(source, now_);
        advance(slot);
        return;
    }
    arrive_batch(source);
}

}  // namespace carepath::engine
