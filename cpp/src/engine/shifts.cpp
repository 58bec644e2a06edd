#include "carepath/simulation.hpp"

namespace carepath::engine {

void Simulation::change_capacity(std::uint32_t index) {
    const ResourceSpec& rs = spec_.resources[index];
    Resource& r = ws_.resources[index];
    std::uint64_t& k = ws_.next_shift_change[index];
    const int level = rs.shift_capacity[k % rs.shift_capacity.size()];
    ws_.scheduled[index] = level;
    if (rs.time_to_failure >= 0) {
        recount(index);  // less its servers down
    } else {
        r.set_capacity(now_, level);
    }
    if (rs.interrupt_at_shift_end) {
        InService victim{};
        while (r.busy() > r.capacity() && r.last_in_service(victim))
            interrupt(victim, r, rs.preempt == Preempt::Restart ? Preempt::Restart : Preempt::Resume);
    }
    serve_queue(r);
    const double t = occurrence(rs.shift_changes, ++k);
    if (t <= end_) ws_.calendar.schedule(t, index, EventType::CapacityChange);
}

}  // namespace carepath::engine
