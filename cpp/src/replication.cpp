#include "carepath/replication.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace carepath {
namespace {

// The pathway interpreter for one replication.  Kept as a class so the hot
// loop's state lives in members, not in a capture of many references.
class Simulation {
public:
    Simulation(const CompiledModel& m, std::uint64_t seed, std::uint32_t replication, Workspace& ws)
        : m_(m), spec_(m.spec), seed_(seed), replication_(replication), ws_(ws) {}

    bool run(double* row, const std::atomic<bool>& stop) {
        reset();
        std::uint64_t events = 0;
        while (!ws_.calendar.empty()) {
            const Event ev = ws_.calendar.pop();
            if (ev.time > spec_.horizon) break;
            now_ = ev.time;
            switch (ev.type) {
                case EventType::Arrival:
                    arrive(ev.target);
                    break;
                case EventType::ServiceEnd:
                    end_service(ev.target);
                    break;
                case EventType::DelayEnd: {
                    Patient& p = ws_.pool[ev.target];
                    if (p.observed) ++ws_.completed[static_cast<std::size_t>(p.step)];
                    p.step = step(p.step).next;
                    advance(ev.target);
                    break;
                }
            }
            if ((++events & 0x3FFu) == 0 && stop.load(std::memory_order_relaxed)) return false;
        }
        write(row);
        return true;
    }

private:
    const StepSpec& step(int i) const { return spec_.steps[static_cast<std::size_t>(i)]; }

    void reset() {
        const double w = spec_.warmup, h = spec_.horizon;
        ws_.calendar.clear();
        ws_.pool.reset(spec_.attributes.size());
        ws_.resources.resize(spec_.resources.size());
        for (std::size_t r = 0; r < spec_.resources.size(); ++r)
            ws_.resources[r].reset(spec_.resources[r].capacity, m_.resource_fifo[r], w, h);
        ws_.waits.resize(spec_.steps.size());
        for (int s : m_.seize_steps) ws_.waits[static_cast<std::size_t>(s)].reset();
        ws_.completed.assign(spec_.steps.size(), 0);
        ws_.exits.assign(spec_.outcomes.size(), 0);
        ws_.system_time.reset();
        ws_.in_system.reset(w, h);
        ws_.observed_arrivals = 0;
        ws_.arrived.assign(spec_.sources.size(), 0);
        ws_.arrival_streams.clear();
        families_.clear();
        for (std::uint32_t s = 0; s < spec_.sources.size(); ++s) {
            ws_.arrival_streams.emplace_back(seed_, replication_, Purpose::Arrivals, s, 0);
            families_.push_back({stream_family(seed_, replication_, Purpose::Attributes, s),
                                 stream_family(seed_, replication_, Purpose::Durations, s),
                                 stream_family(seed_, replication_, Purpose::Routing, s)});
            schedule_arrival(s, 0.0);
        }
    }

    void schedule_arrival(std::uint32_t source, double from) {
        const double gap = -std::log1p(-ws_.arrival_streams[source].uniform()) / spec_.sources[source].rate;
        const double t = from + gap;
        if (t <= spec_.horizon) ws_.calendar.schedule(t, source, EventType::Arrival);
    }

    void arrive(std::uint32_t source) {
        const std::uint32_t k = ws_.arrived[source]++;
        const std::uint32_t slot = ws_.pool.acquire();
        Patient& p = ws_.pool[slot];
        p.arrival_time = now_;
        p.last_step_time = now_;
        p.steps_without_time = 0;
        p.observed = now_ >= spec_.warmup;
        const SourceFamilies& fam = families_[source];
        p.durations = Stream(fam.durations, k);
        p.source = source;
        p.ordinal = k;
        p.has_routing = false;
        p.step = spec_.sources[source].start;
        if (!spec_.attributes.empty()) {
            Stream attr(fam.attributes, k);
            double* values = ws_.pool.attributes(slot);
            for (std::size_t a = 0; a < spec_.attributes.size(); ++a)
                values[a] = m_.distributions[static_cast<std::size_t>(spec_.attributes[a].distribution)].sample(attr);
        }
        ws_.observed_arrivals += p.observed;
        ws_.in_system.add(now_, 1.0);
        schedule_arrival(source, now_);
        advance(slot);
    }

    double duration(int dist, Patient& p) {
        const double d = m_.distributions[static_cast<std::size_t>(dist)].sample(p.durations);
        return d > 0.0 ? d : 0.0;  // durations below zero (a normal's tail) count as zero
    }

    void start_service(std::uint32_t slot) {
        Patient& p = ws_.pool[slot];
        const StepSpec& st = step(p.step);
        ws_.resources[static_cast<std::size_t>(st.resource)].start_service(now_);
        if (p.observed) ws_.waits[static_cast<std::size_t>(p.step)].add(now_ - p.queue_since);
        ws_.calendar.schedule(now_ + duration(st.duration, p), slot, EventType::ServiceEnd);
    }

