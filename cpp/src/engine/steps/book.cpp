#include "carepath/simulation.hpp"

namespace carepath::engine {

// Books the first free slot of the step's types from `not_before` on.
// Returns true if the patient goes on at once (the book was full).
bool Simulation::book(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
    BookedSlot b;
    const double earliest = st.not_before >= 0 ? now_ + duration(st.not_before, p) : now_;
    if (!ws_.books[static_cast<std::size_t>(st.book)].take(now_, earliest, st.slot_types, clock_, b)) {
        record(p, [&](PatientStats& s) { ++s.full[static_cast<std::size_t>(p.step)]; });
        log_event(p, LogEvent::Full);
        p.step = st.on_full;
        return true;
    }
    p.slot_type = b.type;
    p.slot = b.occurrence;
    p.slot_time = b.time;
    const double days = clock_.days(b.time - now_);
    const auto i = static_cast<std::size_t>(m_.appointment_index[static_cast<std::size_t>(p.step)]);
    record(p, [&](PatientStats& s) { s.appointment_waits[i].add(days); });
    ws_.calendar.schedule(b.time, slot, EventType::Appointment, p.token);
    log_event(p, LogEvent::Schedule);
    if (st.patience >= 0) {
        const double t = now_ + patience(p, st.patience);
        if (t < b.time) ws_.calendar.schedule(t, slot, EventType::Renege, p.token);
    }
    return false;
}

// The appointment's time: the patient attends or does not (DNA).
void Simulation::attend(std::uint32_t slot) {
    Patient& p = ws_.pool[slot];
    const StepSpec& st = step(p.step);
    const bool dna = st.dna >= 0 && routing(p).uniform() < finite_value(eval(st.dna, slot), st, "dna");
    if (in_window(p.slot_time)) ++(dna ? ws_.slots_wasted : ws_.slots_used)[static_cast<std::size_t>(st.book)];
    const BookSpec& bs = spec_.books[static_cast<std::size_t>(st.book)];
    if (bs.cost_per_slot != 0.0) charge(p, bs.cost_category, bs.cost_per_slot * cost_discount_.factor(now_));
    const auto i = static_cast<std::size_t>(p.step);
    record(p, [&](PatientStats& s) { ++(dna ? s.dna[i] : s.completed[i]); });
    if (dna) {
        log_event(p, LogEvent::Dna);
    } else {
        log_event(p, LogEvent::Start);
        log_event(p, LogEvent::Complete);
    }
    p.step = dna ? st.on_dna : st.next;
    advance(slot);
}

}  // namespace carepath::engine
