#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {
namespace {

// Where metric values go: into a row, or (for naming) into a list of names.
// Names are built only when asked for, so writing a row allocates nothing.
struct RowSink {
    double* row;
    std::size_t k = 0;
    template <class Name>
    void operator()(Name&&, double v) {
        row[k++] = v;
    }
};

struct NameSink {
    std::vector<std::string> names;
    template <class Name>
    void operator()(Name&& name, double) {
        names.push_back(name());
    }
};

double ratio(std::uint64_t a, std::uint64_t b) {
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : std::nan("");
}

}  // namespace

void Simulation::write_row(double* row) {
    RowSink sink{row};
    emit(sink);
}

std::vector<std::string> Simulation::names() {
    NameSink sink;
    emit(sink);
    return std::move(sink.names);
}

// Writes (or names) the metrics.  The single place that fixes their order.
template <class Sink>
void Simulation::emit(Sink& out) {
    const double h = spec_.horizon;
    ws_.pool.for_each_live([&](const Patient& p) { record(p, [](PatientStats& s) { ++s.in_system_at_end; }); });
    for (std::size_t c = 0; c < ws_.stats.size(); ++c) {
        emit_patients(out, ws_.stats[c], m_.class_labels[c]);
        if (c > 0) continue;
        if (spec_.sources.size() > 1)
            for (std::size_t k = 0; k < spec_.sources.size(); ++k)
                out([&] { return "arrivals." + spec_.sources[k].name; }, static_cast<double>(ws_.observed_arrivals[k]));
        out([] { return std::string("in_system.mean"); }, ws_.in_system.mean(h));
        for (std::size_t r = 0; r < ws_.resources.size(); ++r) {
            const std::string& n = spec_.resources[r].name;
            out([&] { return "utilisation." + n; }, ws_.resources[r].utilisation(h));
            out([&] { return "queue_length." + n + ".mean"; }, ws_.resources[r].mean_queue_length(h));
            if (!m_.breakdowns[r]) continue;
            const double servers = static_cast<double>(m_.max_capacity[r]);
            out([&] { return "downtime." + n; }, ws_.down[r].mean(h) / servers);
            out([&] { return "failures." + n; }, static_cast<double>(ws_.failures[r]));
        }
        for (std::size_t g = 0; g < spec_.globals.size(); ++g) {
            const std::string& n = spec_.globals[g];
            out([&] { return "global." + n + ".mean"; }, ws_.global_levels[g].mean(h));
            out([&] { return "global." + n + ".final"; }, ws_.globals[g]);
        }
        for (std::size_t b = 0; b < ws_.books.size(); ++b) {
            const std::string& n = spec_.books[b].name;
            const std::uint64_t offered = ws_.books[b].offered(spec_.warmup, h);
            const std::uint64_t used = ws_.slots_used[b], wasted = ws_.slots_wasted[b];
            out([&] { return "slots." + n + ".offered"; }, static_cast<double>(offered));
            out([&] { return "slots." + n + ".used"; }, static_cast<double>(used));
            out([&] { return "slots." + n + ".wasted"; }, static_cast<double>(wasted));
            out([&] { return "slots." + n + ".utilisation"; }, ratio(used + wasted, offered));
        }
        for (std::size_t i = 0; i < spec_.steps.size(); ++i)
            if (m_.hourly_index[i] >= 0) emit_hourly(out, spec_.steps[i], ws_.hourly[static_cast<std::size_t>(m_.hourly_index[i])]);
        for (std::size_t i = 0; i < spec_.steps.size(); ++i)
            if (m_.occupancy_index[i] >= 0)
                out([&] { return "occupancy." + spec_.steps[i].name + ".mean"; },
                    ws_.occupancy[static_cast<std::size_t>(m_.occupancy_index[i])].mean(h));
        for (std::size_t i = 0; i < spec_.steps.size(); ++i) {
            if (m_.batch_index[i] < 0) continue;
            const auto& f = ws_.forming[static_cast<std::size_t>(m_.batch_index[i])];
            out([&] { return "batches." + spec_.steps[i].name; }, static_cast<double>(f.groups));
            out([&] { return "batch_size." + spec_.steps[i].name + ".mean"; },
                f.groups > 0 ? static_cast<double>(f.patients) / static_cast<double>(f.groups) : std::nan(""));
        }
        if (spec_.distribution_top == 0) continue;
        for (std::size_t r = 0; r < ws_.resources.size(); ++r)
            emit_levels(out, "busy." + spec_.resources[r].name, ws_.resources[r].busy_levels());
        for (std::size_t i = 0; i < spec_.steps.size(); ++i)
            if (m_.occupancy_index[i] >= 0)
                emit_levels(out, "occupancy." + spec_.steps[i].name,
                            ws_.occupancy[static_cast<std::size_t>(m_.occupancy_index[i])]);
    }
}

