#pragma once
// A ModelSpec after validation, with distributions and expressions prepared
// for sampling and the layout of the per-replication metrics fixed.
#include <string>
#include <vector>

#include "carepath/distributions.hpp"
#include "carepath/expression.hpp"
#include "carepath/spec.hpp"

namespace carepath {

class CompiledModel {
public:
    // Throws std::invalid_argument with the offending field if `spec` is invalid.
    explicit CompiledModel(ModelSpec spec);

    ModelSpec spec;
    std::vector<Distribution> distributions;
    std::vector<Expression> expressions;
    std::vector<std::vector<double>> branch_cdf;  // per step, for BranchChance
    std::vector<bool> resource_fifo;  // no step gives a priority for this resource

    // Metric layout: see metric_names for the order.
    static constexpr std::size_t kSeizeMetrics = 6;
    std::vector<int> seize_steps, delay_steps;
    std::size_t seize_offset = 0, delay_offset = 0, resource_offset = 0, outcome_offset = 0;
    std::vector<std::string> metric_names;
};

}  // namespace carepath
