#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

bool Simulation::run(double* row, const std::atomic<bool>& stop, double* series, EventLog* log) {
    reset();
    log_ = log;
    if (log_ != nullptr) log_->reset(spec_.event_log_cap);
    std::uint64_t events = 0;
    while (!ws_.calendar.empty()) {
        const Event ev = ws_.calendar.pop();
        if (ev.time > end_) break;
        now_ = ev.time;
        const EventType type = ev.type();
        if (type == EventType::Arrival) {
            arrive(ev.target);
        } else if (type >= EventType::CapacityChange) {
            service_event(ev);
        } else {
            Patient& p = ws_.pool[ev.target];
            // Overtaken by another of its events: skip.  Otherwise the
            // patient moves on, and its other pending events go stale.
            if ((p.token & kTokenMask) != ev.token()) continue;
            ++p.token;
            switch (type) {
                case EventType::ServiceEnd:
                    end_service(ev.target);
                    break;
                case EventType::DelayEnd:
                    record(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
                    count_at(p, m_.count_served, static_cast<std::size_t>(p.step));
                    log_event(p, LogEvent::Complete);
                    p.step = step(p.step).next;
                    advance(ev.target);
                    break;
                case EventType::Wake:
                    advance(ev.target);
                    break;
                case EventType::JointEnd:
                    end_all(ev.target);
                    break;
                case EventType::Renege:
                    renege(ev.target);
                    break;
                case EventType::Appointment:
                    attend(ev.target);
                    break;
                default:
                    break;
            }
        }
        if ((++events & 0x3FFu) == 0) {
            if (stop.load(std::memory_order_relaxed)) return false;
            if (spec_.max_events > 0 && events > spec_.max_events) too_many_events(events);
        }
    }
    if (spec_.economics) close_accounts();
    write_row(row);
    if (series != nullptr) write_series(series);
    return true;
}

// An event of the service itself: a shift change, a batch's timeout, a
// server's failure or repair.
void Simulation::service_event(const Event& ev) {
    switch (ev.type()) {
        case EventType::CapacityChange:
            change_capacity(ev.target);
            break;
        case EventType::BatchTimeout:
            batch_timeout(ev.target, ev.token());
            break;
        case EventType::Failure:
            fail(ev.target, ev.token());
            break;
        case EventType::Repair:
            repair(ev.target);
            break;
        default:
            break;
    }
}

// Runs the patient through zero-time steps until it waits for something.
void Simulation::advance(std::uint32_t slot) {
    for (;;) {
        Patient& p = ws_.pool[slot];
        // Counts the steps taken at one instant, without a branch on
        // whether time passed: that alternates from event to event.
        p.steps_without_time = now_ > p.last_step_time ? 0 : p.steps_without_time + 1;
        p.last_step_time = now_;
        if (__builtin_expect(p.steps_without_time > spec_.max_steps_without_time, 0)) loops_without_time(p);
        if (m_.tracks_steps) entered_step(p);
        const StepSpec& st = step(p.step);
        switch (st.kind) {
            case StepKind::Seize:
                if (seize(slot, st)) continue;
                return;
            case StepKind::Batch:
                if (join_batch(slot, st)) continue;
                return;
            case StepKind::Delay:
                delay(slot, st);
                return;
            case StepKind::Book:
                if (book(slot, st)) continue;
                return;
            case StepKind::Release:
                if (release(slot, st)) continue;
                return;
            case StepKind::SeizeAll:
                if (seize_all(slot, st)) continue;
                return;
            case StepKind::ReleaseAll:
                if (release_all(slot, st)) continue;
                return;
            case StepKind::Fork:
                fork(slot, st);
                return;
            case StepKind::Join:
                join(slot, st);
                return;
            case StepKind::Set:
                set_values(slot, st);
                p.step = st.next;
                continue;
            case StepKind::Goto:
                p.step = st.next;
                continue;
            case StepKind::Cost:
                cost_step(slot, st);
                continue;
            case StepKind::Utility:
                utility_step(slot, st);
                continue;
            case StepKind::BranchChance:
                p.step = chance_branch(slot, st);
                continue;
            case StepKind::BranchWhen:
                p.step = when_branch(slot, st);
                continue;
            case StepKind::Exit:
                exit(slot, st);
                return;
        }
    }
}

void Simulation::reset() {
    const double w = spec_.warmup, h = spec_.horizon;
    ws_.calendar.clear();
    ws_.pool.reset(m_.n_values, m_.n_held);
    ws_.resources.resize(spec_.resources.size());
    ws_.next_shift_change.assign(spec_.resources.size(), 0);
    for (std::size_t r = 0; r < spec_.resources.size(); ++r) {
        const ResourceSpec& rs = spec_.resources[r];
        const bool scheduled = !rs.shift_changes.offsets.empty();
        // with breakdowns the capacity varies too: utilisation is over the servers up
        ws_.resources[r].reset(rs.capacity, m_.resource_fifo[r], m_.resource_tracks[r], scheduled || m_.breakdowns[r], w, h);
        ws_.resources[r].set_gated(m_.resource_gated[r] != 0);
        if (scheduled) {
            const std::uint64_t k = first_after(rs.shift_changes, 0.0);
            ws_.next_shift_change[r] = k;
            const double t = occurrence(rs.shift_changes, k);
            if (t <= end_) ws_.calendar.schedule(t, static_cast<std::uint32_t>(r), EventType::CapacityChange);
        }
    }
    ws_.books.resize(spec_.books.size());
    for (std::size_t b = 0; b < spec_.books.size(); ++b) ws_.books[b].reset(spec_.books[b]);
    ws_.slots_used.assign(spec_.books.size(), 0);
    ws_.slots_wasted.assign(spec_.books.size(), 0);
    first_hour_ = static_cast<std::int64_t>(std::floor(clock_.hours_since_monday(w)));
    const auto n_hours = static_cast<std::size_t>(std::floor(clock_.hours_since_monday(h))) -
                         static_cast<std::size_t>(first_hour_) + 1;
    ws_.hourly.resize(m_.n_hourly);
    for (auto& c : ws_.hourly) {
        c.entered.assign(n_hours, 0);
        c.reneged.assign(n_hours, 0);
    }
    ws_.stats.resize(m_.class_labels.size());
    for (auto& s : ws_.stats) reset_stats(s);
    ws_.in_system.reset(w, h);
    ws_.occupancy.resize(m_.n_occupancy);
    for (auto& level : ws_.occupancy) level.reset(w, h);
    if (m_.n_bins > 0) {
        ws_.in_system.use_bins(spec_.series_bin, m_.n_bins);
        for (auto& r : ws_.resources) r.use_bins(spec_.series_bin, m_.n_bins);
        for (auto& level : ws_.occupancy) level.use_bins(spec_.series_bin, m_.n_bins);
    }
    if (spec_.distribution_top > 0) {
        const auto top = static_cast<std::size_t>(spec_.distribution_top);
        for (auto& r : ws_.resources) r.use_levels(top, spec_.audit_interval);
        for (auto& level : ws_.occupancy) level.use_levels(top, spec_.audit_interval);
    }
    ws_.arrived.assign(spec_.sources.size(), 0);
    ws_.events.assign(spec_.sources.size(), 0);
    ws_.periods.assign(spec_.sources.size(), Workspace::PeriodCursor{});
    ws_.counts.assign(m_.n_counts * m_.n_bins, 0.0);
    ws_.observed_arrivals.assign(spec_.sources.size(), 0);
    ws_.arrival_streams.clear();
    ws_.cursors.assign(spec_.sources.size(), ProfileCursor{});
    ws_.turns.assign(spec_.steps.size(), 0);
    ws_.joint.resize(spec_.steps.size());
    for (auto& waiting : ws_.joint) waiting.clear();
    ws_.joint_seq = 0;
    reset_breakdowns();
    ws_.globals = spec_.global_values;
    ws_.global_levels.resize(spec_.globals.size());
    for (std::size_t g = 0; g < spec_.globals.size(); ++g) {
        ws_.global_levels[g].reset(w, h);
        ws_.global_levels[g].set(0.0, spec_.global_values[g]);
    }
    ws_.forming.resize(m_.n_batches);
    for (auto& f : ws_.forming) {
        f.members.clear();
        f.generation = 0;
        f.groups = f.patients = 0;
    }
    ws_.groups.clear();
    ws_.free_groups.clear();
    families_.clear();
    for (std::uint32_t s = 0; s < spec_.sources.size(); ++s) {
        ws_.arrival_streams.emplace_back(seed_, replication_, Purpose::Arrivals, s, 0);
        families_.push_back({stream_family(seed_, replication_, Purpose::Attributes, s),
                             stream_family(seed_, replication_, Purpose::Durations, s),
                             stream_family(seed_, replication_, Purpose::Routing, s),
                             stream_family(seed_, replication_, Purpose::Patience, s),
                             stream_family(seed_, replication_, Purpose::Costs, s)});
        if (draws_ahead(spec_.sources[s])) families_.back().arrival_ahead = fresh_arrival_draw(s);
        if (spec_.sources[s].kind == SourceKind::Profile) first_segment(s, ws_.cursors[s], 0.0);
        schedule_arrival(s, 0.0);
    }
}

// What expressions read of the service (queue("r"), hour, ...), now.
double Simulation::state(StateKind kind, int index) const {
    const auto i = static_cast<std::size_t>(index);
    switch (kind) {
        case StateKind::Queue: return static_cast<double>(ws_.resources[i].waiting());
        case StateKind::Busy: return ws_.resources[i].busy();
        case StateKind::Capacity: return ws_.resources[i].capacity();
        case StateKind::Free: return std::max(0, ws_.resources[i].capacity() - ws_.resources[i].busy());
        case StateKind::InSystem: return static_cast<double>(ws_.pool.live());
        case StateKind::Occupancy:
            return ws_.occupancy[static_cast<std::size_t>(m_.occupancy_index[i])].level();
        case StateKind::Hour: {
            const double h = clock_.hours_since_monday(now_);
            return h - 24.0 * std::floor(h / 24.0);
        }
        case StateKind::Weekday: return clock_.weekday(now_);
        case StateKind::Day: return std::floor(clock_.days(now_));
        case StateKind::Global: return ws_.globals[i];
    }
    return std::nan("");
}

double Simulation::until_next(const Cycle& c) const { return occurrence(c, first_after(c, now_)) - now_; }

// An expression's value that must be a number: inf or NaN (a division by
// zero, say) stops the run, naming the step, rather than ranking or routing
// patients by it silently.
double Simulation::finite_value(double value, const StepSpec& st, const char* field) const {
    if (__builtin_expect(std::isfinite(value), 1)) return value;
    not_finite(value, st, field);
}

void Simulation::not_finite(double value, const StepSpec& st, const char* field) const {
    char when[64];
    std::snprintf(when, sizeof when, "%.6g", now_);
    throw std::runtime_error("pathway." + st.name + "." + field + ": must be a finite number, got " +
                             (std::isnan(value) ? std::string("nan") : value > 0 ? "inf" : "-inf") +
                             " for a patient at time " + when);
}

void Simulation::loops_without_time(const Patient& p) const {
    throw std::runtime_error("pathway." + step(p.step).name + ": a patient took more than " +
                             std::to_string(spec_.max_steps_without_time) +
                             " steps without simulated time passing; the pathway loops without a delay or service");
}

void Simulation::too_many_events(std::uint64_t events) const {
    char when[64];
    std::snprintf(when, sizeof when, "%.6g", now_);
    throw std::runtime_error("more than " + std::to_string(spec_.max_events) +
                             " events in a replication (" + std::to_string(events) +
                             " by time " + when +
                             "): raise limits.max_events if the model really needs them");
}

}  // namespace carepath::engine

namespace carepath {

bool simulate_replication(const CompiledModel& model, std::uint64_t seed, std::uint32_t replication,
                          Workspace& ws, double* row, const std::atomic<bool>& stop, double* series,
                          EventLog* log) {
    return engine::Simulation(model, seed, replication, ws).run(row, stop, series, log);
}

std::vector<std::string> metric_names(const CompiledModel& model) {
    Workspace ws;
    engine::Simulation sim(model, 0, 0, ws);
    sim.reset();
    return sim.names();
}

}  // namespace carepath