template <class Sink>
void Simulation::emit_levels(Sink& out, const std::string& prefix, TimeWeighted& level) {
    const std::size_t top = level.top();
    for (std::size_t k = 0; k <= top; ++k)
        out([&] { return prefix + ".share_" + std::to_string(k); }, level.level_share(k));
    if (spec_.audit_interval > 0.0)
        for (std::size_t k = 0; k <= top; ++k)
            out([&] { return prefix + ".audit_" + std::to_string(k); }, level.audit_share(k));
}

template <class Sink>
void Simulation::emit_patients(Sink& out, const PatientStats& s, const std::string& cls) {
    auto tally = [&](const std::string& base, const Tally& t, const std::vector<std::string>& labels) {
        const std::size_t n_centiles = spec_.percentiles.size();  // at most 8, checked by the compiler
        double centile[8];
        if (n_centiles > 0) t.histogram.quantiles(spec_.percentiles.data(), centile, n_centiles);
        out([&] { return base + ".mean" + cls; }, t.mean());
        for (std::size_t j = 0; j < n_centiles; ++j)
            out([&] { return base + "." + spec_.percentile_labels[j] + cls; }, centile[j]);
        for (std::size_t i = 0; i < t.thresholds.size(); ++i) {
            out([&] { return base + ".over_" + labels[i] + cls; }, static_cast<double>(t.over[i]));
            out([&] { return base + ".frac_over_" + labels[i] + cls; }, ratio(t.over[i], t.n()));
        }
    };
    out([&] { return "arrivals" + cls; }, static_cast<double>(s.arrivals));
    out([&] { return "in_system_at_end" + cls; }, static_cast<double>(s.in_system_at_end));
    if (spec_.economics) {
        double total = 0.0;
        for (double c : s.costs) total += c;
        const double n = static_cast<double>(s.arrivals);
        out([&] { return "cost.total" + cls; }, total);
        out([&] { return "cost.per_patient" + cls; }, n > 0 ? total / n : std::nan(""));
        for (std::size_t k = 0; k < s.costs.size(); ++k)
            out([&] { return "cost." + spec_.cost_categories[k] + cls; }, s.costs[k]);
        out([&] { return "qaly.total" + cls; }, s.qalys);
        out([&] { return "qaly.per_patient" + cls; }, n > 0 ? s.qalys / n : std::nan(""));
    }
    tally("system_time", s.system_time, spec_.system_time_over_labels);
    for (std::size_t i = 0; i < spec_.steps.size(); ++i) {
        const StepSpec& st = spec_.steps[i];
        const std::string& n = st.name;
        auto count = [&](const char* what, std::uint64_t v) {
            out([&] { return what + n + cls; }, static_cast<double>(v));
        };
        if (st.kind == StepKind::Seize || st.kind == StepKind::SeizeAll) {
            const Tally& t = s.waits[static_cast<std::size_t>(m_.wait_index[i])];
            tally("wait." + n, t, st.over_labels);
            out([&] { return "wait." + n + ".frac_waited" + cls; }, ratio(t.positive(), t.n()));
            count("served.", s.completed[i]);
            if (st.max_queue >= 0) count("balked.", s.balked[i]);
        } else if (st.kind == StepKind::Fork) {
            tally("fork_wait." + n, s.waits[static_cast<std::size_t>(m_.wait_index[i])], {});
        } else if (st.kind == StepKind::Batch) {
            tally("batch_wait." + n, s.batch_waits[static_cast<std::size_t>(m_.batch_index[i])], {});
        } else if (st.kind == StepKind::Delay) {
            count("served.", s.completed[i]);
        } else if (st.kind == StepKind::Book) {
            tally("appointment_wait." + n, s.appointment_waits[static_cast<std::size_t>(m_.appointment_index[i])],
                  st.over_labels);
            count("booked.", s.appointment_waits[static_cast<std::size_t>(m_.appointment_index[i])].n());
            count("attended.", s.completed[i]);
            out([&] { return "dna." + n + cls; }, ratio(s.dna[i], s.dna[i] + s.completed[i]));
            count("full.", s.full[i]);
        }
        if (st.patience >= 0) count("reneged.", s.reneged[i]);
    }
    for (std::size_t o = 0; o < spec_.outcomes.size(); ++o)
        out([&] { return "exits." + spec_.outcomes[o] + cls; }, static_cast<double>(s.exits[o]));
}

