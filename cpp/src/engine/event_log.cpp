#include "carepath/simulation.hpp"

namespace carepath::engine {

void Simulation::add_to_log(const Patient& p, LogEvent what, std::int32_t resource) {
    if (!p.observed) return;
    const auto who = static_cast<std::int64_t>(static_cast<std::uint64_t>(p.source) << 32 | p.ordinal);
    log_->add(who, p.step, what, now_, resource);
}

}  // namespace carepath::engine
