#include <algorithm>
#include <string>

#include "carepath/simulation.hpp"

namespace carepath::engine {

// Breakdowns and breaks: each server of a resource with `breakdowns` fails
// after a time to failure and is repaired.  The servers are numbered; one
// is on shift while its number is below the scheduled capacity.  The
// resource's capacity is the servers on shift less those down and idle, so
// that its free servers are exactly the idle ones that are up: a server
// down with its patient (resume, restart) or failing while it finishes one
// still counts, as its patient does in `busy`.
//
// With `clock: calendar` a server's next failure comes a time to failure
// after its last repair ended (a break every 120 minutes after the last);
// with `clock: busy` the time to failure is spent only while it serves.

namespace {
std::uint32_t server_target(std::size_t r, std::size_t k) { return static_cast<std::uint32_t>(r << 16 | k); }
}  // namespace

void Simulation::reset_breakdowns() {
    const std::size_t n = spec_.resources.size();
    ws_.servers.assign(n, {});
    ws_.down.resize(n);
    ws_.failures.assign(n, 0);
    ws_.scheduled.assign(n, 0);
    for (std::size_t r = 0; r < n; ++r) {
        const ResourceSpec& rs = spec_.resources[r];
        ws_.down[r].reset(spec_.warmup, spec_.horizon);
        ws_.scheduled[r] = rs.capacity;
        if (rs.time_to_failure < 0) continue;
        auto& servers = ws_.servers[r];
        servers.resize(static_cast<std::size_t>(m_.max_capacity[r]));
        for (std::size_t k = 0; k < servers.size(); ++k) {
            Workspace::Server& s = servers[k];
            s = Workspace::Server{};
            s.draws = Stream(seed_, replication_, Purpose::Breakdowns, static_cast<std::uint32_t>(r), k);
            s.life = draw_positive(rs.time_to_failure, s.draws);
            if (!rs.busy_clock) ws_.calendar.schedule(s.life, server_target(r, k), EventType::Failure, s.generation);
        }
    }
}

double Simulation::draw_positive(int dist, Stream& s) {
    const double d = m_.distributions[static_cast<std::size_t>(dist)].sample(s);
    return d > 0.0 ? d : 0.0;
}

// The resource's capacity from its servers: on shift, less those down and idle.
void Simulation::recount(std::size_t r) {
    const auto& servers = ws_.servers[r];
    const int level = ws_.scheduled[r];
    int idle_down = 0;
    for (int k = 0; k < level && k < static_cast<int>(servers.size()); ++k)
        if (servers[static_cast<std::size_t>(k)].down && servers[static_cast<std::size_t>(k)].patient < 0) ++idle_down;
    ws_.resources[r].set_capacity(now_, level - idle_down);
}

// p starts on resource r (which has breakdowns): it takes the first idle
// server that is up, on shift if one is.
void Simulation::take_server_of(std::size_t r, std::uint32_t slot) {
    auto& servers = ws_.servers[r];
    std::size_t k = servers.size();
    for (std::size_t i = 0; i < servers.size(); ++i) {
        if (servers[i].patient >= 0 || servers[i].down) continue;
        if (k == servers.size()) k = i;
        if (static_cast<int>(i) < ws_.scheduled[r]) {
            k = i;
            break;
        }
    }
    if (k == servers.size()) return;  // cannot happen: the capacity counts an idle server up
    Workspace::Server& s = servers[k];
    s.patient = static_cast<std::int32_t>(slot);
    if (spec_.resources[r].busy_clock) {
        s.since = now_;
        ws_.calendar.schedule(now_ + s.life, server_target(r, k), EventType::Failure, ++s.generation);
    }
}

// p leaves its server of r (its service ended, or a hold was released).
void Simulation::leave_server_of(std::size_t r, std::uint32_t slot) {
    auto& servers = ws_.servers[r];
    for (std::size_t k = 0; k < servers.size(); ++k) {
        Workspace::Server& s = servers[k];
        if (s.patient != static_cast<std::int32_t>(slot)) continue;
        s.patient = -1;
        if (spec_.resources[r].busy_clock && !s.down && !s.failing) {
            s.life = std::max(0.0, s.life - (now_ - s.since));
            ++s.generation;  // its failure, due while serving, is put off
        }
        if (s.failing) {
            s.failing = false;
            go_down(r, k);
        }
        return;
    }
}

void Simulation::go_down(std::size_t r, std::size_t k) {
    Workspace::Server& s = ws_.servers[r][k];
    s.down = true;
    ws_.down[r].add(now_, 1.0);
    ws_.calendar.schedule(now_ + draw_positive(spec_.resources[r].repair, s.draws), server_target(r, k), EventType::Repair);
    recount(r);
}

void Simulation::fail(std::uint32_t target, std::uint32_t generation) {
    const std::size_t r = target >> 16, k = target & 0xFFFFu;
    Workspace::Server& s = ws_.servers[r][k];
    if (generation != (s.generation & kTokenMask) || s.down || s.failing) return;  // stale
    const ResourceSpec& rs = spec_.resources[r];
    if (in_window(now_)) ++ws_.failures[r];
    s.life = 0.0;
    if (s.patient < 0) return go_down(r, k);
    Patient& q = ws_.pool[static_cast<std::uint32_t>(s.patient)];
    const bool in_service = q.step >= 0 && step(q.step).kind == StepKind::Seize && step(q.step).duration >= 0 &&
                            q.at == static_cast<int>(r) && q.service_end > now_;
    if (rs.on_failure == OnFailure::Finish || !in_service) {  // a hold, too, goes on until released
        s.failing = true;
        return;
    }
    // resume or restart: the patient keeps the server and waits for the repair
    ++q.token;  // its service end is put off
    q.remaining = rs.on_failure == OnFailure::Restart ? q.service_total : q.service_end - now_;
    go_down(r, k);
}

void Simulation::repair(std::uint32_t target) {
    const std::size_t r = target >> 16, k = target & 0xFFFFu;
    Workspace::Server& s = ws_.servers[r][k];
    const ResourceSpec& rs = spec_.resources[r];
    s.down = false;
    ws_.down[r].add(now_, -1.0);
    s.life = draw_positive(rs.time_to_failure, s.draws);
    ++s.generation;
    if (!rs.busy_clock) ws_.calendar.schedule(now_ + s.life, target, EventType::Failure, s.generation & kTokenMask);
    if (s.patient >= 0) {  // the patient it kept goes on with its service
        const auto slot = static_cast<std::uint32_t>(s.patient);
        Patient& q = ws_.pool[slot];
        q.service_end = now_ + q.remaining;
        q.remaining = -1.0;
        ws_.calendar.schedule(q.service_end, slot, EventType::ServiceEnd, q.token);
        if (rs.busy_clock) {
            s.since = now_;
            ws_.calendar.schedule(now_ + s.life, target, EventType::Failure, s.generation & kTokenMask);
        }
        return;
    }
    recount(r);
    serve_queue(ws_.resources[r]);
}

// A part that joins hands its servers to its patient.
void Simulation::hand_servers(std::uint32_t from, std::uint32_t to) {
    for (auto& servers : ws_.servers)
        for (auto& s : servers)
            if (s.patient == static_cast<std::int32_t>(from)) s.patient = static_cast<std::int32_t>(to);
}

}  // namespace carepath::engine
