#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// Several servers at once: `units` of one resource, and seize_all of
// several.  Their resources are gated (Resource::gated): a server that
// frees goes to the head of the queue only if it has all the servers it
// needs there, and then to the patients waiting for all of several
// resources together.

// The servers a patient needs of each resource at this step: `units`,
// evaluated when it arrives at the step, a whole number from 1 up.
std::uint32_t Simulation::units_of(std::uint32_t slot, const StepSpec& st) {
    const double k = finite_value(eval(st.units, slot), st, "units");
    if (!(k >= 1.0 && k == std::floor(k) && k <= 1e9)) {
        char what[96];
        std::snprintf(what, sizeof what, "must be a whole number >= 1, got %g at time %.6g", k, now_);
        throw std::runtime_error("pathway." + st.name + ".units: " + what);
    }
    // more than a resource ever has would wait for ever, and everyone behind it
    for (int r : st.resources.empty() ? std::vector<int>{st.resource} : st.resources) {
        const int most = m_.max_capacity[static_cast<std::size_t>(r)];
        const bool fixed = st.kind == StepKind::SeizeAll && !st.unit_counts.empty() &&
                           st.unit_counts[position_in(st, ws_.resources[static_cast<std::size_t>(r)])] > 0;
        if (!fixed && k > most) {
            char what[160];
            std::snprintf(what, sizeof what, "needs %g servers of '%s' at time %.6g, which has at most %d", k,
                          spec_.resources[static_cast<std::size_t>(r)].name.c_str(), now_, most);
            throw std::runtime_error("pathway." + st.name + ".units: " + what);
        }
    }
    return static_cast<std::uint32_t>(k);
}

// Of resource number `position` of a seize_all step's list.
std::uint32_t Simulation::units_at(const Patient& p, const StepSpec& st, std::size_t position) const {
    const int fixed = st.unit_counts.empty() ? 0 : st.unit_counts[position];
    return fixed > 0 ? static_cast<std::uint32_t>(fixed) : p.units;
}

std::size_t Simulation::position_in(const StepSpec& st, const Resource& r) const {
    const int index = static_cast<int>(&r - ws_.resources.data());
    return static_cast<std::size_t>(std::find(st.resources.begin(), st.resources.end(), index) - st.resources.begin());
}

bool Simulation::seize_all(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    p.queue_since = p.backdated ? p.arrival_time : now_;
    p.backdated = false;
    p.remaining = -1.0;
    p.units = st.units >= 0 ? units_of(slot, st) : 1;
    if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
    rank(slot, st);
    p.queue_seq = ws_.joint_seq++;
    p.at = -1;
    if (st.as_available) {  // SimPy's req1 & req2: a request in every queue, each held as granted
        p.granted = 0;
        p.pending = static_cast<std::uint32_t>(st.resources.size());
        log_event(p, LogEvent::Schedule, -1);
        for (std::size_t j = 0; j < st.resources.size(); ++j) {
            Resource& r = resource(st.resources[j]);
            if (r.has_free_server() && r.free_servers() >= static_cast<int>(units_at(p, st, j))) {
                take_part(slot, st, j);
            } else {
                r.enqueue(now_, QueueEntry{p.priority, p.tiebreak, r.next_seq(), slot, p.token});
            }
        }
        if (p.pending == 0) return start_all(slot, st);
    } else {
        auto& waiting = ws_.joint[static_cast<std::size_t>(p.step)];
        if (waiting.empty() && all_free(p, st)) {
            for (std::size_t j = 0; j < st.resources.size(); ++j)
                resource(st.resources[j]).start_services(now_, static_cast<int>(units_at(p, st, j)));
            return start_all(slot, st);
        }
        log_event(p, LogEvent::Schedule, -1);
        const QueueEntry e{p.priority, p.tiebreak, p.queue_seq, slot, p.token};
        const auto later = [](const QueueEntry& x, const QueueEntry& y) {
            return x.priority != y.priority ? x.priority < y.priority
                   : x.tiebreak != y.tiebreak ? x.tiebreak < y.tiebreak
                                              : x.seq < y.seq;
        };
        waiting.insert(std::upper_bound(waiting.begin(), waiting.end(), e, later), e);
    }
    if (st.patience >= 0)
        ws_.calendar.schedule(now_ + patience(p, st.patience), slot, EventType::Renege, p.token);
    return false;
}

// Every resource of the step has the servers p needs, and no queue of its own.
bool Simulation::all_free(const Patient& p, const StepSpec& st) {
    for (std::size_t j = 0; j < st.resources.size(); ++j) {
        const Resource& r = resource(st.resources[j]);
        if (!r.has_free_server() || r.free_servers() < static_cast<int>(units_at(p, st, j))) return false;
    }
    return true;
}

// as_available: resource number j of the list grants p its servers.
void Simulation::take_part(std::uint32_t slot, const StepSpec& st, std::size_t j) {
    Patient& p = ws_.pool[slot];
    resource(st.resources[j]).start_services(now_, static_cast<int>(units_at(p, st, j)));
    p.granted |= std::uint64_t{1} << j;
    --p.pending;
}

