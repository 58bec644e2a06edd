#pragma once
// Calendar arithmetic: repeating patterns (timetables, shifts, slots) and the
// day and hour that a simulated time falls on.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "carepath/spec.hpp"

namespace carepath {

// Time of occurrence k of `c`; +infinity past the end of a one-off pattern.
inline double occurrence(const Cycle& c, std::uint64_t k) {
    const std::uint64_t n = c.offsets.size();
    if (n == 0) return std::numeric_limits<double>::infinity();
    if (c.period <= 0.0) return k < n ? c.offsets[k] : std::numeric_limits<double>::infinity();
    return static_cast<double>(k / n) * c.period + c.offsets[k % n];
}

// The first occurrence at a time > t (strictly after).
inline std::uint64_t first_after(const Cycle& c, double t) {
    const std::uint64_t n = c.offsets.size();
    if (n == 0) return 0;
    if (c.period <= 0.0)
        return static_cast<std::uint64_t>(std::upper_bound(c.offsets.begin(), c.offsets.end(), t) -
                                          c.offsets.begin());
    const double cycles = std::floor(t / c.period);
    std::uint64_t k = static_cast<std::uint64_t>(std::max(0.0, cycles)) * n;
    // Step over occurrences at or before t; floating-point cycle boundaries
    // make a closed form fragile, and this loop runs a few times at most.
    if (cycles > 0) k -= std::min<std::uint64_t>(k, n);
    while (occurrence(c, k) <= t) ++k;
    return k;
}

// Where a simulated time falls in the week that the model's calendar follows.
class CalendarClock {
public:
    CalendarClock(double hours_per_unit, double start_hour_of_week)
        : hours_per_unit_(hours_per_unit), start_(start_hour_of_week) {}

    double hours_since_monday(double t) const { return t * hours_per_unit_ + start_; }
    // Whole days since the Monday before the start: the same number for any
    // two times on one calendar day.
    std::int64_t day(double t) const { return static_cast<std::int64_t>(std::floor(hours_since_monday(t) / 24.0)); }
    std::int64_t weeks_since_start(double t) const { return static_cast<std::int64_t>(std::floor(t * hours_per_unit_ / 168.0)); }
    int weekday(double t) const { return static_cast<int>(day(t) % 7); }  // 0 = Monday
    int hour(double t) const {
        const double h = hours_since_monday(t) - 24.0 * static_cast<double>(day(t));
        return std::min(23, std::max(0, static_cast<int>(h)));
    }
    double days(double duration) const { return duration * hours_per_unit_ / 24.0; }

private:
    double hours_per_unit_;
    double start_;
};

}  // namespace carepath
