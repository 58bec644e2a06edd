#include <cmath>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// A cost step: an amount drawn from the patient's own cost stream.
void Simulation::cost_step(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    if (!p.has_costs) {
        p.costs = Stream(families_[p.source].costs, stream_member(p));
        p.has_costs = true;
    }
    const double amount = m_.distributions[static_cast<std::size_t>(st.duration)].sample(p.costs);
    charge(p, st.cost_category, amount * cost_discount_.factor(now_));
    p.step = st.next;
}

// A utility step: QALYs accrue at the old utility up to now, then the new.
void Simulation::utility_step(std::uint32_t slot, const StepSpec& st) {
    Patient& p = ws_.pool[slot];
    accrue_qalys(p, now_);
    p.utility = eval(st.utility, slot);
    p.step = st.next;
}

// A held resource is charged in two halves: units = -1 when the hold
// begins, +n when n held servers are given back (see economics.hpp).
void Simulation::charge_hold(const Patient& p, std::size_t r, double units) {
    const ResourceSpec& rs = spec_.resources[r];
    if (rs.cost_per_hour != 0.0) charge(p, rs.cost_category, units * rs.cost_per_hour * cost_discount_.hours(now_));
}

// A whole service of length d, charged when it begins.
void Simulation::charge_service(const Patient& p, std::size_t r, double d) {
    const ResourceSpec& rs = spec_.resources[r];
    if (rs.cost_per_hour != 0.0)
        charge(p, rs.cost_category, rs.cost_per_hour * (cost_discount_.hours(now_ + d) - cost_discount_.hours(now_)));
}

void Simulation::accrue_qalys(Patient& p, double until) {
    const double q = p.utility * (qaly_discount_.hours(until) - qaly_discount_.hours(p.utility_since)) / kHoursPerYear;
    if (q != 0.0) record(p, [&](PatientStats& s) { s.qalys += q; });
    p.utility_since = until;
}

// At the end of the run, patients still in the system are charged and
// credited up to that time.
void Simulation::close_accounts() {
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

}  // namespace carepath::engine
