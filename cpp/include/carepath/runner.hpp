#pragma once
// Runs replications of a model on a pool of threads.  Replication r is a pure
// function of (model, seed, r), so the output is identical for any number of
// threads.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "carepath/event_log.hpp"
#include "carepath/spec.hpp"

namespace carepath {

class CompiledModel;

struct RunOutput {
    std::vector<std::string> metric_names;
    std::vector<double> values;  // replications x metrics, row-major
    std::size_t replications = 0;
    // With with_details: replications x series x bins, row-major
    std::vector<std::string> series_names;
    std::size_t n_bins = 0;
    std::vector<double> series;
    // With with_details and an event log: one per replication
    std::vector<EventLog> logs;
};

class Runner {
public:
    explicit Runner(const ModelSpec& spec);  // validates; throws std::invalid_argument
    ~Runner();
    Runner(Runner&&) noexcept;
    Runner& operator=(Runner&&) noexcept;

    const std::vector<std::string>& metric_names() const;

    // threads = 0 uses every hardware thread.  If `stop` becomes true the
    // workers return at their next check and the rows not yet simulated are
    // left at zero; the caller discards the output.  `done`, if given, counts
    // finished replications (for a progress bar).
    RunOutput run(std::size_t replications, std::uint64_t seed, unsigned threads,
                  const std::atomic<bool>& stop, std::size_t first_replication = 0,
                  std::atomic<std::size_t>* done = nullptr, bool with_details = false) const;

private:
    std::unique_ptr<CompiledModel> model_;
};

}  // namespace carepath
