#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

void Simulation::schedule_arrival(std::uint32_t source, double from) {
    const SourceSpec& src = spec_.sources[source];
    // arrival events so far: patients, unless an event brings a batch (read
    // only where needed: a Poisson source's path stays as short as it was)
    const auto events = [&] { return src.batch < 0 ? std::uint64_t{ws_.arrived[source]} : ws_.events[source]; };
    double t = from;
    switch (src.kind) {
        case SourceKind::Poisson:
            t = from + arrival_draw(source);
            break;
        case SourceKind::Profile:
            t = profile_arrival(source);
            break;
        case SourceKind::Schedule:
            t = occurrence(src.schedule, events());
            break;
        case SourceKind::Cohort:
            if (static_cast<std::int64_t>(events()) >= src.count) return;
            t = 0.0;
            break;
        case SourceKind::Renewal:
            t = renewal_arrival(source, from);
            if (t < 0.0) return;  // max_arrivals reached
            break;
        case SourceKind::Replay: {
            const std::uint64_t k = events();
            if (k >= src.times.size()) return;
            t = src.times[k];
            break;
        }
        case SourceKind::Counts:
            t = counted_arrival(source);
            if (t < 0.0) return;  // the last period is done
            break;
    }
    if (t <= end_) ws_.calendar.schedule(t, source, EventType::Arrival);
}

// A counts source's next arrival: the first of the `left` uniform times
// still to come in its period is the minimum of that many uniforms on
// [last, end), drawn directly (so the times in a period, in order, are
// the order statistics of its count of uniforms, with O(1) memory).
double Simulation::counted_arrival(std::uint32_t source) {
    const SourceSpec& src = spec_.sources[source];
    Workspace::PeriodCursor& c = ws_.periods[source];
    while (c.left == 0) {
        if (c.period >= src.period_count.size()) return -1.0;
        c.left = src.period_count[c.period];
        c.last = src.period_start[c.period];
        ++c.period;
    }
    const double end = src.period_end[c.period - 1];
    const double u = ws_.arrival_streams[source].uniform();
    const double next = c.last + (end - c.last) * (1.0 - std::pow(1.0 - u, 1.0 / static_cast<double>(c.left)));
    --c.left;
    c.last = std::min(next, std::nextafter(end, c.last));
    return c.last;
}

// A renewal source's next arrival after one at `from`: the gaps are
// independent draws of its distribution from the source's arrival stream
// (SimPy's timeout(dist()) loop, simmer's generator of any law).  Returns -1
// once max_arrivals have come.
double Simulation::renewal_arrival(std::uint32_t source, double from) {
    const SourceSpec& src = spec_.sources[source];
    const auto k = static_cast<std::int64_t>(src.batch < 0 ? ws_.arrived[source] : ws_.events[source]);
    if (src.max_arrivals >= 0 && k >= src.max_arrivals) return -1.0;
    if (k == 0 && src.start_at >= 0.0) return src.start_at;
    const double gap = m_.distributions[static_cast<std::size_t>(src.interarrival)].sample(ws_.arrival_streams[source]);
    return from + (gap > 0.0 ? gap : 0.0);
}

// A compound arrival: `batch` patients at once (a Poisson number of
// referrals at 00:00), its size drawn from the source's arrival stream.
void Simulation::arrive_batch(std::uint32_t source) {
    const SourceSpec& src = spec_.sources[source];
    ++ws_.events[source];
    const double size = m_.distributions[static_cast<std::size_t>(src.batch)].sample(ws_.arrival_streams[source]);
    schedule_arrival(source, now_);
    for (double n = std::floor(size); n > 0.0; n -= 1.0) advance(new_patient(source));
}

// Attributes from data: a replayed arrival's own values, else one row of
// the source's table (a bootstrap: the row drawn first, from the patient's
// attribute stream, so that its columns stay together); the rest drawn.
void Simulation::attributes_from_data(const SourceSpec& src, std::uint32_t k, Stream& attr, double* values) {
    const std::size_t n = spec_.attributes.size();
    for (std::size_t a = 0; a < n; ++a) values[a] = std::nan("");
    if (src.table >= 0) {
        const TableSpec& t = spec_.tables[static_cast<std::size_t>(src.table)];
        const std::size_t rows = t.columns[0].size();
        const double u = attr.uniform();
        std::size_t row;
        if (t.cdf.empty()) {
            row = std::min(static_cast<std::size_t>(u * static_cast<double>(rows)), rows - 1);
        } else {
            row = static_cast<std::size_t>(std::upper_bound(t.cdf.begin(), t.cdf.end(), u) - t.cdf.begin());
            row = std::min(row, rows - 1);
        }
        for (std::size_t j = 0; j < t.columns.size(); ++j) values[t.attributes[j]] = t.columns[j][row];
    }
    for (std::size_t a = 0; a < src.replay_values.size(); ++a)
        if (!src.replay_values[a].empty()) values[a] = src.replay_values[a][k];
    for (std::size_t a = 0; a < n; ++a) {
        if (!std::isnan(values[a])) continue;
        const int own = src.attributes.empty() ? -1 : src.attributes[a];
        const int d = own >= 0 ? own : spec_.attributes[a].distribution;
        values[a] = m_.distributions[static_cast<std::size_t>(d)].sample(attr);
    }
}

