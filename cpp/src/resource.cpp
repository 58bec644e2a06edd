#include "carepath/resource.hpp"

namespace carepath {

void Resource::enqueue(double now, double priority, std::uint32_t patient) {
    queue_level_.set(now, static_cast<double>(queue_length() + 1));
    if (fifo_) {
        if (ring_size_ == ring_.size()) {  // grow, unrolling the ring
            std::vector<std::uint32_t> bigger(ring_.empty() ? 16 : 2 * ring_.size());
            for (std::size_t i = 0; i < ring_size_; ++i) bigger[i] = ring_[(ring_head_ + i) & (ring_.size() - 1)];
            ring_.swap(bigger);
            ring_head_ = 0;
        }
        ring_[(ring_head_ + ring_size_++) & (ring_.size() - 1)] = patient;
        return;
    }
    QueueEntry e{priority, next_seq_++, patient};
    queue_.push_back(e);
    std::size_t i = queue_.size() - 1;
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(e, queue_[parent])) break;
        queue_[i] = queue_[parent];
        i = parent;
    }
    queue_[i] = e;
}

std::uint32_t Resource::dequeue(double now) {
    if (fifo_) {
        const std::uint32_t front = ring_[ring_head_];
        ring_head_ = (ring_head_ + 1) & (ring_.size() - 1);
        --ring_size_;
        queue_level_.set(now, static_cast<double>(ring_size_));
        return front;
    }
    const std::uint32_t out = queue_.front().patient;
    const QueueEntry last = queue_.back();
    queue_.pop_back();
    queue_level_.set(now, static_cast<double>(queue_.size()));
    const std::size_t n = queue_.size();
    if (n == 0) return out;
    std::size_t i = 0;
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(queue_[child + 1], queue_[child])) ++child;
        if (!before(queue_[child], last)) break;
        queue_[i] = queue_[child];
        i = child;
    }
    queue_[i] = last;
    return out;
}

}  // namespace carepath
