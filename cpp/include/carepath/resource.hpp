#pragma once
// A resource with a fixed number of servers and a queue: lower priority value
// first, first come first served within a priority.  When no step gives a
// priority for this resource the queue is a plain FIFO ring, which is faster
// than the heap and orders patients identically.
#include <cstdint>
#include <vector>

#include "carepath/stats.hpp"

namespace carepath {

struct QueueEntry {
    double priority;
    std::uint64_t seq;
    std::uint32_t patient;
};

class Resource {
public:
    void reset(int capacity, bool fifo, double warmup, double horizon) {
        capacity_ = capacity;
        fifo_ = fifo;
        busy_ = 0;
        queue_.clear();
        ring_head_ = ring_size_ = 0;
        next_seq_ = 0;
        busy_level_.reset(warmup, horizon);
        queue_level_.reset(warmup, horizon);
    }

    bool has_free_server() const { return busy_ < capacity_ && queue_length() == 0; }
    bool queue_empty() const { return queue_length() == 0; }

    void start_service(double now) {
        ++busy_;
        busy_level_.set(now, busy_);
    }
    void end_service(double now) {
        --busy_;
        busy_level_.set(now, busy_);
    }

    void enqueue(double now, double priority, std::uint32_t patient);
    std::uint32_t dequeue(double now);

    double utilisation(double horizon) {
        return capacity_ > 0 ? busy_level_.mean(horizon) / capacity_ : 0.0;
    }
    double mean_queue_length(double horizon) { return queue_level_.mean(horizon); }
    std::size_t queue_length() const { return fifo_ ? ring_size_ : queue_.size(); }

private:
    static bool before(const QueueEntry& x, const QueueEntry& y) {
        return x.priority < y.priority || (x.priority == y.priority && x.seq < y.seq);
    }
    int capacity_ = 1;
    int busy_ = 0;
    std::uint64_t next_seq_ = 0;
    std::vector<QueueEntry> queue_;  // binary min-heap by (priority, seq)
    bool fifo_ = true;
    std::vector<std::uint32_t> ring_;  // FIFO queue; capacity a power of two
    std::size_t ring_head_ = 0, ring_size_ = 0;
    TimeWeighted busy_level_;
    TimeWeighted queue_level_;
};

}  // namespace carepath