// Per hour of day: the mean count per day over the window.  Peak hour:
// the largest mean count in one hour of the week (Monday 08:00, say).
// Max hour: the largest count in any one clock hour.
template <class Sink>
void Simulation::emit_hourly(Sink& out, const StepSpec& st, const HourlyCounts& c) {
    const double window_hours = (spec_.horizon - spec_.warmup) * spec_.hours_per_unit;
    auto by_hour_of_day = [&](const std::vector<std::uint32_t>& bins, const char* what) {
        double day[24] = {};
        for (std::size_t k = 0; k < bins.size(); ++k) day[static_cast<std::size_t>(first_hour_ + static_cast<std::int64_t>(k)) % 24] += bins[k];
        for (int hr = 0; hr < 24; ++hr) {
            char label[8];
            std::snprintf(label, sizeof label, ".h%02d", hr);
            out([&] { return what + st.name + label; }, day[hr] / (window_hours / 24.0));
        }
    };
    by_hour_of_day(c.entered, "entered.");
    double week[168] = {};
    std::uint32_t max_hour = 0;
    for (std::size_t k = 0; k < c.entered.size(); ++k) {
        week[static_cast<std::size_t>(first_hour_ + static_cast<std::int64_t>(k)) % 168] += c.entered[k];
        max_hour = std::max(max_hour, c.entered[k]);
    }
    out([&] { return "entered." + st.name + ".peak_hour"; }, *std::max_element(week, week + 168) / (window_hours / 168.0));
    out([&] { return "entered." + st.name + ".max_hour"; }, static_cast<double>(max_hour));
    if (st.patience >= 0) by_hour_of_day(c.reneged, "reneged.");
}

void Simulation::reset_stats(PatientStats& s) {
    const std::size_t n = spec_.steps.size();
    s.arrivals = s.in_system_at_end = 0;
    const bool bins = !spec_.percentiles.empty();
    s.system_time.reset(spec_.system_time_over, bins);
    s.waits.resize(m_.n_waits);
    s.appointment_waits.resize(m_.n_appointments);
    s.batch_waits.resize(m_.n_batches);
    for (auto& t : s.batch_waits) t.reset({}, bins);
    for (std::size_t i = 0; i < n; ++i) {
        if (m_.wait_index[i] >= 0) s.waits[static_cast<std::size_t>(m_.wait_index[i])].reset(spec_.steps[i].over, bins);
        if (m_.appointment_index[i] >= 0)
            s.appointment_waits[static_cast<std::size_t>(m_.appointment_index[i])].reset(spec_.steps[i].over, bins);
    }
    s.completed.assign(n, 0);
    s.reneged.assign(n, 0);
    s.balked.assign(n, 0);
    s.dna.assign(n, 0);
    s.full.assign(n, 0);
    s.exits.assign(spec_.outcomes.size(), 0);
    s.costs.assign(spec_.cost_categories.size(), 0.0);
    s.qalys = 0.0;
}

// Counts one event at step i now, if the step is counted by hour and now
// is in the observation window.
void Simulation::count_hour(std::size_t i, bool renege) {
    if (now_ < spec_.warmup || now_ > spec_.horizon) return;
    HourlyCounts& c = ws_.hourly[static_cast<std::size_t>(m_.hourly_index[i])];
    const auto k = static_cast<std::size_t>(static_cast<std::int64_t>(std::floor(clock_.hours_since_monday(now_))) - first_hour_);
    ++(renege ? c.reneged : c.entered)[k];
}

// In the order of CompiledModel::series_names, each n_bins long.
void Simulation::write_series(double* out) {
    const std::size_t n = m_.n_bins;
    for (std::size_t k = 0; k < n; ++k) out[k] = ws_.in_system.bin_mean(k);
    out += n;
    for (auto& r : ws_.resources) {
        for (std::size_t k = 0; k < n; ++k) out[k] = r.busy_in_bin(k);
        for (std::size_t k = 0; k < n; ++k) out[n + k] = r.queue_in_bin(k);
        for (std::size_t k = 0; k < n; ++k) out[2 * n + k] = r.capacity_in_bin(k);
        out += 3 * n;
    }
    for (auto& level : ws_.occupancy) {
        for (std::size_t k = 0; k < n; ++k) out[k] = level.bin_mean(k);
        out += n;
    }
    std::copy(ws_.counts.begin(), ws_.counts.end(), out);
}

// One event now in count series `index`, if now is in the window.  An
// event at the horizon itself falls in the last bin.
void Simulation::count_event(int index) {
    if (now_ < spec_.warmup || now_ > spec_.horizon) return;
    auto k = static_cast<std::size_t>((now_ - spec_.warmup) / spec_.series_bin);
    if (k >= m_.n_bins) k = m_.n_bins - 1;
    ws_.counts[static_cast<std::size_t>(index) * m_.n_bins + k] += 1.0;
}

// A patient takes its step: its occupancy level and entry count, if kept
// (one test on the hot path for both).
void Simulation::entered_step(Patient& p) {
    if (m_.n_occupancy > 0) occupy(p);
    count_at(p, m_.count_entered, static_cast<std::size_t>(p.step));
}

// Every change of step passes through advance(), so the patient leaves
// the level of the step it was at and joins its new step's here.
void Simulation::occupy(Patient& p) {
    const int level = m_.occupancy_index[static_cast<std::size_t>(p.step)];
    if (level == p.occupying) return;
    if (p.occupying >= 0) ws_.occupancy[static_cast<std::size_t>(p.occupying)].add(now_, -1.0);
    if (level >= 0) ws_.occupancy[static_cast<std::size_t>(level)].add(now_, 1.0);
    p.occupying = level;
}

}  // namespace carepath::engine
