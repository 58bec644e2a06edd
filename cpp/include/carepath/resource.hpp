#pragma once
// A resource: servers whose number may follow a shift schedule, and a queue
// ordered by (priority, tiebreak, seq) -- lower first.  When no step gives a
// priority or a longest-wait order for this resource the queue is a plain
// FIFO ring, which is faster than the heap and orders patients identically.
//
// Patients can leave the queue early (reneging); their entries stay in the
// container and are skipped when they reach the front, so `waiting()`
// counts patients, not entries.
#include <cstdint>
#include <vector>

#include "carepath/stats.hpp"

namespace carepath {

struct QueueEntry {
    double priority;
    double tiebreak;
    std::uint64_t seq;
    std::uint32_t patient;
    std::uint32_t token;  // the patient's token when it joined: stale if it has left
};

struct InService {
    double priority;
    std::uint64_t seq;
    std::uint32_t patient;
};

class Resource {
public:
    // track_service: keep the list of patients in service, for preemption
    // and interruption at the end of a shift.
    void reset(int capacity, bool fifo, bool track_service, bool scheduled, double warmup, double horizon);

    int capacity() const { return capacity_; }
    int busy() const { return busy_; }
    std::size_t waiting() const { return waiting_; }
    bool has_free_server() const { return busy_ < capacity_ && waiting_ == 0; }
    bool can_start_waiting() const { return busy_ < capacity_ && waiting_ > 0; }

    void set_capacity(double now, int capacity) {
        capacity_ = capacity;
        capacity_level_.set(now, capacity);
    }
    void start_service(double now) {
        ++busy_;
        busy_level_.set(now, busy_);
    }
    void end_service(double now) {
        --busy_;
        busy_level_.set(now, busy_);
    }
    void start_services(double now, int k) {
        busy_ += k;
        busy_level_.set(now, busy_);
    }
    void end_services(double now, int k) {
        busy_ -= k;
        busy_level_.set(now, busy_);
    }
    int free_servers() const { return capacity_ - busy_; }
    // Some patient may need more than one server, or all of several
    // resources: the queue is served by Simulation::serve_gated.
    bool gated() const { return gated_; }
    void set_gated(bool gated) { gated_ = gated; }
    // The front entry, which may be stale (waiting() > 0).
    QueueEntry front() const {
        if (!fifo_) return heap_.front();
        const std::uint64_t f = ring_[ring_head_];
        return QueueEntry{0.0, 0.0, 0, static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(f >> 32)};
    }

    std::uint64_t next_seq() { return next_seq_++; }
    // The FIFO ring's paths are inline: they are most models' every queue.
    void enqueue(double now, const QueueEntry& e) {
        ++waiting_;
        queue_level_.set(now, static_cast<double>(waiting_));
        if (!fifo_) return heap_push(e);
        if (ring_size_ == ring_.size()) grow_ring();
        ring_[(ring_head_ + ring_size_++) & (ring_.size() - 1)] = e.patient | static_cast<std::uint64_t>(e.token) << 32;
    }
    // Removes the front entry, which may be stale; the caller checks its
    // token and then calls left_queue() for a live one.
    QueueEntry pop_front() {
        if (!fifo_) return heap_pop();
        const std::uint64_t front = ring_[ring_head_];
        ring_head_ = (ring_head_ + 1) & (ring_.size() - 1);
        --ring_size_;
        return QueueEntry{0.0, 0.0, 0, static_cast<std::uint32_t>(front), static_cast<std::uint32_t>(front >> 32)};
    }
    // One waiting patient left the queue (served, reneged).
    void left_queue(double now) {
        --waiting_;
        queue_level_.set(now, static_cast<double>(waiting_));
    }

    bool tracks_service() const { return track_service_; }
    void add_in_service(const InService& s) { in_service_.push_back(s); }
    void remove_in_service(std::uint32_t patient);
    // The patient in service that a newcomer would displace first: the
    // largest (priority, seq).  False if none.
    bool last_in_service(InService& out) const;

    double utilisation(double horizon);
    double mean_queue_length(double horizon) { return queue_level_.mean(horizon); }
    // Time series: busy servers and queue length per bin (after reset).
    void use_bins(double width, std::size_t n) {
        busy_level_.use_bins(width, n);
        queue_level_.use_bins(width, n);
        capacity_level_.use_bins(width, n);
    }
    // Busy servers: time at each level and audits (after reset).
    void use_levels(std::size_t top, double audit) { busy_level_.use_levels(top, audit); }
    TimeWeighted& busy_levels() { return busy_level_; }
    double capacity_in_bin(std::size_t k) { return capacity_level_.bin_mean(k); }
    double busy_in_bin(std::size_t k) { return busy_level_.bin_mean(k); }
    double queue_in_bin(std::size_t k) { return queue_level_.bin_mean(k); }

private:
    void grow_ring();
    void heap_push(const QueueEntry& e);
    QueueEntry heap_pop();
    static bool before(const QueueEntry& x, const QueueEntry& y) {
        if (x.priority != y.priority) return x.priority < y.priority;
        if (x.tiebreak != y.tiebreak) return x.tiebreak < y.tiebreak;
        return x.seq < y.seq;
    }
    int capacity_ = 1;
    int busy_ = 0;
    std::size_t waiting_ = 0;
    std::uint64_t next_seq_ = 0;
    bool fifo_ = true;
    bool track_service_ = false;
    bool scheduled_ = false;
    bool gated_ = false;
    std::vector<QueueEntry> heap_;  // binary min-heap by (priority, tiebreak, seq)
    std::vector<std::uint64_t> ring_;  // FIFO of patient | token << 32; size a power of two
    std::size_t ring_head_ = 0, ring_size_ = 0;
    std::vector<InService> in_service_;
    TimeWeighted busy_level_;
    TimeWeighted queue_level_;
    TimeWeighted capacity_level_;
};

}  // namespace carepath
