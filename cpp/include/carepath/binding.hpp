#pragma once
// Parameters bound to a compiled model: a sweep point is a vector of numbers,
// and each number sets one or more slots of the model (an arrival rate, a
// distribution's mean, a capacity...).  Binding a point to a copy of the
// compiled model replaces compiling the scenario again for every point, and
// gives the same model, field for field.
#include <cstdint>
#include <vector>

#include "carepath/compiled_model.hpp"

namespace carepath {

enum class SlotKind : int {
    SourceRate = 0,     // sources[index].rate
    DistParam = 1,      // distributions[index].a, b or c (sub = 0, 1, 2)
    Capacity = 2,       // resources[index].capacity (a resource without shifts)
    BranchWeight = 3,   // steps[index].weights[sub]
    ExprConst = 4,      // expressions[index].consts[sub] (a number given as an expression)
    CostPerHour = 5,    // resources[index].cost_per_hour
    CostPerSlot = 6,    // books[index].cost_per_slot
    MaxQueue = 7,       // steps[index].max_queue
    CohortCount = 8,    // sources[index].count
    DiscountCosts = 9,  // discount_costs
    DiscountQalys = 10, // discount_qalys
};

struct Slot {
    SlotKind kind = SlotKind::SourceRate;
    int index = 0;
    int sub = 0;
    int param = 0;  // which value of the point sets it
};

// Sets every slot of `model` from `values` (indexed by Slot::param), then
// refreshes what the compiled model derives from them (samplers, branch
// tables) and checks them as the CompiledModel constructor would.  Throws
// std::invalid_argument naming the field.  Every bound slot is overwritten,
// so a model can be bound to one point after another.
void bind(CompiledModel& model, const std::vector<Slot>& slots, const double* values);

}  // namespace carepath
