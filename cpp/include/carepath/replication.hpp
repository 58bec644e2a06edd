#pragma once
// One replication of a model: the event loop and its per-thread workspace.
#include <atomic>
#include <cstdint>
#include <vector>

#include "carepath/calendar.hpp"
#include "carepath/compiled_model.hpp"
#include "carepath/patient_pool.hpp"
#include "carepath/resource.hpp"
#include "carepath/stats.hpp"

namespace carepath {

// Everything a replication mutates.  A thread keeps one and reuses it, so
// steady-state simulation allocates nothing.
struct Workspace {
    Calendar calendar;
    PatientPool pool;
    std::vector<Resource> resources;
    std::vector<Tally> waits;  // per step (seize steps only)
    std::vector<std::uint64_t> completed;  // per step
    std::vector<std::uint64_t> exits;  // per outcome
    std::vector<Stream> arrival_streams;  // per source
    std::vector<std::uint32_t> arrived;  // per source: ordinal of the next patient
    Tally system_time;
    TimeWeighted in_system;
    std::uint64_t observed_arrivals = 0;
};

// Simulates replication `replication` and writes its metrics to `row`.
// Returns false if `stop` was raised before the end.  Throws
// std::runtime_error if a patient loops without time advancing.
bool simulate_replication(const CompiledModel& model, std::uint64_t seed, std::uint32_t replication,
                          Workspace& ws, double* row, const std::atomic<bool>& stop);

}  // namespace carepath
