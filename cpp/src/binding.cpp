#include "carepath/binding.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace carepath {
namespace {

[[noreturn]] void invalid(const std::string& where, const std::string& what, double got) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", got);
    throw std::invalid_argument(where + ": " + what + ", got " + buf);
}

// A count held in an int: whole, and within [low, 2^31).
int whole(double v, double low, const std::string& where) {
    if (!std::isfinite(v) || v != std::floor(v) || v < low || v >= 2147483648.0)
        invalid(where, "must be a whole number >= " + std::to_string(static_cast<long long>(low)), v);
    return static_cast<int>(v);
}

double& dist_param(DistSpec& d, int sub) { return sub == 0 ? d.a : sub == 1 ? d.b : d.c; }

template <class T>
T& at(std::vector<T>& items, int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= items.size())
        throw std::invalid_argument("parameter slot index " + std::to_string(index) + " out of range");
    return items[static_cast<std::size_t>(index)];
}

}  // namespace

void bind(CompiledModel& m, const std::vector<Slot>& slots, const double* values) {
    ModelSpec& spec = m.spec;
    // First every value, then what is derived from them: a distribution whose
    // mean and sd are both bound is checked with both new values.
    for (const Slot& s : slots) {
        const double v = values[s.param];
        switch (s.kind) {
            case SlotKind::SourceRate: {
                SourceSpec& src = at(spec.sources, s.index);
                if (!std::isfinite(v) || !(v > 0)) invalid("arrivals." + src.name + ".rate", "must be > 0", v);
                src.rate = v;
                break;
            }
            case SlotKind::DistParam:
                if (s.sub < 0 || s.sub > 2) throw std::invalid_argument("distribution parameter slot out of range");
                dist_param(at(spec.distributions, s.index), s.sub) = v;
                break;
            case SlotKind::Capacity: {
                ResourceSpec& rs = at(spec.resources, s.index);
                if (!rs.shift_changes.offsets.empty())
                    throw std::invalid_argument("resources." + rs.name + ".capacity: the resource has shifts");
                rs.capacity = whole(v, 1, "resources." + rs.name + ".capacity");
                break;
            }
            case SlotKind::BranchWeight: {
                StepSpec& st = at(spec.steps, s.index);
                if (st.kind != StepKind::BranchChance)
                    throw std::invalid_argument("pathway." + st.name + ": not a chance branch");
                at(st.weights, s.sub) = v;
                break;
            }
            case SlotKind::ExprConst:
                at(at(spec.expressions, s.index).consts, s.sub) = v;
                break;
            case SlotKind::CostPerHour: {
                ResourceSpec& rs = at(spec.resources, s.index);
                if (!std::isfinite(v) || v < 0) invalid("resources." + rs.name + ".cost_per_hour", "must be >= 0", v);
                rs.cost_per_hour = v;
                break;
            }
            case SlotKind::CostPerSlot: {
                BookSpec& bs = at(spec.books, s.index);
                if (!std::isfinite(v) || v < 0) invalid("books." + bs.name + ".cost_per_slot", "must be >= 0", v);
                bs.cost_per_slot = v;
                break;
            }
            case SlotKind::MaxQueue: {
                StepSpec& st = at(spec.steps, s.index);
                if (st.max_queue < 0) throw std::invalid_argument("pathway." + st.name + ": has no max_queue");
                st.max_queue = whole(v, 0, "pathway." + st.name + ".max_queue");
                break;
            }
            case SlotKind::CohortCount: {
                SourceSpec& src = at(spec.sources, s.index);
                if (src.kind != SourceKind::Cohort) throw std::invalid_argument("arrivals." + src.name + ": not a cohort");
                src.count = whole(v, 0, "arrivals." + src.name + ".cohort");
                break;
            }
            case SlotKind::DiscountCosts:
            case SlotKind::DiscountQalys:
                if (!std::isfinite(v) || v < 0 || v >= 1) invalid("economics.discount_rate", "must be in [0, 1)", v);
                (s.kind == SlotKind::DiscountCosts ? spec.discount_costs : spec.discount_qalys) = v;
                break;
            default:
                throw std::invalid_argument("unknown parameter slot kind");
        }
    }
    for (const Slot& s : slots) {
        const auto i = static_cast<std::size_t>(s.index);
        if (s.kind == SlotKind::DistParam) {
            m.distributions[i] = Distribution(spec.distributions[i], "distributions[" + std::to_string(i) + "]");
        } else if (s.kind == SlotKind::BranchWeight) {
            m.prepare_chance_branch(i);
        } else if (s.kind == SlotKind::ExprConst) {
            m.expressions[i] = Expression(spec.expressions[i], static_cast<int>(m.n_values),
                                          "expressions[" + std::to_string(i) + "]", m.state_limits());
        }
    }
}

}  // namespace carepath
