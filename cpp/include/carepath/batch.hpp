#pragma once
// Many runs in one call: units of (model, parameter values), each run for the
// same replications, on one pool of threads, into one preallocated table.
// A model is a variant of the scenario (its values bound per unit through
// its slots) or a point that had to be compiled on its own.  Unit u's
// replication r is the same pure function of (model, values, seed, r) as
// Runner::run of that model bound to those values, so results do not
// depend on the thread count or on which other units share the batch.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "carepath/binding.hpp"
#include "carepath/compiled_model.hpp"
#include "carepath/spec.hpp"

namespace carepath {

struct BatchUnits {
    std::vector<int> models;      // per unit: which model
    const double* values = nullptr;  // units x n_params, row-major
    std::size_t n_params = 0;
};

class Batch {
public:
    // Compiles each spec (throws std::invalid_argument as CompiledModel does);
    // slots[m] are the slots a unit's values set in model m.
    Batch(const std::vector<ModelSpec>& specs, std::vector<std::vector<Slot>> slots);
    ~Batch();
    Batch(Batch&&) noexcept;
    Batch& operator=(Batch&&) noexcept;

    std::size_t size() const { return models_.size(); }
    const std::vector<std::string>& metric_names(std::size_t model) const;

    // Per unit, "" if its values bind to its model, else the error.
    std::vector<std::string> check(const BatchUnits& units) const;

    // Replications [first, first + replications) of every unit: row
    // u * replications + r of `out` (`width` columns), where model m's metric j
    // goes to column columns[m][j]; cells no metric fills are left as they are.
    // Returns false if `stop` was raised (the table is then incomplete).
    bool run(const BatchUnits& units, std::size_t replications, std::uint64_t seed, unsigned threads,
             std::size_t first_replication, const std::vector<std::vector<int>>& columns, std::size_t width,
             double* out, const std::atomic<bool>& stop, std::atomic<std::size_t>* done = nullptr) const;

private:
    std::vector<std::unique_ptr<CompiledModel>> models_;
    std::vector<std::vector<Slot>> slots_;
};

}  // namespace carepath
