#include "carepath/runner.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "carepath/compiled_model.hpp"
#include "carepath/replication.hpp"

namespace carepath {

Runner::Runner(const ModelSpec& spec) : model_(std::make_unique<CompiledModel>(spec)) {
    model_->metric_names = carepath::metric_names(*model_);
}
Runner::~Runner() = default;
Runner::Runner(Runner&&) noexcept = default;
Runner& Runner::operator=(Runner&&) noexcept = default;

const std::vector<std::string>& Runner::metric_names() const { return model_->metric_names; }

RunOutput Runner::run(std::size_t replications, std::uint64_t seed, unsigned threads,
                      const std::atomic<bool>& stop, std::size_t first_replication,
                      std::atomic<std::size_t>* done, bool with_details) const {
    RunOutput out;
    out.metric_names = model_->metric_names;
    const std::size_t width = out.metric_names.size();
    out.values.assign(replications * width, 0.0);
    out.replications = replications;
    const std::size_t series_width = with_details ? model_->series_names.size() * model_->n_bins : 0;
    const bool logging = with_details && model_->spec.event_log_cap > 0;
    if (logging) out.logs.resize(replications);
    if (series_width > 0) {
        out.series_names = model_->series_names;
        out.n_bins = model_->n_bins;
        out.series.assign(replications * series_width, 0.0);
    }
    if (replications == 0) return out;

    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, replications));

    std::atomic<std::size_t> next{0};
    std::atomic<bool> halt{false};
    std::mutex error_mutex;
    std::exception_ptr error;

    auto worker = [&]() {
        Workspace ws;
        try {
            for (;;) {
                if (halt.load() || stop.load()) return;
                const std::size_t i = next.fetch_add(1);
                if (i >= replications) return;
                const auto rep = static_cast<std::uint32_t>(first_replication + i);
                double* series = series_width > 0 ? out.series.data() + i * series_width : nullptr;
                EventLog* log = logging ? &out.logs[i] : nullptr;
                if (!simulate_replication(*model_, seed, rep, ws, out.values.data() + i * width, stop, series, log))
                    return;
                if (done != nullptr) done->fetch_add(1);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            halt.store(true);
        }
    };

    if (threads == 1) {
        worker();
    } else {
        std::vector<std::thread> pool;
        pool.reserve(threads);
        for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
        for (auto& t : pool) t.join();
    }
    if (error) std::rethrow_exception(error);
    return out;
}

}  // namespace carepath
