#include "carepath/runner.hpp"

#include "carepath/compiled_model.hpp"
#include "carepath/replication.hpp"
#include "carepath/task_pool.hpp"

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

    run_task_pool<Workspace>(replications, threads, stop, done, [&](std::size_t i, Workspace& ws) {
        const auto rep = static_cast<std::uint32_t>(first_replication + i);
        double* series = series_width > 0 ? out.series.data() + i * series_width : nullptr;
        EventLog* log = logging ? &out.logs[i] : nullptr;
        return simulate_replication(*model_, seed, rep, ws, out.values.data() + i * width, stop, series, log);
    });
    return out;
}

}  // namespace carepath
