#pragma once
// Discounting of costs and QALYs in continuous time (NICE: 3.5% a year).
//
// A cost c at time t is worth c D(t), D(t) = (1 + r)^-(years since the
// origin).  A flow (a resource-hour rate, a quality-of-life weight) over
// [t0, t1] is worth rate x (G(t1) - G(t0)), G(t) = integral of D from the
// origin to t, in hours; so a flow can be charged in two separate pieces,
// +G at its start and -G at its end, without remembering when it began.
#include <cmath>

namespace carepath {

inline constexpr double kHoursPerYear = 8766.0;  // 365.25 days

class Discount {
public:
    Discount() = default;
    // rate: per year (0.035); hours_per_unit: of the model's time unit;
    // origin: the time (in model units) at which D = 1.
    Discount(double rate, double hours_per_unit, double origin)
        : rate_(rate), hours_per_unit_(hours_per_unit), origin_(origin), log1r_(std::log1p(rate)) {}

    double factor(double t) const {
        return rate_ == 0.0 ? 1.0 : std::exp(-log1r_ * years(t));
    }
    // Discounted hours from the origin to t.
    double hours(double t) const {
        if (rate_ == 0.0) return years(t) * kHoursPerYear;
        return -std::expm1(-log1r_ * years(t)) / log1r_ * kHoursPerYear;
    }

private:
    double years(double t) const { return (t - origin_) * hours_per_unit_ / kHoursPerYear; }
    double rate_ = 0.0, hours_per_unit_ = 1.0, origin_ = 0.0, log1r_ = 0.0;
};

}  // namespace carepath
