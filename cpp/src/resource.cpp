#include "carepath/resource.hpp"

#include <cmath>

namespace carepath {

void Resource::reset(int capacity, bool fifo, bool track_service, bool scheduled, double warmup,
                     double horizon) {
    capacity_ = capacity;
    fifo_ = fifo;
    track_service_ = track_service;
    scheduled_ = scheduled;
    busy_ = 0;
    waiting_ = 0;
    heap_.clear();
    in_service_.clear();
    ring_head_ = ring_size_ = 0;
    next_seq_ = 0;
    busy_level_.reset(warmup, horizon);
    queue_level_.reset(warmup, horizon);
    capacity_level_.reset(warmup, horizon);
    capacity_level_.set(0.0, capacity);
}

void Resource::grow_ring() {  // unrolls the ring into one twice the size
    std::vector<std::uint64_t> bigger(ring_.empty() ? 16 : 2 * ring_.size());
    for (std::size_t i = 0; i < ring_size_; ++i) bigger[i] = ring_[(ring_head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    ring_head_ = 0;
}

void Resource::heap_push(const QueueEntry& e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(e, heap_[parent])) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = e;
}

QueueEntry Resource::heap_pop() {
    const QueueEntry out = heap_.front();
    const QueueEntry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return out;
    std::size_t i = 0;
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        if (!before(heap_[child], last)) break;
        heap_[i] = heap_[child];
        i = child;
    }
    heap_[i] = last;
    return out;
}

void Resource::remove_in_service(std::uint32_t patient) {
    for (std::size_t i = 0; i < in_service_.size(); ++i) {
        if (in_service_[i].patient == patient) {
            in_service_[i] = in_service_.back();
            in_service_.pop_back();
            return;
        }
    }
}

bool Resource::last_in_service(InService& out) const {
    if (in_service_.empty()) return false;
    out = in_service_.front();
    for (const auto& s : in_service_)
        if (s.priority > out.priority || (s.priority == out.priority && s.seq > out.seq)) out = s;
    return true;
}

double Resource::utilisation(double horizon) {
    if (!scheduled_) return capacity_ > 0 ? busy_level_.mean(horizon) / capacity_ : 0.0;
    // Against scheduled capacity: busy time over the server time the shifts offered.
    const double offered = capacity_level_.mean(horizon);
    return offered > 0 ? busy_level_.mean(horizon) / offered : std::nan("");
}

}  // namespace carepath
