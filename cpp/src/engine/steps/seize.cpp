#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// The seize step: returns true if the patient goes on at once (a hold
// granted, or balked), false if it now waits.
bool Simulation::seize(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    p.queue_since = p.backdated ? p.arrival_time : now_;
    p.backdated = false;
    p.remaining = -1.0;
    if (m_.plain_seize[static_cast<std::size_t>(p.step)]) {  // the patient starts, or joins a FIFO queue
        p.at = st.resource;
        Resource& r = resource(st.resource);
        if (r.has_free_server()) {
            begin_plain(slot, p, st, r);
        } else {
            log_event(p, LogEvent::Schedule, p.at);
            r.enqueue(now_, QueueEntry{0.0, 0.0, 0, slot, p.token});
        }
        return false;
    }
    if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
    if (st.units >= 0) p.units = units_of(slot, st);
    p.at = st.resources.empty() ? st.resource : choose(slot, st);
    if (p.at < 0) return wait_for_any(slot, st);
    Resource& r = resource(p.at);
    if (!m_.resource_fifo[static_cast<std::size_t>(p.at)]) order(slot, st, r);
    if (!r.has_free_server() || r.free_servers() < static_cast<int>(p.units)) return wait_for(slot, st, r);
    return take_server(slot, st, r);
}

// A seize from a list: the resource to use or queue for, or -1 to wait
// in every queue of the list (first_free when none is free).
int Simulation::choose(std::uint32_t slot, const StepSpec& st) {
    const auto& list = st.resources;
    const auto choice = static_cast<Choice>(st.choose);
    if (choice == Choice::FirstFree || choice == Choice::ShortestQueue) {
        const auto units = static_cast<int>(ws_.pool[slot].units);
        for (int r : list)
            if (resource(r).has_free_server() && resource(r).free_servers() >= units) return r;
        if (choice == Choice::FirstFree) return -1;
        int best = list[0];
        for (int r : list)
            if (resource(r).waiting() < resource(best).waiting()) best = r;
        return best;
    }
    if (choice == Choice::RoundRobin)
        return list[ws_.turns[static_cast<std::size_t>(ws_.pool[slot].step)]++ % list.size()];
    const auto k = static_cast<std::size_t>(routing(ws_.pool[slot]).uniform() * static_cast<double>(list.size()));
    return list[std::min(k, list.size() - 1)];
}

// first_free with every server busy: wait in every queue of the list;
// the first server to free takes the patient, whose places in the other
// queues then go stale (its token moves on).
bool Simulation::wait_for_any(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    rank(slot, st);
    if (st.max_queue >= 0) {
        std::size_t shortest = resource(st.resources[0]).waiting();
        for (int r : st.resources) shortest = std::min(shortest, resource(r).waiting());
        if (shortest >= static_cast<std::size_t>(st.max_queue)) {
            record(p, [&](PatientStats& s) { ++s.balked[static_cast<std::size_t>(p.step)]; });
            count_at(p, m_.count_balked, static_cast<std::size_t>(p.step));
            log_event(p, LogEvent::Balk, -1);
            p.step = st.on_balk;
            return true;
        }
    }
    log_event(p, LogEvent::Schedule, -1);
    for (int r : st.resources) {
        Resource& q = resource(r);
        q.enqueue(now_, QueueEntry{p.priority, p.tiebreak, q.next_seq(), slot, p.token});
    }
    if (st.patience >= 0)
        ws_.calendar.schedule(now_ + patience(p, st.patience), slot, EventType::Renege, p.token);
    return false;
}

// A patient waiting in every queue of its list is taken by r: it leaves the others.
void Simulation::leave_other_queues(Patient& q, Resource& r) {
    const int taken = static_cast<int>(&r - ws_.resources.data());
    for (int other : step(q.step).resources)
        if (other != taken) resource(other).left_queue(now_);
    q.at = taken;
}

// `as:` records which of the list the patient got (its position, from 0).
void Simulation::record_choice(std::uint32_t slot, const StepSpec& st) {
    const Patient& p = ws_.pool[slot];
    const auto it = std::find(st.resources.begin(), st.resources.end(), p.at);
    ws_.pool.values(slot)[st.as_attribute] = static_cast<double>(it - st.resources.begin());
}

// p starts at r now: a service ends by itself (false: p waits for it); a
// hold lets p go on at once (true).
bool Simulation::take_server(std::uint32_t slot, const StepSpec& st, Resource& r) {
    begin(slot, r);
    if (st.duration >= 0) return false;
    ws_.pool[slot].step = st.next;
    return true;
}

// Where p goes in an ordered queue.
void Simulation::order(std::uint32_t slot, const StepSpec& st, Resource& r) {
    ws_.pool[slot].queue_seq = r.next_seq();
    rank(slot, st);
}

