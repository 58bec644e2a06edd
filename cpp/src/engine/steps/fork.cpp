#include <cstring>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// Parallel tasks, as SimPy's all_of and simmer's clone/synchronize: at a
// fork the patient waits while one part of it goes down each listed step;
// each part ends at a join naming the fork, and when the last has joined
// the patient goes on.  A part is a pool slot of its own: the patient's
// attributes as they were at the fork, its source and ordinal (so the event
// log shows the patient), streams of its own, and no place in the count of
// patients in the system.
void Simulation::fork(std::uint32_t slot, const StepSpec& st) {
    {
        Patient& p = ws_.pool[slot];
        p.parts_left = static_cast<std::uint32_t>(st.targets.size());
        p.queue_since = now_;
        ++p.forks;
    }
    parts_.clear();
    for (std::size_t j = 0; j < st.targets.size(); ++j) {
        const std::uint32_t q = ws_.pool.acquire();  // may move the pool: no reference across it
        Patient& part = ws_.pool[q];
        const Patient& p = ws_.pool[slot];
        const std::uint32_t token = part.token;  // a slot's token outlives its occupants
        part = p;
        part.token = token;
        part.fork_parent = static_cast<std::int32_t>(slot);
        part.parts_left = 0;
        part.forks = 0;
        // a part's streams: its patient's ordinal, with which part of which fork
        const std::uint64_t name = (static_cast<std::uint64_t>(p.part) << 32) ^
                                   (static_cast<std::uint64_t>(p.step) << 16) ^ (j + 1) ^
                                   (static_cast<std::uint64_t>(p.forks) << 40);
        part.part = static_cast<std::uint32_t>(mix64(name)) | 1u;
        part.durations = Stream(families_[p.source].durations, stream_member(part));
        part.has_routing = part.has_patience = part.has_costs = false;
        part.counted = false;
        part.group = -1;
        part.occupying = -1;
        part.remaining = -1.0;
        part.units = 1;
        part.step = st.targets[j];
        part.last_step_time = now_;
        part.steps_without_time = 0;
        std::memcpy(ws_.pool.values(q), ws_.pool.values(slot), m_.n_values * sizeof(double));
        if (m_.n_held > 0) {
            std::uint32_t* held = ws_.pool.held(q);
            for (std::size_t i = 0; i < 2 * m_.n_held; ++i) held[i] = 0;
        }
        parts_.push_back(q);
    }
    // Each part goes once all exist, so that one joining at once cannot end the fork.
    const std::vector<std::uint32_t> parts = parts_;
    for (std::uint32_t q : parts) advance(q);
}

// A part ends: what it holds passes to its patient, which goes on when it
// was the last.
void Simulation::join(std::uint32_t slot, const StepSpec& st) {
    const Patient& part = ws_.pool[slot];
    if (part.fork_parent < 0)
        throw std::runtime_error("pathway." + st.name + ": a patient reached this join without its fork '" +
                                 step(st.fork).name + "'");
    const auto parent = static_cast<std::uint32_t>(part.fork_parent);
    if (ws_.pool[parent].step != st.fork)
        throw std::runtime_error("pathway." + st.name + ": a part of another fork reached this join of '" +
                                 step(st.fork).name + "'");
    if (m_.n_held > 0) {
        std::uint32_t* from = ws_.pool.held(slot);
        std::uint32_t* to = ws_.pool.held(parent);
        for (std::size_t h = 0; h < m_.n_held; ++h) {
            if (from[h] == 0) continue;
            to[h] += from[h];
            to[m_.n_held + h] = from[m_.n_held + h];
        }
    }
    if (m_.any_breakdowns) hand_servers(slot, parent);
    if (part.occupying >= 0) ws_.occupancy[static_cast<std::size_t>(part.occupying)].add(now_, -1.0);
    ws_.pool.release(slot);
    Patient& p = ws_.pool[parent];
    if (--p.parts_left > 0) return;
    const double wait = now_ - p.queue_since;
    record(p, [&](PatientStats& s) { s.waits[static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(p.step)])].add(wait); });
    p.step = step(p.step).next;
    advance(parent);
}

void Simulation::part_exits(const Patient& p, const StepSpec& st) const {
    throw std::runtime_error("pathway." + st.name + ": a part of fork '" +
                             step(ws_.pool[static_cast<std::uint32_t>(p.fork_parent)].step).name +
                             "' reached this exit; a part ends at a join");
}

}  // namespace carepath::engine
