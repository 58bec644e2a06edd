#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

void Simulation::schedule_arrival(std::uint32_t source, double from) {
    const SourceSpec& src = spec_.sources[source];
    double t = from;
    switch (src.kind) {
        case SourceKind::Poisson:
            t = from + arrival_draw(source);
            break;
        case SourceKind::Profile:
            t = profile_arrival(source);
            break;
        case SourceKind::Schedule:
            t = occurrence(src.schedule, ws_.arrived[source]);
            break;
        case SourceKind::Cohort:
            if (static_cast<std::int64_t>(ws_.arrived[source]) >= src.count) return;
            t = 0.0;
            break;
        case SourceKind::Renewal:
            t = renewal_arrival(source, from);
            if (t < 0.0) return;  // max_arrivals reached
            break;
    }
    if (t <= end_) ws_.calendar.schedule(t, source, EventType::Arrival);
}

// A renewal source's next arrival after one at `from`: the gaps are
// independent draws of its distribution from the source's arrival stream
// (SimPy's timeout(dist()) loop, simmer's generator of any law).  Returns -1
// once max_arrivals have come.
double Simulation::renewal_arrival(std::uint32_t source, double from) {
    const SourceSpec& src = spec_.sources[source];
    const auto k = static_cast<std::int64_t>(ws_.arrived[source]);
    if (src.max_arrivals >= 0 && k >= src.max_arrivals) return -1.0;
    if (k == 0 && src.start_at >= 0.0) return src.start_at;
    const double gap = m_.distributions[static_cast<std::size_t>(src.interarrival)].sample(ws_.arrival_streams[source]);
    return from + (gap > 0.0 ? gap : 0.0);
}

void Simulation::arrive(std::uint32_t source) {
    const SourceSpec& src = spec_.sources[source];
    const std::uint32_t k = ws_.arrived[source]++;
    if (__builtin_expect(static_cast<std::int64_t>(ws_.pool.live()) >= spec_.max_in_system, 0))
        too_many_in_system();
    const std::uint32_t slot = ws_.pool.acquire();
    Patient& p = ws_.pool[slot];
    p.arrival_time = now_;
    p.backdated = false;
    if (src.waited >= 0) {  // a backlog: already waiting when the run starts
        const double waited = m_.distributions[static_cast<std::size_t>(src.waited)].sample(ws_.arrival_streams[source]);
        p.arrival_time = now_ - (waited > 0.0 ? waited : 0.0);
        p.backdated = true;
    }
    p.last_step_time = now_;
    p.steps_without_time = 0;
    p.observed = in_window(now_);
    const SourceFamilies& fam = families_[source];
    p.durations = Stream(fam.durations, k);
    p.source = source;
    p.ordinal = k;
    p.has_routing = p.has_patience = p.has_costs = false;
    p.utility = 0.0;
    p.utility_since = now_;
    p.remaining = -1.0;
    p.occupying = -1;
    p.group = -1;
    p.step = src.start;
    double* values = ws_.pool.values(slot);
    if (!spec_.attributes.empty()) {
        Stream attr(fam.attributes, k);
        for (std::size_t a = 0; a < spec_.attributes.size(); ++a) {
            const int own = src.attributes.empty() ? -1 : src.attributes[a];
            const int d = own >= 0 ? own : spec_.attributes[a].distribution;
            values[a] = m_.distributions[static_cast<std::size_t>(d)].sample(attr);
        }
    }
    values[m_.arrived_value] = p.arrival_time;
    p.klass = classify(values);
    if (m_.n_held > 0) {
        std::uint32_t* held = ws_.pool.held(slot);
        for (std::size_t i = 0; i < m_.n_held; ++i) held[i] = 0;
    }
    record(p, [](PatientStats& s) { ++s.arrivals; });
    if (p.observed) ++ws_.observed_arrivals[source];
    log_event(p, LogEvent::Arrive);
    ws_.in_system.add(now_, 1.0);
    schedule_arrival(source, now_);
    advance(slot);
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