    void end_service(std::uint32_t slot) {
        Patient& p = ws_.pool[slot];
        const StepSpec& st = step(p.step);
        Resource& r = ws_.resources[static_cast<std::size_t>(st.resource)];
        r.end_service(now_);
        if (p.observed) ++ws_.completed[static_cast<std::size_t>(p.step)];
        const int next = st.next;
        if (!r.queue_empty()) start_service(r.dequeue(now_));
        ws_.pool[slot].step = next;
        advance(slot);
    }

    // Runs the patient through zero-time steps until it waits for something.
    void advance(std::uint32_t slot) {
        for (;;) {
            Patient& p = ws_.pool[slot];
            if (now_ > p.last_step_time) {
                p.last_step_time = now_;
                p.steps_without_time = 0;
            } else if (++p.steps_without_time > spec_.max_steps_without_time) {
                throw std::runtime_error(
                    "pathway." + step(p.step).name + ": a patient took more than " +
                    std::to_string(spec_.max_steps_without_time) +
                    " steps without simulated time passing; the pathway loops without a delay or service");
            }
            const StepSpec& st = step(p.step);
            switch (st.kind) {
                case StepKind::Seize: {
                    Resource& r = ws_.resources[static_cast<std::size_t>(st.resource)];
                    p.queue_since = now_;
                    if (r.has_free_server()) {
                        start_service(slot);
                    } else {
                        const double priority =
                            st.priority < 0 ? 0.0
                                            : m_.expressions[static_cast<std::size_t>(st.priority)].eval(
                                                  ws_.pool.attributes(slot));
                        r.enqueue(now_, priority, slot);
                    }
                    return;
                }
                case StepKind::Delay:
                    ws_.calendar.schedule(now_ + duration(st.duration, p), slot, EventType::DelayEnd);
                    return;
                case StepKind::BranchChance: {
                    const auto& cdf = m_.branch_cdf[static_cast<std::size_t>(p.step)];
                    if (!p.has_routing) {
                        p.routing = Stream(families_[p.source].routing, p.ordinal);
                        p.has_routing = true;
                    }
                    const double u = p.routing.uniform();
                    std::size_t j = 0;
                    while (u >= cdf[j]) ++j;
                    p.step = st.targets[j];
                    continue;
                }
                case StepKind::BranchWhen: {
                    const double* attrs = ws_.pool.attributes(slot);
                    std::size_t j = 0;
                    for (; j + 1 < st.targets.size(); ++j)
                        if (m_.expressions[static_cast<std::size_t>(st.conditions[j])].eval(attrs) != 0.0) break;
                    p.step = st.targets[j];
                    continue;
                }
                case StepKind::Exit:
                    if (p.observed) {
                        ws_.system_time.add(now_ - p.arrival_time);
                        ++ws_.exits[static_cast<std::size_t>(st.outcome)];
                    }
                    ws_.in_system.add(now_, -1.0);
                    ws_.pool.release(slot);
                    return;
            }
        }
    }

    void write(double* row) {
        const double h = spec_.horizon;
        std::uint64_t still_in = 0;
        ws_.pool.for_each_live([&](const Patient& p) { still_in += p.observed; });
        row[0] = static_cast<double>(ws_.observed_arrivals);
        row[1] = static_cast<double>(still_in);
        row[2] = ws_.in_system.mean(h);
        row[3] = ws_.system_time.mean();
        row[4] = ws_.system_time.histogram.quantile(0.50);
        row[5] = ws_.system_time.histogram.quantile(0.90);
        row[6] = ws_.system_time.histogram.quantile(0.95);
        std::size_t k = m_.seize_offset;
        for (int s : m_.seize_steps) {
            const Tally& t = ws_.waits[static_cast<std::size_t>(s)];
            row[k++] = t.mean();
            row[k++] = t.histogram.quantile(0.50);
            row[k++] = t.histogram.quantile(0.90);
            row[k++] = t.histogram.quantile(0.95);
            row[k++] = t.n > 0 ? static_cast<double>(t.positive) / static_cast<double>(t.n) : std::nan("");
            row[k++] = static_cast<double>(ws_.completed[static_cast<std::size_t>(s)]);
        }
        for (int s : m_.delay_steps) row[k++] = static_cast<double>(ws_.completed[static_cast<std::size_t>(s)]);
        for (auto& r : ws_.resources) {
            row[k++] = r.utilisation(h);
            row[k++] = r.mean_queue_length(h);
        }
        for (auto e : ws_.exits) row[k++] = static_cast<double>(e);
    }

    struct SourceFamilies {
        std::uint64_t attributes, durations, routing;
    };

    const CompiledModel& m_;
    const ModelSpec& spec_;
    std::vector<SourceFamilies> families_;
    std::uint64_t seed_;
    std::uint32_t replication_;
    Workspace& ws_;
    double now_ = 0.0;
};

}  // namespace

bool simulate_replication(const CompiledModel& model, std::uint64_t seed, std::uint32_t replication,
                          Workspace& ws, double* row, const std::atomic<bool>& stop) {
    return Simulation(model, seed, replication, ws).run(row, stop);
}

}  // namespace carepath
