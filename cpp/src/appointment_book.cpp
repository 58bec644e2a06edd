#include "carepath/appointment_book.hpp"

#include <cmath>

namespace carepath {

void AppointmentBook::reset(const BookSpec& spec) {
    types_.resize(spec.types.size());
    for (std::size_t t = 0; t < spec.types.size(); ++t) {
        TypeState& s = types_[t];
        s.spec = &spec.types[t];
        s.base = s.first_free = 0;
        s.head = s.size = 0;  // set_taken zeroes each entry it extends into
    }
}

bool AppointmentBook::taken(const TypeState& s, std::uint64_t k) {
    if (k < s.base || k - s.base >= s.size) return false;
    return s.ring[(s.head + (k - s.base)) & (s.ring.size() - 1)] != 0;
}

void AppointmentBook::set_taken(TypeState& s, std::uint64_t k, bool value) {
    if (k < s.base) return;
    const std::uint64_t i = k - s.base;
    if (i >= s.ring.size()) {  // grow, unrolling the ring
        std::size_t n = s.ring.empty() ? 64 : s.ring.size();
        while (n <= i) n *= 2;
        std::vector<std::uint8_t> bigger(n, 0);
        for (std::size_t j = 0; j < s.size; ++j) bigger[j] = s.ring[(s.head + j) & (s.ring.size() - 1)];
        s.ring.swap(bigger);
        s.head = 0;
    }
    while (s.size <= i) s.ring[(s.head + s.size++) & (s.ring.size() - 1)] = 0;
    s.ring[(s.head + i) & (s.ring.size() - 1)] = value ? 1 : 0;
}

void AppointmentBook::drop_before(TypeState& s, std::uint64_t k) {
    while (s.base < k && s.size > 0) {
        s.ring[s.head] = 0;
        s.head = (s.head + 1) & (s.ring.size() - 1);
        --s.size;
        ++s.base;
    }
    if (s.base < k) s.base = k;
    if (s.first_free < k) s.first_free = k;
}

bool AppointmentBook::take(double now, double earliest, std::uint64_t allowed, const CalendarClock& clock,
                           BookedSlot& out) {
    const std::int64_t today = clock.day(now);
    bool found = false;
    for (std::size_t t = 0; t < types_.size(); ++t) {
        if (!((allowed >> t) & 1u)) continue;
        TypeState& s = types_[t];
        const Cycle& c = s.spec->slots;
        drop_before(s, first_after(c, now));
        // Slots before `earliest` are skipped, not scanned: first_free stays.
        const std::uint64_t from = earliest > now ? first_after(c, earliest) : 0;
        const bool scans_from_first_free = from <= s.first_free;
        std::uint64_t k = scans_from_first_free ? s.first_free : from;
        for (;; ++k) {
            const double time = occurrence(c, k);
            if (!std::isfinite(time) || clock.day(time) - today > s.spec->horizon_days) break;
            if (found && time >= out.time) break;  // an earlier type already has this time or earlier
            if (!taken(s, k)) {
                out = BookedSlot{static_cast<int>(t), k, time};
                found = true;
                break;
            }
        }
        if (scans_from_first_free) s.first_free = k;  // every slot scanned before k was taken
    }
    if (!found) return false;
    TypeState& s = types_[static_cast<std::size_t>(out.type)];
    set_taken(s, out.occurrence, true);
    if (out.occurrence == s.first_free) ++s.first_free;
    return true;
}

void AppointmentBook::free(const BookedSlot& slot) {
    TypeState& s = types_[static_cast<std::size_t>(slot.type)];
    set_taken(s, slot.occurrence, false);
    if (slot.occurrence < s.first_free) s.first_free = slot.occurrence;
}

std::uint64_t AppointmentBook::offered(double from, double to) const {
    std::uint64_t n = 0;
    for (const auto& s : types_) {
        const Cycle& c = s.spec->slots;
        const std::uint64_t a = first_after(c, std::nextafter(from, -1e300));
        const std::uint64_t b = first_after(c, std::nextafter(to, -1e300));
        n += b > a ? b - a : 0;
    }
    return n;
}

}  // namespace carepath