// The patient's priority and tie-break in the queues of this step.
void Simulation::rank(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    p.priority = st.priority < 0 ? 0.0 : finite_value(eval(st.priority, slot), st, "priority");
    p.tiebreak = !st.longest_wait ? 0.0
                 : st.waiting_since < 0 ? p.arrival_time
                                        : ws_.pool.values(slot)[st.waiting_since];
}

// No free server: preempt, balk or join the queue (with a patience timer).
bool Simulation::wait_for(std::uint32_t slot, const StepSpec& st, Resource& r) {
    Patient& p = ws_.pool[slot];
    const ResourceSpec& rs = spec_.resources[static_cast<std::size_t>(p.at)];
    if (rs.preempt != Preempt::None && r.busy() <= r.capacity() && r.capacity() > 0) {
        // Waiting patients never outrank those in service, so one who
        // outranks the last in service goes ahead of the queue too.
        InService victim{};
        if (r.last_in_service(victim) && victim.priority > p.priority) {
            interrupt(victim, r, rs.preempt);
            return take_server(slot, st, r);
        }
    }
    if (st.max_queue >= 0 && r.waiting() >= static_cast<std::size_t>(st.max_queue)) {
        record(p, [&](PatientStats& s) { ++s.balked[static_cast<std::size_t>(p.step)]; });
        count_at(p, m_.count_balked, static_cast<std::size_t>(p.step));
        log_event(p, LogEvent::Balk, p.at);
        p.step = st.on_balk;
        return true;
    }
    log_event(p, LogEvent::Schedule, p.at);
    r.enqueue(now_, QueueEntry{p.priority, p.tiebreak, p.queue_seq, slot, p.token});
    if (st.patience >= 0)
        ws_.calendar.schedule(now_ + patience(p, st.patience), slot, EventType::Renege, p.token);
    return false;
}

// p takes a server of r at its current (seize) step.  A hold keeps it
// until a release; otherwise its service ends by itself.
void Simulation::begin(std::uint32_t slot, Resource& r) {
    Patient& p = ws_.pool[slot];
    const StepSpec& st = step(p.step);
    r.start_services(now_, static_cast<int>(p.units));
    if (m_.breakdowns[static_cast<std::size_t>(p.at)]) take_server_of(static_cast<std::size_t>(p.at), slot);
    const bool resumed = p.remaining >= 0.0;
    if (!resumed) {
        const double wait = now_ - p.queue_since;
        if (spec_.observe_start) p.service_counted = in_window(now_);
        record_service(p, [&](PatientStats& s) { s.waits[static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(p.step)])].add(wait); });
        if (p.group >= 0) group_waited(p, wait);
    }
    if (!resumed) log_event(p, LogEvent::Start, p.at);
    if (st.as_attribute >= 0) record_choice(slot, st);
    if (st.duration < 0) {
        log_event(p, LogEvent::Complete, p.at);  // a hold is granted: the patient goes on
        hold(slot, static_cast<std::size_t>(p.at), p.units);
        p.units = 1;
        return;
    }
    const double d = resumed ? p.remaining : step_duration(st, slot);
    if (!resumed) p.service_total = d;
    if (!resumed && spec_.economics) charge_service(p, static_cast<std::size_t>(p.at), d);
    p.remaining = -1.0;
    p.service_end = now_ + d;
    if (r.tracks_service()) r.add_in_service(InService{p.priority, p.queue_seq, slot});
    ws_.calendar.schedule(p.service_end, slot, EventType::ServiceEnd, p.token);
}

// begin() at a plain seize (CompiledModel::plain_seize), without the
// checks for what such a step cannot have: the same draws in the same order.
void Simulation::begin_plain(std::uint32_t slot, Patient& p, const StepSpec& st, Resource& r) {
    r.start_service(now_);
    const double wait = now_ - p.queue_since;
    record(p, [&](PatientStats& s) { s.waits[static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(p.step)])].add(wait); });
    if (p.group >= 0) group_waited(p, wait);
    log_event(p, LogEvent::Start, p.at);
    const double d = duration(st.duration, p);
    p.service_total = d;
    if (spec_.economics) charge_service(p, static_cast<std::size_t>(p.at), d);
    p.service_end = now_ + d;
    ws_.calendar.schedule(p.service_end, slot, EventType::ServiceEnd, p.token);
}

// Takes p out of service at r and puts it back in the queue with the
// service it has left (or all of it, for a restart).
void Simulation::interrupt(const InService& victim, Resource& r, Preempt mode) {
    Patient& q = ws_.pool[victim.patient];
    ++q.token;  // its service end is overtaken
    q.remaining = mode == Preempt::Restart ? q.service_total : q.service_end - now_;
    r.remove_in_service(victim.patient);
    r.end_service(now_);
    r.enqueue(now_, QueueEntry{q.priority, q.tiebreak, q.queue_seq, victim.patient, q.token});
}

