#include "carepath/compiled_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

void check_cycle(const Cycle& c, const std::string& where) {
    if (!std::isfinite(c.period) || c.period < 0) invalid(where, "period must be >= 0");
    for (std::size_t i = 0; i < c.offsets.size(); ++i) {
        const double t = c.offsets[i];
        if (!std::isfinite(t) || t < 0 || (c.period > 0 && t >= c.period))
            invalid(where, "times must lie in [0, period)");
        if (i > 0 && t < c.offsets[i - 1]) invalid(where, "times must be sorted");
    }
}

std::string format_value(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

CompiledModel::CompiledModel(ModelSpec s) : spec(std::move(s)) {
    if (!std::isfinite(spec.horizon) || !(spec.horizon > 0))
        invalid("horizon", "must be > 0, got " + std::to_string(spec.horizon));
    if (!std::isfinite(spec.warmup) || spec.warmup < 0 || spec.warmup >= spec.horizon)
        invalid("warmup", "must be >= 0 and < horizon, got " + std::to_string(spec.warmup));
    if (!std::isfinite(spec.follow_up) || spec.follow_up < 0)
        invalid("follow_up", "must be >= 0, got " + std::to_string(spec.follow_up));
    if (!std::isfinite(spec.series_bin) || spec.series_bin < 0)
        invalid("results.series.bin", "must be >= 0");
    if (spec.series_bin > 0) {
        const double bins = std::ceil((spec.horizon - spec.warmup) / spec.series_bin);
        if (bins > 1e6) invalid("results.series.bin", "makes more than a million bins; use a wider bin");
        n_bins = static_cast<std::size_t>(bins);
    }
    if (spec.distribution_top > 10000)
        invalid("results.distributions.max_level", "must be <= 10000, got " + std::to_string(spec.distribution_top));
    if (!std::isfinite(spec.audit_interval) || spec.audit_interval < 0)
        invalid("results.distributions.audit", "must be >= 0");
    if (spec.audit_interval > 0) {
        if (spec.distribution_top == 0) invalid("results.distributions.audit", "needs results.distributions");
        if ((spec.horizon - spec.warmup) / spec.audit_interval > 1e9)
            invalid("results.distributions.audit", "makes more than a billion audits; use a longer interval");
    }
    for (double rate : {spec.discount_costs, spec.discount_qalys})
        if (!std::isfinite(rate) || rate < 0 || rate >= 1) invalid("economics.discount", "rates must be in [0, 1)");
    const std::size_t n_categories = spec.cost_categories.size();
    for (const ResourceSpec& rs : spec.resources)
        if (rs.cost_per_hour != 0.0) check_index(rs.cost_category, n_categories, "resources." + rs.name, "cost category");
    for (const BookSpec& bs : spec.books)
        if (bs.cost_per_slot != 0.0) check_index(bs.cost_category, n_categories, "books." + bs.name, "cost category");
    if (!std::isfinite(spec.hours_per_unit) || !(spec.hours_per_unit > 0)) invalid("time_unit", "hours per unit must be > 0");
    if (!std::isfinite(spec.start_hour_of_week) || spec.start_hour_of_week < 0 || spec.start_hour_of_week >= 168)
        invalid("start", "hour of week must be in [0, 168)");
    if (spec.max_steps_without_time < 1) invalid("max_steps_without_time", "must be >= 1");
    if (spec.max_in_system < 1) invalid("limits.max_in_system", "must be >= 1");
    if (spec.sources.empty()) invalid("arrivals", "at least one arrival source is needed");
    if (spec.steps.empty()) invalid("pathway", "at least one step is needed");
    const std::size_t n_steps = spec.steps.size();

    for (std::size_t i = 0; i < spec.distributions.size(); ++i)
        distributions.emplace_back(spec.distributions[i], "distributions[" + std::to_string(i) + "]");
    const std::size_t n_attr = spec.attributes.size();
    n_values = n_attr + 2;
    arrived_value = n_attr;
    now_value = n_attr + 1;
    for (std::size_t i = 0; i < spec.expressions.size(); ++i)
        expressions.emplace_back(spec.expressions[i], static_cast<int>(n_values),
                                 "expressions[" + std::to_string(i) + "]", state_limits());
    for (const auto& a : spec.attributes)
        check_index(a.distribution, distributions.size(), "attributes." + a.name, "distribution");

    resource_fifo.assign(spec.resources.size(), 1);
    resource_tracks.assign(spec.resources.size(), 0);
    held_index.assign(spec.resources.size(), -1);
    breakdowns.assign(spec.resources.size(), 0);
    max_capacity.assign(spec.resources.size(), 0);
    for (std::size_t r = 0; r < spec.resources.size(); ++r) {
        const ResourceSpec& rs = spec.resources[r];
        const std::string where = "resources." + rs.name;
        if (rs.capacity < 0) invalid(where + ".capacity", "must be >= 0");
        check_cycle(rs.shift_changes, where + ".shifts");
        if (rs.shift_changes.offsets.size() != rs.shift_capacity.size())
            invalid(where + ".shifts", "one capacity per change is needed");
        for (int c : rs.shift_capacity)
            if (c < 0) invalid(where + ".shifts", "capacity must be >= 0");
        if (rs.shift_changes.offsets.empty() && rs.capacity < 1) invalid(where + ".capacity", "must be >= 1");
        resource_tracks[r] = rs.preempt != Preempt::None || rs.interrupt_at_shift_end;
        int most = rs.capacity;
        for (int c : rs.shift_capacity) most = std::max(most, c);
        max_capacity[r] = most;
        if (rs.time_to_failure != -1) {
            check_index(rs.time_to_failure, distributions.size(), where + ".breakdowns.time_to_failure", "distribution");
            check_index(rs.repair, distributions.size(), where + ".breakdowns.repair", "distribution");
            if (resource_tracks[r])
                invalid(where + ".breakdowns", "a resource with breakdowns is neither preemptive nor interrupted at shift ends");
            if (most > 65535) invalid(where + ".breakdowns", "at most 65,535 servers break down");
            breakdowns[r] = 1;
            any_breakdowns = true;
        }
    }
    for (std::size_t b = 0; b < spec.books.size(); ++b) {
        const BookSpec& bk = spec.books[b];
        if (bk.types.empty() || bk.types.size() > 64) invalid("books." + bk.name, "needs 1 to 64 slot types");
        for (const auto& t : bk.types) {
            check_cycle(t.slots, "books." + bk.name + ".slots");
            if (t.horizon_days < 0) invalid("books." + bk.name + ".horizon", "must be >= 0");
        }
    }

    week.assign(spec.sources.size(), {});
    for (std::size_t i = 0; i < spec.sources.size(); ++i) {
        const SourceSpec& src = spec.sources[i];
        const std::string where = "arrivals." + src.name;
        check_index(src.start, n_steps, where + ".start", "step");
        switch (src.kind) {
            case SourceKind::Poisson:
                if (!std::isfinite(src.rate) || !(src.rate > 0))
                    invalid(where + ".rate", "must be > 0, got " + std::to_string(src.rate));
                break;
            case SourceKind::Profile: {
                if (src.hourly.size() != 24 || src.weekday.size() != 7)
                    invalid(where + ".profile", "needs 24 hourly rates and 7 weekday multipliers");
                double hmax = 0, wmax = 0;
                for (double v : src.hourly) {
                    if (!std::isfinite(v) || v < 0) invalid(where + ".profile.hourly", "rates must be >= 0");
                    hmax = std::max(hmax, v);
                }
                for (double v : src.weekday) {
                    if (!std::isfinite(v) || v < 0) invalid(where + ".profile.weekday", "multipliers must be >= 0");
                    wmax = std::max(wmax, v);
                }
                double smax = src.season.empty() ? 1.0 : 0.0;
                for (double v : src.season) {
                    if (!std::isfinite(v) || v < 0) invalid(where + ".profile.season", "multipliers must be >= 0");
                    smax = std::max(smax, v);
                }
                if (!(hmax * wmax * smax > 0)) invalid(where + ".profile", "some hour must have a rate > 0");
                auto& hours = week[i];
                hours.resize(168);
                for (std::size_t h = 0; h < 168; ++h) {
                    const double rate = src.hourly[h % 24] * src.weekday[h / 24];
                    hours[h] = WeekHour{rate, 1.0 / rate, 1};
                }
                for (std::size_t h = 0; h < 168; ++h)
                    while (hours[h].run < 168 && hours[(h + static_cast<std::size_t>(hours[h].run)) % 168].rate == hours[h].rate)
                        ++hours[h].run;
                break;
            }
            case SourceKind::Schedule:
                check_cycle(src.schedule, where + ".schedule");
                break;
            case SourceKind::Renewal:
                check_index(src.interarrival, distributions.size(), where + ".interarrival", "distribution");
                if (!std::isfinite(src.start_at)) invalid(where + ".start_at", "must be a finite number");
                break;
            case SourceKind::Replay: {
                for (std::size_t k = 0; k < src.times.size(); ++k)
                    if (!std::isfinite(src.times[k]) || src.times[k] < 0 || (k > 0 && src.times[k] < src.times[k - 1]))
                        invalid(where + ".time", "arrival times must be finite, >= 0 and sorted");
                if (!src.replay_values.empty() && src.replay_values.size() != n_attr)
                    invalid(where + ".attributes", "one entry per attribute is needed");
                for (const auto& v : src.replay_values)
                    if (!v.empty() && v.size() != src.times.size())
                        invalid(where + ".attributes", "one value per arrival is needed");
                break;
            }
            case SourceKind::Counts: {
                const std::size_t n = src.period_count.size();
                if (src.period_start.size() != n || src.period_end.size() != n)
                    invalid(where + ".count", "one start and end per period is needed");
                for (std::size_t k = 0; k < n; ++k) {
                    if (src.period_count[k] < 0) invalid(where + ".count", "counts must be >= 0");
                    if (!std::isfinite(src.period_start[k]) || src.period_start[k] < 0 ||
                        !(src.period_end[k] > src.period_start[k]) || (k > 0 && src.period_start[k] < src.period_end[k - 1]))
                        invalid(where + ".period", "periods must be >= 0, non-empty and in order without overlap");
                }
                break;
            }
            case SourceKind::Cohort:
                if (src.count < 0) invalid(where + ".count", "must be >= 0");
                if (src.waited != -1) check_index(src.waited, distributions.size(), where + ".waited", "distribution");
                break;
            default:
                invalid(where, "unknown arrival kind");
        }
        if (!src.attributes.empty() && src.attributes.size() != n_attr)
            invalid(where + ".attributes", "one entry per attribute is needed");
        for (int d : src.attributes)
            if (d != -1) check_index(d, distributions.size(), where + ".attributes", "distribution");
        if (src.batch != -1) check_index(src.batch, distributions.size(), where + ".batch", "distribution");
        if (src.table != -1) check_index(src.table, spec.tables.size(), where + ".attributes_from", "table");
    }
    for (const TableSpec& t : spec.tables) {
        if (t.attributes.size() != t.columns.size() || t.columns.empty())
            invalid("attributes_from", "one column per attribute is needed");
        const std::size_t rows = t.columns[0].size();
        if (rows == 0) invalid("attributes_from", "the table has no rows");
        for (std::size_t j = 0; j < t.columns.size(); ++j) {
            check_index(t.attributes[j], n_attr, "attributes_from", "attribute");
            if (t.columns[j].size() != rows) invalid("attributes_from", "columns of different lengths");
        }
        if (!t.cdf.empty() && (t.cdf.size() != rows || t.cdf.back() != 1.0))
            invalid("attributes_from.weights", "one cumulative weight per row, ending at 1");
    }

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
    if (spec.system_time_over.size() != spec.system_time_over_labels.size())
        invalid("results.over", "one label per threshold is needed");
    if (spec.percentiles.size() > 8) invalid("results.percentiles", "at most 8");
    if (spec.percentile_labels.size() != spec.percentiles.size())
        invalid("results.percentiles", "one label per percentile is needed");
    for (std::size_t j = 0; j < spec.percentiles.size(); ++j) {
        const double q = spec.percentiles[j];
        if (!(q > 0.0 && q < 1.0) || (j > 0 && !(q > spec.percentiles[j - 1])))
            invalid("results.percentiles", "must increase strictly, each between 0 and 100");
    }
    for (std::size_t e = 0; e < expressions.size(); ++e)
        for (int step : expressions[e].occupancy_steps())
            if (occupancy_index[static_cast<std::size_t>(step)] < 0)
                invalid("expressions[" + std::to_string(e) + "]",
                        "reads the occupancy of step '" + spec.steps[static_cast<std::size_t>(step)].name +
                            "', which is not an occupancy step");

    if (n_bins > 0) {
        series_names.emplace_back("in_system");
        for (const ResourceSpec& rs : spec.resources) {
            series_names.push_back("busy." + rs.name);
            series_names.push_back("queue_length." + rs.name);
            series_names.push_back("capacity." + rs.name);
        }
        for (std::size_t i = 0; i < n_steps; ++i)
            if (occupancy_index[i] >= 0) series_names.push_back("occupancy." + spec.steps[i].name);
        count_entered.assign(n_steps, -1);
        count_served.assign(n_steps, -1);
        count_reneged.assign(n_steps, -1);
        count_balked.assign(n_steps, -1);
        count_exit.assign(spec.outcomes.size(), -1);
        for (const std::string& name : spec.series_counts) {
            const int index = static_cast<int>(n_counts++);
            series_names.push_back(name);
            if (name == "arrivals") {
                count_arrivals = index;
                continue;
            }
            const auto dot = name.find('.');
            const std::string kind = name.substr(0, dot), what = dot == std::string::npos ? "" : name.substr(dot + 1);
            std::vector<int>* counts = kind == "entered"   ? &count_entered
                                       : kind == "served"  ? &count_served
                                       : kind == "reneged" ? &count_reneged
                                       : kind == "balked"  ? &count_balked
                                       : kind == "exits"   ? &count_exit
                                                           : nullptr;
            if (counts == nullptr) invalid("results.series.counts", "unknown count '" + name + "'");
            const auto& names = kind == "exits" ? spec.outcomes : std::vector<std::string>{};
            std::size_t k = 0;
            if (kind == "exits") {
                while (k < names.size() && names[k] != what) ++k;
            } else {
                while (k < n_steps && spec.steps[k].name != what) ++k;
            }
            if (k == counts->size()) invalid("results.series.counts", "no such step or outcome in '" + name + "'");
            (*counts)[k] = index;
        }
    } else if (!spec.series_counts.empty()) {
        invalid("results.series.counts", "needs results.series.bin");
    }
    tracks_steps = n_occupancy > 0 ||
                   std::any_of(count_entered.begin(), count_entered.end(), [](int i) { return i >= 0; });

    // Classes: every combination of the `by` attributes' values, the first
    // attribute varying slowest.
    class_labels = {""};
    std::size_t n_classes = spec.classes.empty() ? 0 : 1;
    for (const auto& c : spec.classes) {
        check_index(c.attribute, n_attr, "results.by", "attribute");
        if (c.values.empty()) invalid("results.by", "an attribute with no values");
        n_classes *= c.values.size();
        if (n_classes > 4096) invalid("results.by", "more than 4096 classes");
    }
    class_strides.assign(spec.classes.size(), 1);
    for (std::size_t j = spec.classes.size(); j-- > 1;)
        class_strides[j - 1] = class_strides[j] * spec.classes[j].values.size();
    for (std::size_t k = 0; k < n_classes; ++k) {
        std::string label = "[";
        for (std::size_t j = 0; j < spec.classes.size(); ++j) {
            const auto& c = spec.classes[j];
            const std::size_t v = (k / class_strides[j]) % c.values.size();
            if (j > 0) label += ",";
            label += spec.attributes[static_cast<std::size_t>(c.attribute)].name + "=" + format_value(c.values[v]);
        }
        class_labels.push_back(label + "]");
    }
}

StateLimits CompiledModel::state_limits() const {
    return {static_cast<int>(spec.resources.size()), static_cast<int>(spec.steps.size()),
            static_cast<int>(spec.globals.size())};
}

void CompiledModel::prepare_chance_branch(std::size_t i) {
    const StepSpec& st = spec.steps[i];
    std::vector<double> cdf;
    cdf.reserve(st.weights.size());
    double total = 0;
    for (double w : st.weights) {
        if (!std::isfinite(w) || w < 0) invalid("pathway." + st.name, "branch probabilities must be >= 0");
        total += w;
        cdf.push_back(total);
    }
    if (std::fabs(total - 1.0) > 1e-9) invalid("pathway." + st.name, "branch probabilities must sum to 1");
    cdf.back() = 2.0;  // every uniform in [0, 1) lands somewhere
    branch_cdf[i] = std::move(cdf);
}

}  // namespace carepath
