#include <cmath>
#include <stdexcept>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// A delay (`duration`) or a wait until the next time on a clock
// (`wait_until`), with patience: a patient may leave before it ends.
void Simulation::delay(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    if (st.hourly) count_hour(static_cast<std::size_t>(p.step), false);
    const double d = st.duration >= 0 ? step_duration(st, slot) : until_next(st.until);
    log_event(p, LogEvent::Start);
    ws_.calendar.schedule(now_ + d, slot, EventType::DelayEnd, p.token);
    if (st.patience >= 0) {
        const double t = patience(p, st.patience);
        if (t < d) ws_.calendar.schedule(now_ + t, slot, EventType::Renege, p.token);
    }
}

// The arm a chance branch sends the patient down, drawn from its routing stream.
int Simulation::chance_branch(std::uint32_t slot, const StepSpec& st) {
    if (!st.weight_expressions.empty()) return st.targets[weighted_choice(slot, st)];
    Patient& p = ws_.pool[slot];
    const auto& cdf = m_.branch_cdf[static_cast<std::size_t>(p.step)];
    const double u = routing(p).uniform();
    std::size_t j = 0;
    while (u >= cdf[j]) ++j;
    return st.targets[j];
}

// The first arm whose `when` holds; the last arm is the otherwise.
int Simulation::when_branch(std::uint32_t slot, const StepSpec& st) {
    std::size_t j = 0;
    for (; j + 1 < st.targets.size(); ++j)
        if (eval(st.conditions[j], slot) != 0.0) break;
    return st.targets[j];
}

// A chance branch whose weights are expressions: evaluated for the
// patient now, normalised.
std::size_t Simulation::weighted_choice(std::uint32_t slot, const StepSpec& st) {
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

// Each in turn (a later one sees an earlier): an attribute of the patient,
// or a global of the service (index -1 - g).
void Simulation::set_values(std::uint32_t slot, const StepSpec& st) {
    for (std::size_t j = 0; j < st.set_attributes.size(); ++j) {
        const double v = eval(st.set_expressions[j], slot);
        const int a = st.set_attributes[j];
        if (a >= 0) {
            ws_.pool.values(slot)[a] = v;
            continue;
        }
        const auto g = static_cast<std::size_t>(-1 - a);
        ws_.globals[g] = finite_value(v, st, "set");
        ws_.global_levels[g].set(now_, v);
    }
}

void Simulation::exit(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    const double time_in_system = now_ - p.arrival_time;
    record(p, [&](PatientStats& s) {
        s.system_time.add(time_in_system);
        ++s.exits[static_cast<std::size_t>(st.outcome)];
    });
    count_at(p, m_.count_exit, static_cast<std::size_t>(st.outcome));
    log_event(p, LogEvent::Exit);
    if (__builtin_expect(p.counted, 1)) {
        ws_.in_system.add(now_, -1.0);
    } else if (p.fork_parent >= 0) {  // a part, or an entity that is not a patient
        part_exits(p, st);
    }
    if (spec_.economics) accrue_qalys(p, now_);
    if (m_.n_held > 0) {  // whatever it still holds is given back
        for (std::size_t r = 0; r < spec_.resources.size(); ++r) {
            const int h = m_.held_index[r];
            if (h < 0) continue;
            std::uint32_t& held = ws_.pool.held(slot)[h];
            if (held == 0) continue;
            log_event(p, LogEvent::Release, static_cast<std::int32_t>(r));
            if (spec_.economics) charge_hold(p, r, static_cast<double>(held));
            for (; held > 0; --held) {
                ws_.resources[r].end_service(now_);
                if (m_.breakdowns[r]) leave_server_of(r, slot);
            }
            serve_queue(ws_.resources[r]);
        }
    }
    ws_.pool.release(slot);
}

}  // namespace carepath::engine
