#include "carepath/compiled_model.hpp"

#include <cmath>
#include <stdexcept>

namespace carepath {
namespace {

[[noreturn]] void invalid(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

void check_index(int index, std::size_t size, const std::string& where, const char* what) {
    if (index < 0 || static_cast<std::size_t>(index) >= size)
        invalid(where, std::string(what) + " index " + std::to_string(index) + " out of range");
}

}  // namespace

CompiledModel::CompiledModel(ModelSpec s) : spec(std::move(s)) {
    if (!std::isfinite(spec.horizon) || !(spec.horizon > 0))
        invalid("horizon", "must be > 0, got " + std::to_string(spec.horizon));
    if (!std::isfinite(spec.warmup) || spec.warmup < 0 || spec.warmup >= spec.horizon)
        invalid("warmup", "must be >= 0 and < horizon, got " + std::to_string(spec.warmup));
    if (spec.max_steps_without_time < 1) invalid("max_steps_without_time", "must be >= 1");
    if (spec.sources.empty()) invalid("arrivals", "at least one arrival source is needed");
    if (spec.steps.empty()) invalid("pathway", "at least one step is needed");

    for (std::size_t i = 0; i < spec.distributions.size(); ++i)
        distributions.emplace_back(spec.distributions[i], "distributions[" + std::to_string(i) + "]");
    const int n_attr = static_cast<int>(spec.attributes.size());
    for (std::size_t i = 0; i < spec.expressions.size(); ++i)
        expressions.emplace_back(spec.expressions[i], n_attr, "expressions[" + std::to_string(i) + "]");
    for (const auto& a : spec.attributes)
        check_index(a.distribution, distributions.size(), "attributes." + a.name, "distribution");
    for (const auto& r : spec.resources)
        if (r.capacity < 1) invalid("resources." + r.name + ".capacity", "must be >= 1");
    for (const auto& src : spec.sources) {
        if (!std::isfinite(src.rate) || !(src.rate > 0))
            invalid("arrivals." + src.name + ".rate", "must be > 0, got " + std::to_string(src.rate));
        check_index(src.start, spec.steps.size(), "arrivals." + src.name + ".start", "step");
    }

    branch_cdf.resize(spec.steps.size());
    resource_fifo.assign(spec.resources.size(), true);
    for (std::size_t i = 0; i < spec.steps.size(); ++i) {
        const StepSpec& st = spec.steps[i];
        const std::string where = "pathway." + st.name;
        switch (st.kind) {
            case StepKind::Seize:
                check_index(st.resource, spec.resources.size(), where, "resource");
                if (st.priority != -1) {
                    check_index(st.priority, expressions.size(), where, "priority expression");
                    resource_fifo[static_cast<std::size_t>(st.resource)] = false;
                }
                [[fallthrough]];
            case StepKind::Delay:
                check_index(st.duration, distributions.size(), where, "duration distribution");
                check_index(st.next, spec.steps.size(), where, "next step");
                break;
            case StepKind::BranchChance: {
                if (st.targets.empty() || st.targets.size() != st.weights.size())
                    invalid(where, "a chance branch needs one weight per target");
                double total = 0;
                for (std::size_t j = 0; j < st.targets.size(); ++j) {
                    check_index(st.targets[j], spec.steps.size(), where, "branch target");
                    if (!std::isfinite(st.weights[j]) || st.weights[j] < 0)
                        invalid(where, "branch probabilities must be >= 0");
                    total += st.weights[j];
                    branch_cdf[i].push_back(total);
                }
                if (std::fabs(total - 1.0) > 1e-9) invalid(where, "branch probabilities must sum to 1");
                branch_cdf[i].back() = 2.0;  // every uniform in [0, 1) lands somewhere
                break;
            }
            case StepKind::BranchWhen:
                if (st.targets.empty() || st.targets.size() != st.conditions.size())
                    invalid(where, "a conditional branch needs one condition per target");
                for (std::size_t j = 0; j < st.targets.size(); ++j) {
                    check_index(st.targets[j], spec.steps.size(), where, "branch target");
                    const bool last = j + 1 == st.targets.size();
                    if (st.conditions[j] == -1) {
                        if (!last) invalid(where, "only the last arm may be 'otherwise'");
                    } else {
                        check_index(st.conditions[j], expressions.size(), where, "condition expression");
                    }
                }
                if (st.conditions.back() != -1) invalid(where, "a conditional branch must end with 'otherwise'");
                break;
            case StepKind::Exit:
                check_index(st.outcome, spec.outcomes.size(), where, "outcome");
                break;
            default:
                invalid(where, "unknown step kind");
        }
        if (st.kind == StepKind::Seize) seize_steps.push_back(static_cast<int>(i));
        if (st.kind == StepKind::Delay) delay_steps.push_back(static_cast<int>(i));
    }

    metric_names = {"arrivals",         "in_system_at_end", "in_system.mean", "system_time.mean",
                    "system_time.p50", "system_time.p90",  "system_time.p95"};
    seize_offset = metric_names.size();
    for (int i : seize_steps) {
        const std::string& n = spec.steps[static_cast<std::size_t>(i)].name;
        for (const char* m : {".mean", ".p50", ".p90", ".p95", ".frac_waited"})
            metric_names.push_back("wait." + n + m);
        metric_names.push_back("served." + n);
    }
    delay_offset = metric_names.size();
    for (int i : delay_steps) metric_names.push_back("served." + spec.steps[static_cast<std::size_t>(i)].name);
    resource_offset = metric_names.size();
    for (const auto& r : spec.resources) {
        metric_names.push_back("utilisation." + r.name);
        metric_names.push_back("queue_length." + r.name + ".mean");
    }
    outcome_offset = metric_names.size();
    for (const auto& o : spec.outcomes) metric_names.push_back("exits." + o);
}

}  // namespace carepath
