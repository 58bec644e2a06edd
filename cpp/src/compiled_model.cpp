#include "carepath/compiled_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "carepath/compile_checks.hpp"

namespace carepath {

using compile::check_cycle;
using compile::check_index;
using compile::format_value;
using compile::invalid;

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

    compile_steps();
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