// p holds every resource of its seize_all step: its wait ends, and its
// service starts (or, for a hold, it goes on).  Returns true if it goes on now.
bool Simulation::start_all(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    const double wait = now_ - p.queue_since;
    if (spec_.observe_start) p.service_counted = in_window(now_);
    record_service(p, [&](PatientStats& s) { s.waits[static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(p.step)])].add(wait); });
    log_event(p, LogEvent::Start, -1);
    if (st.duration < 0) {
        log_event(p, LogEvent::Complete, -1);
        for (std::size_t j = 0; j < st.resources.size(); ++j)
            hold(slot, static_cast<std::size_t>(st.resources[j]), units_at(p, st, j));
        p.step = st.next;
        return true;
    }
    const double d = step_duration(st, slot);
    if (spec_.economics)
        for (int r : st.resources) charge_service(p, static_cast<std::size_t>(r), d);
    p.service_total = d;
    p.service_end = now_ + d;
    ws_.calendar.schedule(p.service_end, slot, EventType::JointEnd, p.token);
    return false;
}

// A seize_all service ends: every resource is given back, then each serves
// its queue (so that patients waiting for several together see them all free).
void Simulation::end_all(std::uint32_t slot) {
    Patient& p = ws_.pool[slot];
    const StepSpec& st = step(p.step);
    for (std::size_t j = 0; j < st.resources.size(); ++j)
        resource(st.resources[j]).end_services(now_, static_cast<int>(units_at(p, st, j)));
    record_service(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
    count_at(p, m_.count_served, static_cast<std::size_t>(p.step));
    log_event(p, LogEvent::Complete, -1);
    p.step = st.next;
    p.units = 1;
    for (int r : st.resources) serve_queue(resource(r));
    advance(slot);
}

// release_all: everything the patient holds of each listed resource.
bool Simulation::release_all(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    std::uint32_t* held = ws_.pool.held(slot);
    for (int r : st.resources) {
        const auto h = static_cast<std::size_t>(m_.held_index[static_cast<std::size_t>(r)]);
        if (held[h] == 0) continue;
        log_event(p, LogEvent::Release, r);
        if (spec_.economics) charge_hold(p, static_cast<std::size_t>(r), static_cast<double>(held[h]));
        resource(r).end_services(now_, static_cast<int>(held[h]));
        held[h] = 0;
    }
    record(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
    count_at(p, m_.count_served, static_cast<std::size_t>(p.step));
    p.step = st.next;
    for (int r : st.resources) serve_queue(resource(r));
    return true;
}

// Patience ran out at a seize_all: as_available gives back what was granted
// and leaves the other queues; together leaves its list (its entry goes stale).
void Simulation::leave_seize_all(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    p.units = 1;
    if (!st.as_available) return;
    for (std::size_t j = 0; j < st.resources.size(); ++j) {
        Resource& r = resource(st.resources[j]);
        if ((p.granted >> j) & 1u) {
            r.end_services(now_, static_cast<int>(units_at(p, st, j)));
            serve_queue(r);
        } else {
            r.left_queue(now_);
        }
    }
}

// Serves a gated resource's queue: its head starts when the servers it
// needs are free (the others wait behind it), then the patients waiting for
// all of several resources together, in their order, each when every one
// of its resources has what it needs.
void Simulation::serve_gated(Resource& r) {
    while (r.waiting() > 0 && r.free_servers() > 0) {
        const QueueEntry e = r.front();
        Patient& q = ws_.pool[e.patient];
        if (q.token != e.token) {  // it left the queue
            r.pop_front();
            continue;
        }
        const StepSpec& st = step(q.step);
        const std::uint32_t need = st.kind == StepKind::SeizeAll ? units_at(q, st, position_in(st, r)) : q.units;
        if (r.free_servers() < static_cast<int>(need)) break;
        r.pop_front();
        r.left_queue(now_);
        if (st.kind == StepKind::SeizeAll) {
            take_part(e.patient, st, position_in(st, r));
            if (q.pending == 0) {
                ++q.token;  // its patience timer is overtaken
                if (start_all(e.patient, st)) ws_.calendar.schedule(now_, e.patient, EventType::Wake, q.token);
            }
            continue;
        }
        ++q.token;
        if (q.at < 0) leave_other_queues(q, r);
        begin(e.patient, r);
        if (st.duration < 0) {
            q.step = st.next;
            ws_.calendar.schedule(now_, e.patient, EventType::Wake, q.token);
        }
    }
    const auto index = static_cast<std::size_t>(&r - ws_.resources.data());
    for (int s : m_.joint_steps[index]) start_joint(static_cast<std::size_t>(s));
}

// Starts, in order, the patients waiting at together step s whose
// resources are all free, stopping at the first that must still wait.
void Simulation::start_joint(std::size_t s) {
    auto& waiting = ws_.joint[s];
    const StepSpec& st = spec_.steps[s];
    std::size_t k = 0;
    while (k < waiting.size()) {
        const QueueEntry e = waiting[k];
        Patient& q = ws_.pool[e.patient];
        if (q.token != e.token || q.step != static_cast<int>(s)) {  // reneged
            ++k;
            continue;
        }
        if (!all_free(q, st)) break;
        ++k;
        for (std::size_t j = 0; j < st.resources.size(); ++j)
            resource(st.resources[j]).start_services(now_, static_cast<int>(units_at(q, st, j)));
        ++q.token;
        if (start_all(e.patient, st)) ws_.calendar.schedule(now_, e.patient, EventType::Wake, q.token);
    }
    waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(k));
}

}  // namespace carepath::engine
