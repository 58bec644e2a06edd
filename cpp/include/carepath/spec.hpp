#pragma once
// The flat, numeric model the engine runs.  Python's compiler fills it in
// from a validated scenario; names are carried only to label the outputs.
#include <cstdint>
#include <string>
#include <vector>

#include "carepath/distributions.hpp"
#include "carepath/expression.hpp"

namespace carepath {

enum class StepKind : int {
    Seize = 0,         // queue for `resource`, hold it for `duration`, release, go to `next`
    Delay = 1,         // wait `duration`, go to `next`
    BranchChance = 2,  // go to targets[i] with probability weights[i]
    BranchWhen = 3,    // go to the first targets[i] whose conditions[i] holds (-1 = otherwise)
    Exit = 4,          // leave with outcome `outcome`
};

struct StepSpec {
    std::string name;
    StepKind kind = StepKind::Exit;
    int resource = -1;
    int duration = -1;  // index into ModelSpec::distributions
    int priority = -1;  // index into ModelSpec::expressions; -1 = priority 0
    int next = -1;
    std::vector<int> targets;
    std::vector<double> weights;
    std::vector<int> conditions;
    int outcome = -1;
};

struct SourceSpec {
    std::string name;
    double rate = 1.0;  // Poisson arrivals per time unit
    int start = 0;      // first step
};

struct ResourceSpec {
    std::string name;
    int capacity = 1;
};

struct AttributeSpec {
    std::string name;
    int distribution = -1;
};

struct ModelSpec {
    double horizon = 0.0;
    double warmup = 0.0;
    std::vector<DistSpec> distributions;
    std::vector<ExprSpec> expressions;
    std::vector<AttributeSpec> attributes;
    std::vector<ResourceSpec> resources;
    std::vector<SourceSpec> sources;
    std::vector<StepSpec> steps;
    std::vector<std::string> outcomes;
    // A patient that takes this many steps without simulated time passing is
    // stuck in a loop; the run stops with an error naming the step.
    std::int64_t max_steps_without_time = 100000;
};

}  // namespace carepath
