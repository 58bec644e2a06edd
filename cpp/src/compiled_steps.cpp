// The pathway's steps, checked and indexed: each step's targets, resources,
// tallies and counts, the resources taken in units or together, and the
// seizes that take the short path.
#include <algorithm>
#include <string>
#include <vector>

#include "carepath/compile_checks.hpp"
#include "carepath/compiled_model.hpp"

namespace carepath {

using compile::check_cycle;
using compile::check_index;
using compile::invalid;

void CompiledModel::compile_steps() {
    const std::size_t n_steps = spec.steps.size();
    const std::size_t n_attr = spec.attributes.size();
    const std::size_t n_categories = spec.cost_categories.size();
    joint_steps.assign(spec.resources.size(), {});
    resource_gated.assign(spec.resources.size(), 0);
    // A resource that some patient needs several servers of, or with others
    // at once: not preemptive nor interrupted at shift ends, which take one
    // server from one patient.
    const auto gate = [&](std::size_t r, const std::string& where) {
        const ResourceSpec& rs = spec.resources[r];
        if (rs.preempt != Preempt::None || rs.interrupt_at_shift_end || rs.time_to_failure != -1)
            invalid(where, "'" + rs.name + "' is preemptive, interrupted at shift ends or breaks down: it cannot be taken in units or with other resources");
        resource_gated[r] = 1;
    };
    branch_cdf.resize(n_steps);
    wait_index.assign(n_steps, -1);
    appointment_index.assign(n_steps, -1);
    hourly_index.assign(n_steps, -1);
    occupancy_index.assign(n_steps, -1);
    batch_index.assign(n_steps, -1);
    auto check_step = [&](int target, const std::string& where, const char* what) {
        check_index(target, n_steps, where, what);
    };
    for (std::size_t i = 0; i < n_steps; ++i) {
        const StepSpec& st = spec.steps[i];
        const std::string where = "pathway." + st.name;
        if (st.hourly) {
            if (st.kind != StepKind::Seize && st.kind != StepKind::Delay && st.kind != StepKind::Book)
                invalid(where, "only seize, delay and book steps are counted by hour");
            hourly_index[i] = static_cast<int>(n_hourly++);
        }
        if (st.scale != -1) {
            if (st.kind != StepKind::Seize && st.kind != StepKind::SeizeAll && st.kind != StepKind::Delay)
                invalid(where, "only seize and delay steps take a scale");
            if (st.duration < 0) invalid(where + ".scale", "scales a service or delay distribution; the step has none");
            check_index(st.scale, expressions.size(), where, "scale expression");
        }
        if (st.occupancy) {
            if (st.kind != StepKind::Seize && st.kind != StepKind::SeizeAll && st.kind != StepKind::Delay &&
                st.kind != StepKind::Book && st.kind != StepKind::Batch)
                invalid(where, "only seize, delay, book and batch steps have an occupancy");
            occupancy_index[i] = static_cast<int>(n_occupancy++);
        }
        if (st.patience != -1) {
            if (st.kind != StepKind::Seize && st.kind != StepKind::SeizeAll && st.kind != StepKind::Delay &&
                st.kind != StepKind::Book)
                invalid(where, "only seize, delay and book steps take a patience");
            check_index(st.patience, distributions.size(), where, "patience distribution");
            check_step(st.on_renege, where, "on_renege step");
        }
        switch (st.kind) {
            case StepKind::Seize: {
                check_index(st.resource, spec.resources.size(), where, "resource");
                const auto r = static_cast<std::size_t>(st.resource);
                if (st.priority != -1) check_index(st.priority, expressions.size(), where, "priority expression");
                if (st.waiting_since != -1)
                    check_index(st.waiting_since, n_attr, where, "waiting_since attribute");
                const bool ordered = st.priority != -1 || st.longest_wait;
                if (ordered || resource_tracks[r]) resource_fifo[r] = 0;
                if (!st.resources.empty()) {
                    if (st.resources.size() < 2) invalid(where + ".seize", "a list names two or more resources");
                    for (std::size_t a = 0; a < st.resources.size(); ++a) {
                        check_index(st.resources[a], spec.resources.size(), where + ".seize", "resource");
                        for (std::size_t b = 0; b < a; ++b)
                            if (st.resources[a] == st.resources[b]) invalid(where + ".seize", "names a resource twice");
                        const auto ra = static_cast<std::size_t>(st.resources[a]);
                        if (spec.resources[ra].preempt != Preempt::None)
                            invalid(where + ".seize", "a choice of resources takes only non-preemptive ones");
                        if (ordered || resource_tracks[ra]) resource_fifo[ra] = 0;
                    }
                    if (st.choose < 0 || st.choose > static_cast<int>(Choice::Random)) invalid(where + ".choose", "unknown choice");
                    if (st.as_attribute != -1) check_index(st.as_attribute, n_attr, where + ".as", "attribute");
                }
                if (st.duration == -1) {  // a hold: of the resource, or of whichever of the list it takes
                    if (held_index[r] == -1) held_index[r] = static_cast<int>(n_held++);
                    for (int ra : st.resources)
                        if (held_index[static_cast<std::size_t>(ra)] == -1)
                            held_index[static_cast<std::size_t>(ra)] = static_cast<int>(n_held++);
                } else {
                    check_index(st.duration, distributions.size(), where, "duration distribution");
                }
                if (st.units != -1) {
                    check_index(st.units, expressions.size(), where + ".units", "units expression");
                    for (int ra : st.resources.empty() ? std::vector<int>{st.resource} : st.resources)
                        gate(static_cast<std::size_t>(ra), where);
                }
                if (st.max_queue < -1) invalid(where, "max_queue must be >= 0");
                if (st.max_queue >= 0) check_step(st.on_balk, where, "on_balk step");
                check_step(st.next, where, "next step");
                wait_index[i] = static_cast<int>(n_waits++);
                break;
            }
            case StepKind::Delay:
                if (st.until.offsets.empty()) {
                    check_index(st.duration, distributions.size(), where, "duration distribution");
                } else {
                    check_cycle(st.until, where + ".wait_until");
                    if (st.duration != -1 || !(st.until.period > 0)) invalid(where, "wait_until needs a weekly pattern and no duration");
                }
                check_step(st.next, where, "next step");
                break;
            case StepKind::Release:
            case StepKind::ReleaseAll:
                check_index(st.resource, spec.resources.size(), where, "resource");
                for (int ra : st.resources) check_index(ra, spec.resources.size(), where + ".release", "resource");
                check_step(st.next, where, "next step");
                break;
            case StepKind::Fork:
                if (st.targets.empty()) invalid(where + ".fork", "names no step");
                for (int target : st.targets) check_step(target, where + ".fork", "part step");
                check_step(st.next, where, "next step");
                wait_index[i] = static_cast<int>(n_waits++);
                break;
            case StepKind::Join:
                check_step(st.fork, where + ".join", "fork step");
                if (spec.steps[static_cast<std::size_t>(st.fork)].kind != StepKind::Fork)
                    invalid(where + ".join", "names '" + spec.steps[static_cast<std::size_t>(st.fork)].name + "', which is not a fork");
                break;
            case StepKind::SeizeAll: {
                if (st.resources.size() < 2 || st.resources.size() > 64)
                    invalid(where + ".seize_all", "names 2 to 64 resources");
                if (!st.unit_counts.empty() && st.unit_counts.size() != st.resources.size())
                    invalid(where + ".units", "one count per resource is needed");
                for (int c : st.unit_counts)
                    if (c < 0) invalid(where + ".units", "counts must be >= 0");
                if (st.units != -1) check_index(st.units, expressions.size(), where + ".units", "units expression");
                for (std::size_t a = 0; a < st.resources.size(); ++a) {
                    check_index(st.resources[a], spec.resources.size(), where + ".seize_all", "resource");
                    for (std::size_t b = 0; b < a; ++b)
                        if (st.resources[a] == st.resources[b]) invalid(where + ".seize_all", "names a resource twice");
                    const auto ra = static_cast<std::size_t>(st.resources[a]);
                    gate(ra, where);
                    if (!st.unit_counts.empty() && st.unit_counts[a] > max_capacity[ra])
                        invalid(where + ".units", "needs " + std::to_string(st.unit_counts[a]) + " servers of '" +
                                                      spec.resources[ra].name + "', which has at most " +
                                                      std::to_string(max_capacity[ra]));
                    if (st.priority != -1 || st.longest_wait) resource_fifo[ra] = 0;
                    if (st.duration == -1 && held_index[ra] == -1) held_index[ra] = static_cast<int>(n_held++);
                    if (!st.as_available) joint_steps[ra].push_back(static_cast<int>(i));
                }
                if (st.priority != -1) check_index(st.priority, expressions.size(), where, "priority expression");
                if (st.duration != -1) check_index(st.duration, distributions.size(), where, "duration distribution");
                if (st.max_queue != -1) invalid(where, "seize_all takes no max_queue");
                check_step(st.next, where, "next step");
                wait_index[i] = static_cast<int>(n_waits++);
                break;
            }
            case StepKind::Goto:
                check_step(st.next, where, "next step");
                break;
            case StepKind::Batch: {
                if (st.batch_size < 1) invalid(where + ".batch.size", "must be >= 1, got " + std::to_string(st.batch_size));
                if (!(st.batch_timeout == -1.0 || (std::isfinite(st.batch_timeout) && st.batch_timeout >= 0)))
                    invalid(where + ".batch.timeout", "must be >= 0");
                check_step(st.next, where, "next step");
                const StepSpec& session = spec.steps[static_cast<std::size_t>(st.next)];
                if (session.kind != StepKind::Seize || session.duration < 0 || session.patience != -1 ||
                    session.max_queue >= 0)
                    invalid(where + ".then", "a batch goes on to a seize step with a service, no patience and no max_queue "
                                             "(the group's session)");
                batch_index[i] = static_cast<int>(n_batches++);
                break;
            }
            case StepKind::Set:
                if (st.set_attributes.size() != st.set_expressions.size())
                    invalid(where, "one expression per attribute set is needed");
                for (std::size_t j = 0; j < st.set_attributes.size(); ++j) {
                    const int a = st.set_attributes[j];  // an attribute, or -1 - g for global g
                    if (a < 0) {
                        check_index(-1 - a, spec.globals.size(), where, "global");
                    } else {
                        check_index(a, n_attr, where, "attribute");
                    }
                    check_index(st.set_expressions[j], expressions.size(), where, "expression");
                }
                check_step(st.next, where, "next step");
                break;
            case StepKind::Book:
                check_index(st.book, spec.books.size(), where, "book");
                if (st.slot_types == 0) invalid(where, "no slot type allowed");
                if (st.dna != -1) {
                    check_index(st.dna, expressions.size(), where, "dna expression");
                    check_step(st.on_dna, where, "on_dna step");
                }
                check_step(st.on_full, where, "on_full step");
                if (st.not_before != -1) check_index(st.not_before, distributions.size(), where, "not_before distribution");
                check_step(st.next, where, "next step");
                appointment_index[i] = static_cast<int>(n_appointments++);
                break;
            case StepKind::BranchChance: {
                if (!st.weight_expressions.empty()) {  // weights computed per patient, normalised
                    if (st.targets.empty() || st.targets.size() != st.weight_expressions.size())
                        invalid(where, "a chance branch needs one weight per target");
                    for (int e : st.weight_expressions) check_index(e, expressions.size(), where, "weight expression");
                    for (int target : st.targets) check_step(target, where, "branch target");
                    break;
                }
                if (st.targets.empty() || st.targets.size() != st.weights.size())
                    invalid(where, "a chance branch needs one weight per target");
                for (int target : st.targets) check_step(target, where, "branch target");
                prepare_chance_branch(i);
                break;
            }
            case StepKind::BranchWhen:
                if (st.targets.empty() || st.targets.size() != st.conditions.size())
                    invalid(where, "a conditional branch needs one condition per target");
                for (std::size_t j = 0; j < st.targets.size(); ++j) {
                    check_step(st.targets[j], where, "branch target");
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
            case StepKind::Cost:
                check_index(st.duration, distributions.size(), where, "cost distribution");
                check_index(st.cost_category, n_categories, where, "cost category");
                check_step(st.next, where, "next step");
                break;
            case StepKind::Utility:
                check_index(st.utility, expressions.size(), where, "utility expression");
                check_step(st.next, where, "next step");
                break;
            default:
                invalid(where, "unknown step kind");
        }
        if (st.over.size() != st.over_labels.size()) invalid(where, "one label per threshold is needed");
    }
    plain_seize.assign(n_steps, 0);
    for (std::size_t i = 0; i < n_steps; ++i) {
        const StepSpec& st = spec.steps[i];
        if (st.kind == StepKind::Release || st.kind == StepKind::ReleaseAll)
            for (int ra : st.resources.empty() ? std::vector<int>{st.resource} : st.resources)
                if (held_index[static_cast<std::size_t>(ra)] == -1)
                    invalid("pathway." + st.name, "releases '" + spec.resources[static_cast<std::size_t>(ra)].name + "', which no step holds");
        if (st.kind == StepKind::Seize && st.resources.empty())
            plain_seize[i] = !spec.observe_start && resource_fifo[static_cast<std::size_t>(st.resource)] &&
                             !resource_gated[static_cast<std::size_t>(st.resource)] &&
                             !breakdowns[static_cast<std::size_t>(st.resource)] && st.duration >= 0 &&
                             st.patience == -1 && st.max_queue == -1 && st.scale == -1 && !st.hourly;
    }
}

}  // namespace carepath
