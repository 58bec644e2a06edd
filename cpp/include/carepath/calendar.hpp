#pragma once
// The event calendar: a 4-ary min-heap on (time, seq).  seq grows with every
// event scheduled, so simultaneous events run in the order they were
// scheduled and a run is a pure function of its seed.
#include <cstdint>
#include <limits>
#include <vector>

namespace carepath {

enum class EventType : std::uint32_t {
    Arrival = 0,         // target: source
    ServiceEnd = 1,      // target: patient
    DelayEnd = 2,        // target: patient
    Wake = 3,            // target: patient, which goes on with its pathway
    Renege = 4,          // target: patient, whose patience ran out
    Appointment = 5,     // target: patient, whose booked slot starts
    JointEnd = 6,        // target: patient, whose service on several resources (seize_all) ends
    // from here on, events of the service rather than of a patient
    CapacityChange = 7,  // target: resource
    BatchTimeout = 8,    // target: batch step, whose forming group goes with fewer
    Failure = 9,         // target: resource << 16 | server, which breaks down
    Repair = 10,         // target: resource << 16 | server, which is repaired
};

// A patient's events carry its token at scheduling time; an event whose
// token no longer matches was overtaken (a service preempted, a patience
// timer beaten by the service) and is skipped.  Lazy cancellation keeps the
// heap free of deletions.
constexpr std::uint32_t kTokenBits = 28;
constexpr std::uint32_t kTokenMask = (1u << kTokenBits) - 1;

struct Event {
    double time;
    std::uint64_t seq;
    std::uint32_t target;
    std::uint32_t tag;  // type in the low 4 bits, token above
    EventType type() const { return static_cast<EventType>(tag & 0xFu); }
    std::uint32_t token() const { return tag >> 4; }
};

// A 4-ary heap keeps the calendar shallow.  The slots past the last event,
// always at least four, hold a sentinel that sorts after any event, so a
// node's children are always four: sift_down compares them without a loop
// whose length depends on the heap's size, whose exit the processor would
// mispredict as the calendar grows and shrinks.
//
// pop() leaves the returned event's slot at the root until the next call: if
// the handler then schedules an event (the usual case: a service end starts
// the next service), it replaces the root with one sift-down instead of a
// sift-down for the pop and a sift-up for the push.  (time, seq) keys are
// unique, so the order of events is the same either way.
class Calendar {
public:
    void clear() {
        heap_.assign(kChildren, kSentinel);
        n_ = 0;
        next_seq_ = 0;
        root_free_ = false;
    }
    bool empty() const { return size() == 0; }
    std::size_t size() const { return n_ - (root_free_ ? 1 : 0); }

    void schedule(double time, std::uint32_t target, EventType type, std::uint32_t token = 0) {
        const Event e{time, next_seq_++, target, static_cast<std::uint32_t>(type) | (token & kTokenMask) << 4};
        if (root_free_) {
            root_free_ = false;
            sift_down(e);
            return;
        }
        if (n_ + kChildren >= heap_.size()) heap_.push_back(kSentinel);
        sift_up(n_++, e);
    }

    // The earliest event; valid until the next pop().
    Event pop() {
        if (root_free_) remove_root();
        root_free_ = true;
        return heap_.front();
    }

private:
    static constexpr std::size_t kChildren = 4;
    static constexpr Event kSentinel{std::numeric_limits<double>::infinity(),
                                     std::numeric_limits<std::uint64_t>::max(), 0, 0};

    static bool before(const Event& x, const Event& y) {
        return x.time < y.time || (x.time == y.time && x.seq < y.seq);
    }

    void sift_up(std::size_t i, const Event& e) {
        while (i > 0) {
            const std::size_t parent = (i - 1) / kChildren;
            if (!before(e, heap_[parent])) break;
            heap_[i] = heap_[parent];
            i = parent;
        }
        heap_[i] = e;
    }

    void remove_root() {
        const Event last = heap_[--n_];
        heap_[n_] = kSentinel;
        if (n_ > 0) sift_down(last);
    }

    // Places `e` in the root's slot and sifts it down.
    void sift_down(const Event& e) {
        std::size_t i = 0;
        for (;;) {
            const std::size_t first = kChildren * i + 1;
            if (first >= n_) break;
            std::size_t best = first;
            for (std::size_t c = first + 1; c < first + kChildren; ++c)
                if (before(heap_[c], heap_[best])) best = c;
            if (!before(heap_[best], e)) break;
            heap_[i] = heap_[best];
            i = best;
        }
        heap_[i] = e;
    }

    std::vector<Event> heap_ = std::vector<Event>(kChildren, kSentinel);
    std::size_t n_ = 0;  // events in heap_; sentinels fill the rest
    std::uint64_t next_seq_ = 0;
    bool root_free_ = false;  // heap_[0] was popped and awaits a replacement
};

}  // namespace carepath
