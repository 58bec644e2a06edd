#include <vector>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// A batch step: the patient joins the group forming there.  Returns true
// if it goes on at once (it completed the group and leads it).
bool Simulation::join_batch(std::uint32_t slot, const StepSpec& st) {
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

void Simulation::batch_timeout(std::uint32_t i, std::uint32_t token) {
    Workspace::Forming& f = ws_.forming[static_cast<std::size_t>(m_.batch_index[i])];
    if ((f.generation & kTokenMask) != token || f.members.empty()) return;
    form_group(static_cast<int>(i), UINT32_MAX);
}

// The group forming at batch step i goes on: its first member leads it
// through the session (the next step), the others follow.  Returns true
// if `current` (a patient being advanced) leads it.
bool Simulation::form_group(int i, std::uint32_t current) {
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
void Simulation::group_waited(const Patient& leader, double wait) {
    const auto w = static_cast<std::size_t>(m_.wait_index[static_cast<std::size_t>(leader.step)]);
    for (std::uint32_t m : ws_.groups[static_cast<std::size_t>(leader.group)])
        record(ws_.pool[m], [&](PatientStats& s) { s.waits[w].add(wait); });
}

// The session is over: the followers go on, one by one after the leader.
void Simulation::end_session(Patient& leader, const StepSpec& st) {
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

}  // namespace carepath::engine
