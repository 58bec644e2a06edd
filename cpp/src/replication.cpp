#include "carepath/replication.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "carepath/economics.hpp"
#include "carepath/schedule.hpp"

namespace carepath {
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

// The pathway interpreter for one replication.  Kept as a class so the hot
// loop's state lives in members, not in a capture of many references.
class Simulation final : public StateView {
public:
    Simulation(const CompiledModel& m, std::uint64_t seed, std::uint32_t replication, Workspace& ws)
        : m_(m),
          spec_(m.spec),
          clock_(m.spec.hours_per_unit, m.spec.start_hour_of_week),
          seed_(seed),
          replication_(replication),
          ws_(ws),
          cost_discount_(m.spec.discount_costs, m.spec.hours_per_unit, m.spec.warmup),
          qaly_discount_(m.spec.discount_qalys, m.spec.hours_per_unit, m.spec.warmup) {}

    bool run(double* row, const std::atomic<bool>& stop, double* series = nullptr, EventLog* log = nullptr) {
        reset();
        log_ = log;
        if (log_ != nullptr) log_->reset(spec_.event_log_cap);
        std::uint64_t events = 0;
        while (!ws_.calendar.empty()) {
            const Event ev = ws_.calendar.pop();
            if (ev.time > end_) break;
            now_ = ev.time;
            const EventType type = ev.type();
            if (type == EventType::Arrival) {
                arrive(ev.target);
            } else if (type == EventType::CapacityChange) {
                change_capacity(ev.target);
            } else if (type == EventType::BatchTimeout) {
                batch_timeout(ev.target, ev.token());
            } else {
                Patient& p = ws_.pool[ev.target];
                // Overtaken by another of its events: skip.  Otherwise the
                // patient moves on, and its other pending events go stale.
                if ((p.token & kTokenMask) != ev.token()) continue;
                ++p.token;
                switch (type) {
                    case EventType::ServiceEnd:
                        end_service(ev.target);
                        break;
                    case EventType::DelayEnd:
                        record(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
                        log_event(p, LogEvent::Complete);
                        p.step = step(p.step).next;
                        advance(ev.target);
                        break;
                    case EventType::Wake:
                        advance(ev.target);
                        break;
                    case EventType::Renege:
                        renege(ev.target);
                        break;
                    case EventType::Appointment:
                        attend(ev.target);
                        break;
                    default:
                        break;
                }
            }
            if ((++events & 0x3FFu) == 0) {
                if (stop.load(std::memory_order_relaxed)) return false;
                if (spec_.max_events > 0 && events > spec_.max_events) too_many_events(events);
            }
        }
        if (spec_.economics) close_accounts();
        RowSink sink{row};
        emit(sink);
        if (series != nullptr) write_series(series);
        return true;
    }

    // Writes (or names) the metrics.  The single place that fixes their order.
    template <class Sink>
    void emit(Sink& out) {
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
    void emit_levels(Sink& out, const std::string& prefix, TimeWeighted& level) {
        const std::size_t top = level.top();
        for (std::size_t k = 0; k <= top; ++k)
            out([&] { return prefix + ".share_" + std::to_string(k); }, level.level_share(k));
        if (spec_.audit_interval > 0.0)
            for (std::size_t k = 0; k <= top; ++k)
                out([&] { return prefix + ".audit_" + std::to_string(k); }, level.audit_share(k));
    }

    void reset() {
        const double w = spec_.warmup, h = spec_.horizon;
        ws_.calendar.clear();
        ws_.pool.reset(m_.n_values, m_.n_held);
        ws_.resources.resize(spec_.resources.size());
        ws_.next_shift_change.assign(spec_.resources.size(), 0);
        for (std::size_t r = 0; r < spec_.resources.size(); ++r) {
            const ResourceSpec& rs = spec_.resources[r];
            const bool scheduled = !rs.shift_changes.offsets.empty();
            ws_.resources[r].reset(rs.capacity, m_.resource_fifo[r], m_.resource_tracks[r], scheduled, w, h);
            if (scheduled) {
                const std::uint64_t k = first_after(rs.shift_changes, 0.0);
                ws_.next_shift_change[r] = k;
                const double t = occurrence(rs.shift_changes, k);
                if (t <= end_) ws_.calendar.schedule(t, static_cast<std::uint32_t>(r), EventType::CapacityChange);
            }
        }
        ws_.books.resize(spec_.books.size());
        for (std::size_t b = 0; b < spec_.books.size(); ++b) ws_.books[b].reset(spec_.books[b]);
        ws_.slots_used.assign(spec_.books.size(), 0);
        ws_.slots_wasted.assign(spec_.books.size(), 0);
        first_hour_ = static_cast<std::int64_t>(std::floor(clock_.hours_since_monday(w)));
        const auto n_hours = static_cast<std::size_t>(std::floor(clock_.hours_since_monday(h))) -
                             static_cast<std::size_t>(first_hour_) + 1;
        ws_.hourly.resize(m_.n_hourly);
        for (auto& c : ws_.hourly) {
            c.entered.assign(n_hours, 0);
            c.reneged.assign(n_hours, 0);
        }
        ws_.stats.resize(m_.class_labels.size());
        for (auto& s : ws_.stats) reset_stats(s);
        ws_.in_system.reset(w, h);
        ws_.occupancy.resize(m_.n_occupancy);
        for (auto& level : ws_.occupancy) level.reset(w, h);
        if (m_.n_bins > 0) {
            ws_.in_system.use_bins(spec_.series_bin, m_.n_bins);
            for (auto& r : ws_.resources) r.use_bins(spec_.series_bin, m_.n_bins);
            for (auto& level : ws_.occupancy) level.use_bins(spec_.series_bin, m_.n_bins);
        }
        if (spec_.distribution_top > 0) {
            const auto top = static_cast<std::size_t>(spec_.distribution_top);
            for (auto& r : ws_.resources) r.use_levels(top, spec_.audit_interval);
            for (auto& level : ws_.occupancy) level.use_levels(top, spec_.audit_interval);
        }
        ws_.arrived.assign(spec_.sources.size(), 0);
        ws_.observed_arrivals.assign(spec_.sources.size(), 0);
        ws_.arrival_streams.clear();
        ws_.cursors.assign(spec_.sources.size(), ProfileCursor{});
        ws_.turns.assign(spec_.steps.size(), 0);
        ws_.forming.resize(m_.n_batches);
        for (auto& f : ws_.forming) {
            f.members.clear();
            f.generation = 0;
            f.groups = f.patients = 0;
        }
        ws_.groups.clear();
        ws_.free_groups.clear();
        families_.clear();
        for (std::uint32_t s = 0; s < spec_.sources.size(); ++s) {
            ws_.arrival_streams.emplace_back(seed_, replication_, Purpose::Arrivals, s, 0);
            families_.push_back({stream_family(seed_, replication_, Purpose::Attributes, s),
                                 stream_family(seed_, replication_, Purpose::Durations, s),
                                 stream_family(seed_, replication_, Purpose::Routing, s),
                                 stream_family(seed_, replication_, Purpose::Patience, s),
                                 stream_family(seed_, replication_, Purpose::Costs, s)});
            if (draws_ahead(spec_.sources[s])) families_.back().arrival_ahead = fresh_arrival_draw(s);
            if (spec_.sources[s].kind == SourceKind::Profile) first_segment(s, ws_.cursors[s], 0.0);
            schedule_arrival(s, 0.0);
        }
    }

private:
    const StepSpec& step(int i) const { return spec_.steps[static_cast<std::size_t>(i)]; }
    // Whether time t is in the observation window, where outcomes count.
    bool in_window(double t) const { return t >= spec_.warmup && t <= spec_.horizon; }
    Resource& resource(int i) { return ws_.resources[static_cast<std::size_t>(i)]; }

    void reset_stats(PatientStats& s) {
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

    // Applies f to the stats of everyone and of p's class, if p is observed.
    template <class F>
    void record(const Patient& p, F&& f) {
        if (!p.observed) return;
        f(ws_.stats[0]);
        if (p.klass != 0) f(ws_.stats[p.klass]);
    }

    double eval(int expression, std::uint32_t slot) {
        double* values = ws_.pool.values(slot);
        values[m_.now_value] = now_;
        return m_.expressions[static_cast<std::size_t>(expression)].eval(values, this);
    }

    // What expressions read of the service (queue("r"), hour, ...), now.
    double state(StateKind kind, int index) const override {
        const auto i = static_cast<std::size_t>(index);
        switch (kind) {
            case StateKind::Queue: return static_cast<double>(ws_.resources[i].waiting());
            case StateKind::Busy: return ws_.resources[i].busy();
            case StateKind::Capacity: return ws_.resources[i].capacity();
            case StateKind::Free: return std::max(0, ws_.resources[i].capacity() - ws_.resources[i].busy());
            case StateKind::InSystem: return static_cast<double>(ws_.pool.live());
            case StateKind::Occupancy:
                return ws_.occupancy[static_cast<std::size_t>(m_.occupancy_index[i])].level();
            case StateKind::Hour: {
                const double h = clock_.hours_since_monday(now_);
                return h - 24.0 * std::floor(h / 24.0);
            }
            case StateKind::Weekday: return clock_.weekday(now_);
            case StateKind::Day: return std::floor(clock_.days(now_));
        }
        return std::nan("");
    }

    Stream& routing(Patient& p) {
        if (!p.has_routing) {
            p.routing = Stream(families_[p.source].routing, p.ordinal);
            p.has_routing = true;
        }
        return p.routing;
    }

    double patience(Patient& p, int dist) {
        if (!p.has_patience) {
            p.patience = Stream(families_[p.source].patience, p.ordinal);
            p.has_patience = true;
        }
        const double d = m_.distributions[static_cast<std::size_t>(dist)].sample(p.patience);
        return d > 0.0 ? d : 0.0;
    }

    // The draw behind a source's next arrival (a Poisson source's gap, a
    // profile's unit of rate mass) is made an arrival ahead: placing an
    // arrival in the calendar then does not wait on the logarithm, which the
    // processor would otherwise do with the heap's sift in flight (10% of
    // M/M/5's time).  A source with a backlog draws its patients' waits from
    // the same stream, in turn, so it draws when asked.
    static bool draws_ahead(const SourceSpec& src) {
        return src.waited < 0 && (src.kind == SourceKind::Poisson || src.kind == SourceKind::Profile);
    }
    double fresh_arrival_draw(std::uint32_t source) {
        const SourceSpec& src = spec_.sources[source];
        const double e = ws_.arrival_streams[source].exponential();
        return src.kind == SourceKind::Poisson ? e / src.rate : e;
    }
    double arrival_draw(std::uint32_t source) {
        if (!draws_ahead(spec_.sources[source])) return fresh_arrival_draw(source);
        double& ahead = families_[source].arrival_ahead;
        const double e = ahead;
        ahead = fresh_arrival_draw(source);
        return e;
    }

    void schedule_arrival(std::uint32_t source, double from) {
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
        }
        if (t <= end_) ws_.calendar.schedule(t, source, EventType::Arrival);
    }

    void arrive(std::uint32_t source) {
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
    [[gnu::noinline, noreturn]] void too_many_in_system() {
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
    double profile_arrival(std::uint32_t source) {
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
    void first_segment(std::uint32_t source, ProfileCursor& c, double t) {
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
    void next_segment(ProfileCursor& c) {
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

    [[gnu::noinline, noreturn]] void too_many_events(std::uint64_t events) const {
        char when[64];
        std::snprintf(when, sizeof when, "%.6g", now_);
        throw std::runtime_error("more than " + std::to_string(spec_.max_events) +
                                 " events in a replication (" + std::to_string(events) +
                                 " by time " + when +
                                 "): raise limits.max_events if the model really needs them");
    }

    std::uint32_t classify(const double* values) const {
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

    [[gnu::noinline]] double until_next(const Cycle& c) const { return occurrence(c, first_after(c, now_)) - now_; }

    double duration(int dist, Patient& p) {
        const double d = m_.distributions[static_cast<std::size_t>(dist)].sample(p.durations);
        return d > 0.0 ? d : 0.0;  // durations below zero (a normal's tail) count as zero
    }

    // A service or delay: its distribution's draw, times the step's `scale`
    // expression if it has one (a per-patient hazard or length of stay).
    double step_duration(const StepSpec& st, std::uint32_t slot) {
        const double d = duration(st.duration, ws_.pool[slot]);
        return st.scale < 0 ? d : d * scale_factor(st, slot);
    }

    [[gnu::noinline]] double scale_factor(const StepSpec& st, std::uint32_t slot) {
        const double f = eval(st.scale, slot);
        if (!(f >= 0.0) || !std::isfinite(f))
            throw std::runtime_error("pathway." + st.name + ".scale: must be >= 0 and finite, got " + std::to_string(f));
        return f;
    }

    // p takes a server of r at its current (seize) step.  A hold keeps it
    // until a release; otherwise its service ends by itself.
    void begin(std::uint32_t slot, Resource& r) {
        Patient& p = ws_.pool[slot];
        const StepSpec& st = step(p.step);
        r.start_service(now_);
        const bool resumed = p.remaining >= 0.0;
        if (!resumed) {
            const double wait = now_ - p.queue_since;
            record(p, [&](PatientStats& s) { s.waits[static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(p.step)])].add(wait); });
            if (p.group >= 0) group_waited(p, wait);
        }
        if (!resumed) log_event(p, LogEvent::Start, p.at);
        if (st.as_attribute >= 0) record_choice(slot, st);
        if (st.duration < 0) {
            log_event(p, LogEvent::Complete, p.at);  // a hold is granted: the patient goes on
            ++ws_.pool.held(slot)[m_.held_index[static_cast<std::size_t>(p.at)]];
            // the first half of the hold's charge; release or exit adds the other
            if (spec_.economics) charge_hold(p, static_cast<std::size_t>(p.at), -1.0);
            return;
        }
        const double d = resumed ? p.remaining : step_duration(st, slot);
        if (!resumed) p.service_total = d;
        if (!resumed && spec_.economics) charge_service(p, static_cast<std::size_t>(p.at), d);
        p.remaining = -1.0;
        p.service_end = now_ + d;
        if (r.tracks_service()) r.add_in_service(InService{p.priority, p.queue_seq, slot});
        ws_.calendar.schedule(p.service_end, slot, EventType::ServiceEnd, p.token);
    }

    // begin() at a plain seize (CompiledModel::plain_seize), without the
    // checks for what such a step cannot have: the same draws in the same order.
    void begin_plain(std::uint32_t slot, Patient& p, const StepSpec& st, Resource& r) {
        r.start_service(now_);
        const double wait = now_ - p.queue_since;
        record(p, [&](PatientStats& s) { s.waits[static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(p.step)])].add(wait); });
        if (p.group >= 0) group_waited(p, wait);
        log_event(p, LogEvent::Start, p.at);
        const double d = duration(st.duration, p);
        p.service_total = d;
        if (spec_.economics) charge_service(p, static_cast<std::size_t>(p.at), d);
        p.service_end = now_ + d;
        ws_.calendar.schedule(p.service_end, slot, EventType::ServiceEnd, p.token);
    }

    // Starts queued patients while r has free servers.
    void serve_queue(Resource& r) {
        while (r.can_start_waiting()) {
            const QueueEntry e = r.pop_front();
            Patient& q = ws_.pool[e.patient];
            if (q.token != e.token) continue;  // it left the queue
            r.left_queue(now_);
            ++q.token;  // its patience timer is overtaken, and its places in other queues
            const StepSpec& st = step(q.step);
            if (m_.plain_seize[static_cast<std::size_t>(q.step)]) {
                begin_plain(e.patient, q, st, r);
                continue;
            }
            if (q.at < 0) leave_other_queues(q, r);
            begin(e.patient, r);
            if (st.duration < 0) {  // a hold: it goes on with its pathway, as a new event
                q.step = st.next;
                ws_.calendar.schedule(now_, e.patient, EventType::Wake, q.token);
            }
        }
    }

    // Takes p out of service at r and puts it back in the queue with the
    // service it has left (or all of it, for a restart).
    void interrupt(const InService& victim, Resource& r, Preempt mode) {
        Patient& q = ws_.pool[victim.patient];
        ++q.token;  // its service end is overtaken
        q.remaining = mode == Preempt::Restart ? q.service_total : q.service_end - now_;
        r.remove_in_service(victim.patient);
        r.end_service(now_);
        r.enqueue(now_, QueueEntry{q.priority, q.tiebreak, q.queue_seq, victim.patient, q.token});
    }

    void end_service(std::uint32_t slot) {
        Patient& p = ws_.pool[slot];
        const StepSpec& st = step(p.step);
        Resource& r = resource(p.at);
        r.end_service(now_);
        if (r.tracks_service()) r.remove_in_service(slot);
        record(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
        log_event(p, LogEvent::Complete, p.at);
        if (p.group >= 0) end_session(p, st);
        p.step = st.next;
        serve_queue(r);
        advance(slot);
    }

    void change_capacity(std::uint32_t index) {
        const ResourceSpec& rs = spec_.resources[index];
        Resource& r = ws_.resources[index];
        std::uint64_t& k = ws_.next_shift_change[index];
        r.set_capacity(now_, rs.shift_capacity[k % rs.shift_capacity.size()]);
        if (rs.interrupt_at_shift_end) {
            InService victim{};
            while (r.busy() > r.capacity() && r.last_in_service(victim))
                interrupt(victim, r, rs.preempt == Preempt::Restart ? Preempt::Restart : Preempt::Resume);
        }
        serve_queue(r);
        const double t = occurrence(rs.shift_changes, ++k);
        if (t <= end_) ws_.calendar.schedule(t, index, EventType::CapacityChange);
    }

    void renege(std::uint32_t slot) {
        Patient& p = ws_.pool[slot];
        const StepSpec& st = step(p.step);
        if (st.kind == StepKind::Seize) {
            if (p.at >= 0) {
                resource(p.at).left_queue(now_);
            } else {  // waiting in every queue of its list
                for (int r : st.resources) resource(r).left_queue(now_);
            }
        }
        if (st.kind == StepKind::Book)
            ws_.books[static_cast<std::size_t>(st.book)].free(BookedSlot{p.slot_type, p.slot, p.slot_time});
        record(p, [&](PatientStats& s) { ++s.reneged[static_cast<std::size_t>(p.step)]; });
        log_event(p, LogEvent::Renege, st.kind == StepKind::Seize ? p.at : -1);
        if (st.hourly) count_hour(static_cast<std::size_t>(p.step), true);
        p.step = st.on_renege;
        advance(slot);
    }

    void attend(std::uint32_t slot) {
        Patient& p = ws_.pool[slot];
        const StepSpec& st = step(p.step);
        const bool dna = st.dna >= 0 && routing(p).uniform() < eval(st.dna, slot);
        if (in_window(p.slot_time)) ++(dna ? ws_.slots_wasted : ws_.slots_used)[static_cast<std::size_t>(st.book)];
        const BookSpec& bs = spec_.books[static_cast<std::size_t>(st.book)];
        if (bs.cost_per_slot != 0.0) charge(p, bs.cost_category, bs.cost_per_slot * cost_discount_.factor(now_));
        const auto i = static_cast<std::size_t>(p.step);
        record(p, [&](PatientStats& s) { ++(dna ? s.dna[i] : s.completed[i]); });
        if (dna) {
            log_event(p, LogEvent::Dna);
        } else {
            log_event(p, LogEvent::Start);
            log_event(p, LogEvent::Complete);
        }
        p.step = dna ? st.on_dna : st.next;
        advance(slot);
    }

    // The seize step: returns true if the patient goes on at once (a hold
    // granted, or balked), false if it now waits.
    bool seize(std::uint32_t slot, const StepSpec& st) {
        Patient& p = ws_.pool[slot];
        p.queue_since = p.backdated ? p.arrival_time : now_;
        p.backdated = false;
        p.remaining = -1.0;
        if (m_.plain_seize[static_cast<std::size_t>(p.step)]) {  // the patient starts, or joins a FIFO queue
            p.at = st.resource;
            Resource& r = resource(st.resource);
            if (r.has_free_server()) {
                begin_plain(slot, p, st, r);
            } else {
                log_event(p, LogEvent::Schedule, p.at);
                r.enqueue(now_, QueueEntry{0.0, 0.0, 0, slot, p.token});
            }
            return false;
        }
        if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
        p.at = st.resources.empty() ? st.resource : choose(slot, st);
        if (p.at < 0) return wait_for_any(slot, st);
        Resource& r = resource(p.at);
        if (!m_.resource_fifo[static_cast<std::size_t>(p.at)]) order(slot, st, r);
        if (!r.has_free_server()) return wait_for(slot, st, r);
        return take_server(slot, st, r);
    }

    // A seize from a list: the resource to use or queue for, or -1 to wait
    // in every queue of the list (first_free when none is free).
    [[gnu::noinline]] int choose(std::uint32_t slot, const StepSpec& st) {
        const auto& list = st.resources;
        const auto choice = static_cast<Choice>(st.choose);
        if (choice == Choice::FirstFree || choice == Choice::ShortestQueue) {
            for (int r : list)
                if (resource(r).has_free_server()) return r;
            if (choice == Choice::FirstFree) return -1;
            int best = list[0];
            for (int r : list)
                if (resource(r).waiting() < resource(best).waiting()) best = r;
            return best;
        }
        if (choice == Choice::RoundRobin)
            return list[ws_.turns[static_cast<std::size_t>(ws_.pool[slot].step)]++ % list.size()];
        const auto k = static_cast<std::size_t>(routing(ws_.pool[slot]).uniform() * static_cast<double>(list.size()));
        return list[std::min(k, list.size() - 1)];
    }

    // first_free with every server busy: wait in every queue of the list;
    // the first server to free takes the patient, whose places in the other
    // queues then go stale (its token moves on).
    [[gnu::noinline]] bool wait_for_any(std::uint32_t slot, const StepSpec& st) {
        Patient& p = ws_.pool[slot];
        rank(slot, st);
        if (st.max_queue >= 0) {
            std::size_t shortest = resource(st.resources[0]).waiting();
            for (int r : st.resources) shortest = std::min(shortest, resource(r).waiting());
            if (shortest >= static_cast<std::size_t>(st.max_queue)) {
                record(p, [&](PatientStats& s) { ++s.balked[static_cast<std::size_t>(p.step)]; });
                log_event(p, LogEvent::Balk, -1);
                p.step = st.on_balk;
                return true;
            }
        }
        log_event(p, LogEvent::Schedule, -1);
        for (int r : st.resources) {
            Resource& q = resource(r);
            q.enqueue(now_, QueueEntry{p.priority, p.tiebreak, q.next_seq(), slot, p.token});
        }
        if (st.patience >= 0)
            ws_.calendar.schedule(now_ + patience(p, st.patience), slot, EventType::Renege, p.token);
        return false;
    }

    // A patient waiting in every queue of its list is taken by r: it leaves the others.
    [[gnu::noinline]] void leave_other_queues(Patient& q, Resource& r) {
        const int taken = static_cast<int>(&r - ws_.resources.data());
        for (int other : step(q.step).resources)
            if (other != taken) resource(other).left_queue(now_);
        q.at = taken;
    }

    // `as:` records which of the list the patient got (its position, from 0).
    [[gnu::noinline]] void record_choice(std::uint32_t slot, const StepSpec& st) {
        const Patient& p = ws_.pool[slot];
        const auto it = std::find(st.resources.begin(), st.resources.end(), p.at);
        ws_.pool.values(slot)[st.as_attribute] = static_cast<double>(it - st.resources.begin());
    }

    // p starts at r now: a service ends by itself (false: p waits for it); a
    // hold lets p go on at once (true).
    bool take_server(std::uint32_t slot, const StepSpec& st, Resource& r) {
        begin(slot, r);
        if (st.duration >= 0) return false;
        ws_.pool[slot].step = st.next;
        return true;
    }

    // Where p goes in an ordered queue.
    [[gnu::noinline]] void order(std::uint32_t slot, const StepSpec& st, Resource& r) {
        ws_.pool[slot].queue_seq = r.next_seq();
        rank(slot, st);
    }

    // The patient's priority and tie-break in the queues of this step.
    void rank(std::uint32_t slot, const StepSpec& st) {
        Patient& p = ws_.pool[slot];
        p.priority = st.priority < 0 ? 0.0 : eval(st.priority, slot);
        p.tiebreak = !st.longest_wait ? 0.0
                     : st.waiting_since < 0 ? p.arrival_time
                                            : ws_.pool.values(slot)[st.waiting_since];
    }

    // No free server: preempt, balk or join the queue (with a patience timer).
    [[gnu::noinline]] bool wait_for(std::uint32_t slot, const StepSpec& st, Resource& r) {
        Patient& p = ws_.pool[slot];
        const ResourceSpec& rs = spec_.resources[static_cast<std::size_t>(p.at)];
        if (rs.preempt != Preempt::None && r.busy() <= r.capacity() && r.capacity() > 0) {
            // Waiting patients never outrank those in service, so one who
            // outranks the last in service goes ahead of the queue too.
            InService victim{};
            if (r.last_in_service(victim) && victim.priority > p.priority) {
                interrupt(victim, r, rs.preempt);
                return take_server(slot, st, r);
            }
        }
        if (st.max_queue >= 0 && r.waiting() >= static_cast<std::size_t>(st.max_queue)) {
            record(p, [&](PatientStats& s) { ++s.balked[static_cast<std::size_t>(p.step)]; });
            log_event(p, LogEvent::Balk, p.at);
            p.step = st.on_balk;
            return true;
        }
        log_event(p, LogEvent::Schedule, p.at);
        r.enqueue(now_, QueueEntry{p.priority, p.tiebreak, p.queue_seq, slot, p.token});
        if (st.patience >= 0)
            ws_.calendar.schedule(now_ + patience(p, st.patience), slot, EventType::Renege, p.token);
        return false;
    }

    // The less common steps, out of line to keep advance() small.  Returns
    // true if the patient goes on at once, false if it now waits.
    [[gnu::noinline]] bool other_step(std::uint32_t slot, const StepSpec& st) {
        Patient& p = ws_.pool[slot];
        switch (st.kind) {
            case StepKind::Book: {
                if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
                BookedSlot b;
                const double earliest = st.not_before >= 0 ? now_ + duration(st.not_before, p) : now_;
                if (!ws_.books[static_cast<std::size_t>(st.book)].take(now_, earliest, st.slot_types, clock_, b)) {
                    record(p, [&](PatientStats& s) { ++s.full[static_cast<std::size_t>(p.step)]; });
                    log_event(p, LogEvent::Full);
                    p.step = st.on_full;
                    return true;
                }
                p.slot_type = b.type;
                p.slot = b.occurrence;
                p.slot_time = b.time;
                const double days = clock_.days(b.time - now_);
                const auto i = static_cast<std::size_t>(m_.appointment_index[static_cast<std::size_t>(p.step)]);
                record(p, [&](PatientStats& s) { s.appointment_waits[i].add(days); });
                ws_.calendar.schedule(b.time, slot, EventType::Appointment, p.token);
                log_event(p, LogEvent::Schedule);
                if (st.patience >= 0) {
                    const double t = now_ + patience(p, st.patience);
                    if (t < b.time) ws_.calendar.schedule(t, slot, EventType::Renege, p.token);
                }
                return false;
            }
            case StepKind::Release: {
                std::uint32_t& held = ws_.pool.held(slot)[m_.held_index[static_cast<std::size_t>(st.resource)]];
                if (held == 0)
                    throw std::runtime_error("pathway." + st.name + ": releases '" +
                                             spec_.resources[static_cast<std::size_t>(st.resource)].name +
                                             "', which the patient does not hold");
                --held;
                if (spec_.economics) charge_hold(p, static_cast<std::size_t>(st.resource), 1.0);
                Resource& r = resource(st.resource);
                r.end_service(now_);
                record(p, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(p.step)]; });
                p.step = st.next;
                serve_queue(r);
                return true;
            }
            case StepKind::Set:
                for (std::size_t j = 0; j < st.set_attributes.size(); ++j)
                    ws_.pool.values(slot)[st.set_attributes[j]] = eval(st.set_expressions[j], slot);
                p.step = st.next;
                return true;
            case StepKind::Goto:
                p.step = st.next;
                return true;
            case StepKind::Cost: {
                if (!p.has_costs) {
                    p.costs = Stream(families_[p.source].costs, p.ordinal);
                    p.has_costs = true;
                }
                const double amount = m_.distributions[static_cast<std::size_t>(st.duration)].sample(p.costs);
                charge(p, st.cost_category, amount * cost_discount_.factor(now_));
                p.step = st.next;
                return true;
            }
            case StepKind::Utility:
                accrue_qalys(p, now_);
                p.utility = eval(st.utility, slot);
                p.step = st.next;
                return true;
            default:
                return false;
        }
    }

    // Runs the patient through zero-time steps until it waits for something.
    void advance(std::uint32_t slot) {
        for (;;) {
            Patient& p = ws_.pool[slot];
            // Counts the steps taken at one instant, without a branch on
            // whether time passed: that alternates from event to event.
            p.steps_without_time = now_ > p.last_step_time ? 0 : p.steps_without_time + 1;
            p.last_step_time = now_;
            if (__builtin_expect(p.steps_without_time > spec_.max_steps_without_time, 0)) loops_without_time(p);
            if (m_.n_occupancy > 0) occupy(p);
            const StepSpec& st = step(p.step);
            switch (st.kind) {
                case StepKind::Seize:
                    if (seize(slot, st)) continue;
                    return;
                case StepKind::Batch:
                    if (join_batch(slot, st)) continue;
                    return;
                case StepKind::Delay: {
                    if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
                    const double d = st.duration >= 0 ? step_duration(st, slot) : until_next(st.until);
                    log_event(p, LogEvent::Start);
                    ws_.calendar.schedule(now_ + d, slot, EventType::DelayEnd, p.token);
                    if (st.patience >= 0) {
                        const double t = patience(p, st.patience);
                        if (t < d) ws_.calendar.schedule(now_ + t, slot, EventType::Renege, p.token);
                    }
                    return;
                }
                case StepKind::Book:
                case StepKind::Release:
                case StepKind::Set:
                case StepKind::Goto:
                case StepKind::Cost:
                case StepKind::Utility:
                    if (other_step(slot, st)) continue;
                    return;
                case StepKind::BranchChance: {
                    if (!st.weight_expressions.empty()) {
                        p.step = st.targets[weighted_choice(slot, st)];
                        continue;
                    }
                    const auto& cdf = m_.branch_cdf[static_cast<std::size_t>(p.step)];
                    const double u = routing(p).uniform();
                    std::size_t j = 0;
                    while (u >= cdf[j]) ++j;
                    p.step = st.targets[j];
                    continue;
                }
                case StepKind::BranchWhen: {
                    std::size_t j = 0;
                    for (; j + 1 < st.targets.size(); ++j)
                        if (eval(st.conditions[j], slot) != 0.0) break;
                    p.step = st.targets[j];
                    continue;
                }
                case StepKind::Exit:
                    exit(slot, st);
                    return;
            }
        }
    }

    [[gnu::noinline, noreturn]] void loops_without_time(const Patient& p) const {
        throw std::runtime_error("pathway." + step(p.step).name + ": a patient took more than " +
                                 std::to_string(spec_.max_steps_without_time) +
                                 " steps without simulated time passing; the pathway loops without a delay or service");
    }

    // A batch step: the patient joins the group forming there.  Returns true
    // if it goes on at once (it completed the group and leads it).
    [[gnu::noinline]] bool join_batch(std::uint32_t slot, const StepSpec& st) {
        Patient& p = ws_.pool[slot];
        Workspace::Forming& f = ws_.forming[static_cast<std::size_t>(m_.batch_index[static_cast<std::size_t>(p.step)])];
        p.queue_since = now_;
        log_event(p, LogEvent::Schedule);
        f.members.push_back(slot);
        if (f.members.size() == 1 && st.batch_timeout >= 0.0 && st.batch_size > 1)
            ws_.calendar.schedule(now_ + st.batch_timeout, static_cast<std::uint32_t>(p.step), EventType::BatchTimeout,
                                  f.generation & kTokenMask);
        if (f.members.size() < static_cast<std::size_t>(st.batch_size)) return false;
        return form_group(p.step, slot);
    }

    void batch_timeout(std::uint32_t i, std::uint32_t token) {
        Workspace::Forming& f = ws_.forming[static_cast<std::size_t>(m_.batch_index[i])];
        if ((f.generation & kTokenMask) != token || f.members.empty()) return;
        form_group(static_cast<int>(i), UINT32_MAX);
    }

    // The group forming at batch step i goes on: its first member leads it
    // through the session (the next step), the others follow.  Returns true
    // if `current` (a patient being advanced) leads it.
    bool form_group(int i, std::uint32_t current) {
        const StepSpec& st = step(i);
        const auto b = static_cast<std::size_t>(m_.batch_index[static_cast<std::size_t>(i)]);
        Workspace::Forming& f = ws_.forming[b];
        ++f.generation;  // its timeout, if pending, is overtaken
        std::vector<std::uint32_t> members;
        members.swap(f.members);
        if (in_window(now_)) {
            ++f.groups;
            f.patients += members.size();
        }
        for (std::uint32_t m : members) {
            Patient& q = ws_.pool[m];
            const double waited = now_ - q.queue_since;
            record(q, [&](PatientStats& s) {
                s.batch_waits[b].add(waited);
                ++s.completed[static_cast<std::size_t>(i)];
            });
            log_event(q, LogEvent::Start);
            q.step = st.next;
            if (m_.n_occupancy > 0) occupy(q);
        }
        const std::uint32_t leader = members.front();
        if (members.size() > 1) {
            std::uint32_t g;
            if (ws_.free_groups.empty()) {
                g = static_cast<std::uint32_t>(ws_.groups.size());
                ws_.groups.emplace_back();
            } else {
                g = ws_.free_groups.back();
                ws_.free_groups.pop_back();
            }
            ws_.groups[g].assign(members.begin() + 1, members.end());
            ws_.pool[leader].group = static_cast<std::int32_t>(g);
        }
        f.members.swap(members);  // keep the capacity for the next group
        f.members.clear();
        if (leader == current) return true;
        ws_.calendar.schedule(now_, leader, EventType::Wake, ws_.pool[leader].token);
        return false;
    }

    // The group's session started after `wait`: each follower waited as long.
    [[gnu::noinline]] void group_waited(const Patient& leader, double wait) {
        const auto w = static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(leader.step)]);
        for (std::uint32_t m : ws_.groups[static_cast<std::size_t>(leader.group)])
            record(ws_.pool[m], [&](PatientStats& s) { s.waits[w].add(wait); });
    }

    // The session is over: the followers go on, one by one after the leader.
    [[gnu::noinline]] void end_session(Patient& leader, const StepSpec& st) {
        const auto g = static_cast<std::size_t>(leader.group);
        for (std::uint32_t m : ws_.groups[g]) {
            Patient& q = ws_.pool[m];
            record(q, [&](PatientStats& s) { ++s.completed[static_cast<std::size_t>(q.step)]; });
            log_event(q, LogEvent::Complete, leader.at);
            q.step = st.next;
            ws_.calendar.schedule(now_, m, EventType::Wake, q.token);
        }
        ws_.groups[g].clear();
        ws_.free_groups.push_back(static_cast<std::uint32_t>(g));
        leader.group = -1;
    }

    // A chance branch whose weights are expressions: evaluated for the
    // patient now, normalised.
    [[gnu::noinline]] std::size_t weighted_choice(std::uint32_t slot, const StepSpec& st) {
        double total = 0.0;
        weights_.resize(st.weight_expressions.size());
        for (std::size_t j = 0; j < weights_.size(); ++j) {
            const double w = eval(st.weight_expressions[j], slot);
            if (!(w >= 0.0) || !std::isfinite(w))
                throw std::runtime_error("pathway." + st.name + ".branch[" + std::to_string(j) +
                                         "].p: a weight must be a finite number >= 0, got " + std::to_string(w));
            total += w;
            weights_[j] = total;
        }
        if (!(total > 0.0))
            throw std::runtime_error("pathway." + st.name + ": every arm's p is 0 for a patient at time " +
                                     std::to_string(now_));
        const double u = routing(ws_.pool[slot]).uniform() * total;
        std::size_t j = 0;
        while (j + 1 < weights_.size() && u >= weights_[j]) ++j;
        return j;
    }

    void exit(std::uint32_t slot, const StepSpec& st) {
        Patient& p = ws_.pool[slot];
        const double time_in_system = now_ - p.arrival_time;
        record(p, [&](PatientStats& s) {
            s.system_time.add(time_in_system);
            ++s.exits[static_cast<std::size_t>(st.outcome)];
        });
        log_event(p, LogEvent::Exit);
        ws_.in_system.add(now_, -1.0);
        if (spec_.economics) accrue_qalys(p, now_);
        if (m_.n_held > 0) {  // whatever it still holds is given back
            for (std::size_t r = 0; r < spec_.resources.size(); ++r) {
                const int h = m_.held_index[r];
                if (h < 0) continue;
                std::uint32_t& held = ws_.pool.held(slot)[h];
                if (held == 0) continue;
                if (spec_.economics) charge_hold(p, r, static_cast<double>(held));
                for (; held > 0; --held) ws_.resources[r].end_service(now_);
                serve_queue(ws_.resources[r]);
            }
        }
        ws_.pool.release(slot);
    }

    template <class Sink>
    void emit_patients(Sink& out, const PatientStats& s, const std::string& cls) {
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
            if (st.kind == StepKind::Seize) {
                const Tally& t = s.waits[static_cast<std::size_t>(m_.wait_index[i])];
                tally("wait." + n, t, st.over_labels);
                out([&] { return "wait." + n + ".frac_waited" + cls; }, ratio(t.positive(), t.n()));
                count("served.", s.completed[i]);
                if (st.max_queue >= 0) count("balked.", s.balked[i]);
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

    // One row of the event log, for observed patients, when there is a log.
    void log_event(const Patient& p, LogEvent what, std::int32_t resource = -1) {
        if (log_ != nullptr) add_to_log(p, what, resource);  // the check stays inline
    }
    [[gnu::noinline]] void add_to_log(const Patient& p, LogEvent what, std::int32_t resource) {
        if (!p.observed) return;
        const auto who = static_cast<std::int64_t>(static_cast<std::uint64_t>(p.source) << 32 | p.ordinal);
        log_->add(who, p.step, what, now_, resource);
    }

    // In the order of CompiledModel::series_names, each n_bins long.
    [[gnu::noinline]] void write_series(double* out) {
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
    }

    // Costs and QALYs, discounted, for observed patients only.
    void charge(const Patient& p, int category, double amount) {
        record(p, [&](PatientStats& s) { s.costs[static_cast<std::size_t>(category)] += amount; });
    }

    // A held resource is charged in two halves: units = -1 when the hold
    // begins, +n when n held servers are given back (see economics.hpp).
    [[gnu::noinline]] void charge_hold(const Patient& p, std::size_t r, double units) {
        const ResourceSpec& rs = spec_.resources[r];
        if (rs.cost_per_hour != 0.0) charge(p, rs.cost_category, units * rs.cost_per_hour * cost_discount_.hours(now_));
    }

    // A whole service of length d, charged when it begins.
    [[gnu::noinline]] void charge_service(const Patient& p, std::size_t r, double d) {
        const ResourceSpec& rs = spec_.resources[r];
        if (rs.cost_per_hour != 0.0)
            charge(p, rs.cost_category, rs.cost_per_hour * (cost_discount_.hours(now_ + d) - cost_discount_.hours(now_)));
    }

    [[gnu::noinline]] void accrue_qalys(Patient& p, double until) {
        const double q = p.utility * (qaly_discount_.hours(until) - qaly_discount_.hours(p.utility_since)) / kHoursPerYear;
        if (q != 0.0) record(p, [&](PatientStats& s) { s.qalys += q; });
        p.utility_since = until;
    }

    // At the end of the run, patients still in the system are charged and
    // credited up to that time.
    [[gnu::noinline]] void close_accounts() {
        now_ = end_;
        ws_.pool.for_each_live_slot([&](std::uint32_t slot) {
            Patient& p = ws_.pool[slot];
            accrue_qalys(p, end_);
            if (m_.n_held == 0) return;
            for (std::size_t r = 0; r < spec_.resources.size(); ++r) {
                const int h = m_.held_index[r];
                if (h >= 0 && ws_.pool.held(slot)[h] > 0) charge_hold(p, r, static_cast<double>(ws_.pool.held(slot)[h]));
            }
        });
    }

    // Every change of step passes through advance(), so the patient leaves
    // the level of the step it was at and joins its new step's here.
    [[gnu::noinline]] void occupy(Patient& p) {
        const int level = m_.occupancy_index[static_cast<std::size_t>(p.step)];
        if (level == p.occupying) return;
        if (p.occupying >= 0) ws_.occupancy[static_cast<std::size_t>(p.occupying)].add(now_, -1.0);
        if (level >= 0) ws_.occupancy[static_cast<std::size_t>(level)].add(now_, 1.0);
        p.occupying = level;
    }

    // Counts one event at step i now, if the step is counted by hour and now
    // is in the observation window.
    [[gnu::noinline]] void count_hour(std::size_t i, bool renege) {
        if (now_ < spec_.warmup || now_ > spec_.horizon) return;
        HourlyCounts& c = ws_.hourly[static_cast<std::size_t>(m_.hourly_index[i])];
        const auto k = static_cast<std::size_t>(static_cast<std::int64_t>(std::floor(clock_.hours_since_monday(now_))) - first_hour_);
        ++(renege ? c.reneged : c.entered)[k];
    }

    // Per hour of day: the mean count per day over the window.  Peak hour:
    // the largest mean count in one hour of the week (Monday 08:00, say).
    // Max hour: the largest count in any one clock hour.
    template <class Sink>
    void emit_hourly(Sink& out, const StepSpec& st, const HourlyCounts& c) {
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

    struct SourceFamilies {
        std::uint64_t attributes, durations, routing, patience, costs;
        double arrival_ahead = 0.0;  // see arrival_draw
    };

    const CompiledModel& m_;
    const ModelSpec& spec_;
    CalendarClock clock_;
    std::vector<SourceFamilies> families_;
    std::uint64_t seed_;
    std::uint32_t replication_;
    Workspace& ws_;
    Discount cost_discount_, qaly_discount_;
    EventLog* log_ = nullptr;
    double now_ = 0.0;
    const double end_ = spec_.horizon + spec_.follow_up;  // the run stops here
    const double units_per_hour_ = 1.0 / spec_.hours_per_unit;
    std::vector<double> weights_;  // scratch for weighted_choice
    std::int64_t first_hour_ = 0;  // clock hours since Monday 00:00 at the warmup's end
};

}  // namespace

bool simulate_replication(const CompiledModel& model, std::uint64_t seed, std::uint32_t replication,
                          Workspace& ws, double* row, const std::atomic<bool>& stop, double* series,
                          EventLog* log) {
    return Simulation(model, seed, replication, ws).run(row, stop, series, log);
}

std::vector<std::string> metric_names(const CompiledModel& model) {
    Workspace ws;
    Simulation sim(model, 0, 0, ws);
    sim.reset();
    NameSink sink;
    sim.emit(sink);
    return sink.names;
}

}  // namespace carepath