// A runaway model (an arrival rate far above what the resources serve):
// stop before it takes the machine's memory, naming where patients pile up.
void Simulation::too_many_in_system() {
    std::vector<std::size_t> at(spec_.steps.size(), 0);
    ws_.pool.for_each_live([&](const Patient& p) { ++at[static_cast<std::size_t>(p.step)]; });
    const auto most = static_cast<std::size_t>(std::max_element(at.begin(), at.end()) - at.begin());
    char when[64];
    std::snprintf(when, sizeof when, "%.6g", now_);
    throw std::runtime_error(
        "more than " + std::to_string(spec_.max_in_system) + " patients in the system at time " +
        when + ", " + std::to_string(at[most]) + " of them at step '" + spec_.steps[most].name +
        "': check the arrival rates against the capacities, or raise limits.max_in_system if "
        "the model really holds that many");
}

// The next arrival of a profile source after t, exactly, by inverting its
// cumulative rate: a unit-rate exponential is spent across the
// piecewise-constant segments (calendar hours, split at the weeks of a
// season) until one holds the rest.  The same distribution as thinning,
// with one draw an arrival however peaked the profile, and O(1) for each
// hour of zero rate.  A cursor keeps the current segment and the rate
// mass left in it after the last arrival: a source's arrivals only move
// forward, each from the one before.
double Simulation::profile_arrival(std::uint32_t source) {
    ProfileCursor& c = ws_.cursors[source];
    double need = arrival_draw(source);
    while (!(need < c.left)) {
        need -= c.left;
        if (c.end > end_) return c.end;
        next_segment(c);
    }
    c.left -= need;
    return c.end - c.left * c.time_per_mass;
}

// Puts the cursor on the segment holding t (at the start of a replication).
void Simulation::first_segment(std::uint32_t source, ProfileCursor& c, double t) {
    const std::vector<double>& season = spec_.sources[source].season;
    c.week_hours = m_.week[source].data();
    c.season = season.empty() ? nullptr : season.data();
    c.season_weeks = season.size();
    const double hours = t * spec_.hours_per_unit + spec_.start_hour_of_week;
    c.hour = static_cast<std::int64_t>(std::floor(hours)) - 1;  // next_segment moves on one
    c.hour_of_week = static_cast<int>((c.hour + 168) % 168);
    c.hour_end = t;
    c.week = static_cast<std::int64_t>(std::floor(t * spec_.hours_per_unit / 168.0)) - 1;
    c.week_end = t;
    c.end = t;
    next_segment(c);
}

// Moves the cursor to the segment that starts where the current one ends:
// to the next change of rate, at an hour or a week of the season.
void Simulation::next_segment(ProfileCursor& c) {
    const double t = c.end;
    const double start = spec_.start_hour_of_week;
    // rounding can leave t on the end of the next hour or week: move past it
    while (!(c.hour_end > t)) {
        c.hour_end = (static_cast<double>(++c.hour + 1) - start) * units_per_hour_;
        if (++c.hour_of_week == 168) c.hour_of_week = 0;
    }
    const CompiledModel::WeekHour& hour = c.week_hours[c.hour_of_week];
    c.rate = hour.rate;
    c.time_per_mass = hour.time_per_mass;  // no division an arrival, nor a segment
    // hours that follow at the same rate (a night, a closed weekend) join the segment
    if (const int more = hour.run - 1; more > 0) {
        c.hour += more;
        c.hour_of_week += more;
        if (c.hour_of_week >= 168) c.hour_of_week -= 168;
        c.hour_end = (static_cast<double>(c.hour + 1) - start) * units_per_hour_;
    }
    c.end = c.hour_end;
    if (c.season != nullptr) {
        while (!(c.week_end > t)) c.week_end = 168.0 * static_cast<double>(++c.week + 1) * units_per_hour_;
        const double factor = c.season[static_cast<std::size_t>(c.week) % c.season_weeks];
        c.rate *= factor;
        c.time_per_mass /= factor;
        c.end = std::min(c.end, c.week_end);
    }
    c.left = c.rate * (c.end - t);
}

std::uint32_t Simulation::classify(const double* values) const {
    if (spec_.classes.empty()) return 0;
    std::size_t k = 0;
    for (std::size_t j = 0; j < spec_.classes.size(); ++j) {
        const ClassSpec& c = spec_.classes[j];
        const double v = values[c.attribute];
        std::size_t i = 0;
        while (i < c.values.size() && c.values[i] != v) ++i;
        if (i == c.values.size())
            throw std::runtime_error("results.by: attribute '" +
                                     spec_.attributes[static_cast<std::size_t>(c.attribute)].name + "' took the value " +
                                     std::to_string(v) + ", which is not one of its listed values");
        k += i * m_.class_strides[j];
    }
    return static_cast<std::uint32_t>(1 + k);
}

}  // namespace carepath::engine