void Simulation::end_service(std::uint32_t slot) {
    Patient& p = ws_.pool[slot];
    const StepSpec& st = step(p.step);
    Resource& r = resource(p.at);
    r.end_services(now_, static_cast<int>(p.units));
    p.units = 1;
    if (r.tracks_service()) r.remove_in_service(slot);
    if (m_.breakdowns[static_cast<std::size_t>(p.at)]) leave_server_of(static_cast<std::size_t>(p.at), slot);
    record_service(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
    count_at(p, m_.count_served, static_cast<std::size_t>(p.step));
    log_event(p, LogEvent::Complete, p.at);
    if (p.group >= 0) end_session(p, st);
    p.step = st.next;
    serve_queue(r);
    advance(slot);
}

// Gives back what the patient holds of the step's resource (of a list,
// the first it holds): the units its last hold of it took.  Returns true:
// the patient goes on.
bool Simulation::release(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    int which = st.resource;
    if (!st.resources.empty()) {
        which = -1;
        for (int r : st.resources)
            if (ws_.pool.held(slot)[m_.held_index[static_cast<std::size_t>(r)]] > 0) {
                which = r;
                break;
            }
        if (which < 0)
            throw std::runtime_error("pathway." + st.name + ": releases one of its resources, but the patient holds none of them");
    }
    const auto r_index = static_cast<std::size_t>(which);
    const auto h = static_cast<std::size_t>(m_.held_index[r_index]);
    std::uint32_t* held = ws_.pool.held(slot);
    if (held[h] == 0)
        throw std::runtime_error("pathway." + st.name + ": releases '" + spec_.resources[r_index].name +
                                 "', which the patient does not hold");
    const std::uint32_t units = std::min(held[h], std::max<std::uint32_t>(held[m_.n_held + h], 1));
    held[h] -= units;
    log_event(p, LogEvent::Release, which);
    if (spec_.economics) charge_hold(p, r_index, static_cast<double>(units));
    Resource& r = ws_.resources[r_index];
    r.end_services(now_, static_cast<int>(units));
    if (m_.breakdowns[r_index]) leave_server_of(r_index, slot);
    record(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
    count_at(p, m_.count_served, static_cast<std::size_t>(p.step));
    p.step = st.next;
    serve_queue(r);
    return true;
}

// The patient now holds `units` servers of resource r (a hold granted).
void Simulation::hold(std::uint32_t slot, std::size_t r, std::uint32_t units) {
    std::uint32_t* held = ws_.pool.held(slot);
    const auto h = static_cast<std::size_t>(m_.held_index[r]);
    held[h] += units;
    held[m_.n_held + h] = units;
    // the first half of the hold's charge; release or exit adds the other
    if (spec_.economics) charge_hold(ws_.pool[slot], r, -static_cast<double>(units));
}

// Patience ran out: the patient leaves the queue (or its booked slot).
void Simulation::renege(std::uint32_t slot) {
    Patient& p = ws_.pool[slot];
    const StepSpec& st = step(p.step);
    if (st.kind == StepKind::Seize) {
        if (p.at >= 0) {
            resource(p.at).left_queue(now_);
        } else {  // waiting in every queue of its list
            for (int r : st.resources) resource(r).left_queue(now_);
        }
        p.units = 1;
    }
    if (st.kind == StepKind::SeizeAll) leave_seize_all(slot, st);
    if (st.kind == StepKind::Book)
        ws_.books[static_cast<std::size_t>(st.book)].free(BookedSlot{p.slot_type, p.slot, p.slot_time});
    record(p, [&](PatientStats& s) { ++s.reneged[static_cast<std::size_t>(p.step)]; });
    count_at(p, m_.count_reneged, static_cast<std::size_t>(p.step));
    log_event(p, LogEvent::Renege, st.kind == StepKind::Seize ? p.at : -1);
    if (st.hourly) count_hour(static_cast<std::size_t>(p.step), true);
    p.step = st.on_renege;
    advance(slot);
}

double Simulation::patience(Patient& p, int dist) {
    if (!p.has_patience) {
        p.patience = Stream(families_[p.source].patience, stream_member(p));
        p.has_patience = true;
    }
    const double d = m_.distributions[static_cast<std::size_t>(dist)].sample(p.patience);
    return d > 0.0 ? d : 0.0;
}

// A service or delay: its distribution's draw, times the step's `scale`
// expression if it has one (a per-patient hazard or length of stay).
double Simulation::step_duration(const StepSpec& st, std::uint32_t slot) {
    const double d = duration(st.duration, ws_.pool[slot]);
    return st.scale < 0 ? d : d * scale_factor(st, slot);
}

double Simulation::scale_factor(const StepSpec& st, std::uint32_t slot) {
    const double f = eval(st.scale, slot);
    if (!(f >= 0.0) || !std::isfinite(f))
        throw std::runtime_error("pathway." + st.name + ".scale: must be >= 0 and finite, got " + std::to_string(f));
    return f;
}

}  // namespace carepath::engine
