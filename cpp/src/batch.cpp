#include "carepath/batch.hpp"

#include <stdexcept>

#include "carepath/replication.hpp"
#include "carepath/task_pool.hpp"

namespace carepath {
namespace {

// A thread's copy of each model that has slots, and the unit it is bound to.
struct BoundModels {
    Workspace ws;
    std::vector<std::unique_ptr<CompiledModel>> models;
    std::vector<std::int64_t> unit;
    std::vector<double> row;
};

}  // namespace

Batch::Batch(const std::vector<ModelSpec>& specs, std::vector<std::vector<Slot>> slots) : slots_(std::move(slots)) {
    if (slots_.size() != specs.size()) throw std::invalid_argument("one list of slots per model is needed");
    for (const ModelSpec& spec : specs) {
        models_.push_back(std::make_unique<CompiledModel>(spec));
        models_.back()->metric_names = carepath::metric_names(*models_.back());
    }
}
Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;

const std::vector<std::string>& Batch::metric_names(std::size_t model) const {
    return models_.at(model)->metric_names;
}

std::vector<std::string> Batch::check(const BatchUnits& units) const {
    std::vector<std::string> errors(units.models.size());
    std::vector<std::unique_ptr<CompiledModel>> scratch(models_.size());
    for (std::size_t u = 0; u < units.models.size(); ++u) {
        const auto m = static_cast<std::size_t>(units.models[u]);
        if (m >= models_.size()) throw std::invalid_argument("unit model index out of range");
        if (slots_[m].empty()) continue;
        if (!scratch[m]) scratch[m] = std::make_unique<CompiledModel>(*models_[m]);
        try {
            bind(*scratch[m], slots_[m], units.values + u * units.n_params);
        } catch (const std::invalid_argument& err) {
            errors[u] = err.what();
        }
    }
    return errors;
}

bool Batch::run(const BatchUnits& units, std::size_t replications, std::uint64_t seed, unsigned threads,
                std::size_t first_replication, const std::vector<std::vector<int>>& columns, std::size_t width,
                double* out, const std::atomic<bool>& stop, std::atomic<std::size_t>* done) const {
    if (columns.size() != models_.size()) throw std::invalid_argument("one column map per model is needed");
    for (std::size_t m = 0; m < models_.size(); ++m) {
        if (columns[m].size() != models_[m]->metric_names.size())
            throw std::invalid_argument("a column map does not match its model's metrics");
        for (int c : columns[m])
            if (c < 0 || static_cast<std::size_t>(c) >= width) throw std::invalid_argument("column out of range");
    }
    for (int m : units.models)
        if (m < 0 || static_cast<std::size_t>(m) >= models_.size())
            throw std::invalid_argument("unit model index out of range");
    for (std::size_t m = 0; m < models_.size(); ++m)
        for (const Slot& s : slots_[m])
            if (s.param < 0 || static_cast<std::size_t>(s.param) >= units.n_params)
                throw std::invalid_argument("slot parameter out of range");

    std::atomic<bool> stopped{false};
    const std::size_t n = units.models.size() * replications;
    run_task_pool<BoundModels>(n, threads, stop, done, [&](std::size_t i, BoundModels& state) {
        const std::size_t u = i / replications;
        const auto m = static_cast<std::size_t>(units.models[u]);
        const CompiledModel* model = models_[m].get();
        if (!slots_[m].empty()) {
            if (state.models.size() < models_.size()) {
                state.models.resize(models_.size());
                state.unit.assign(models_.size(), -1);
            }
            if (!state.models[m]) state.models[m] = std::make_unique<CompiledModel>(*models_[m]);
            if (state.unit[m] != static_cast<std::int64_t>(u)) {
                state.unit[m] = -1;  // half-bound if bind throws
                bind(*state.models[m], slots_[m], units.values + u * units.n_params);
                state.unit[m] = static_cast<std::int64_t>(u);
            }
            model = state.models[m].get();
        }
        const std::vector<int>& cols = columns[m];
        state.row.resize(cols.size());
        const auto rep = static_cast<std::uint32_t>(first_replication + i % replications);
        if (!simulate_replication(*model, seed, rep, state.ws, state.row.data(), stop)) {
            stopped.store(true);
            return false;
        }
        double* dest = out + i * width;
        for (std::size_t j = 0; j < cols.size(); ++j) dest[cols[j]] = state.row[j];
        return true;
    });
    return !stopped.load() && !stop.load();
}

}  // namespace carepath
