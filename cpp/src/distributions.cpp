#include "carepath/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace carepath {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr auto kBounded = static_cast<DistKind>(-1);

[[noreturn]] void invalid(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

void require_finite(double x, const std::string& where, const char* name) {
    if (!std::isfinite(x)) invalid(where, std::string(name) + " must be a finite number");
}

void require_positive(double x, const std::string& where, const char* name) {
    require_finite(x, where, name);
    if (!(x > 0)) invalid(where, std::string(name) + " must be > 0, got " + std::to_string(x));
}

std::vector<double> cumulative(const std::vector<double>& weights, const std::string& where) {
    std::vector<double> cdf(weights.size());
    double total = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        require_finite(weights[i], where, "weights");
        if (weights[i] < 0) invalid(where, "weights must be >= 0");
        total += weights[i];
        cdf[i] = total;
    }
    if (!(total > 0)) invalid(where, "weights must sum to a positive number");
    for (auto& c : cdf) c /= total;
    cdf.back() = 1.0;
    return cdf;
}

}  // namespace

Distribution::Distribution(const DistSpec& spec, const std::string& where)
    : kind_(spec.kind), family_(spec.kind), a_(spec.a), b_(spec.b), c_(spec.c) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (std::isnan(spec.low) || std::isnan(spec.high)) invalid(where, "low and high must be numbers");
    const bool bounded = spec.low > -kInf || spec.high < kInf;
    if (bounded && !(spec.low < spec.high)) invalid(where, "low must be < high");
    switch (kind_) {
        case DistKind::Exponential:
            require_positive(a_, where, "mean");
            break;
        case DistKind::Fixed:
            require_finite(a_, where, "value");
            break;
        case DistKind::Uniform:
            require_finite(a_, where, "low");
            require_finite(b_, where, "high");
            if (!(a_ < b_)) invalid(where, "low must be < high");
            break;
        case DistKind::Triangular:
            require_finite(a_, where, "low");
            require_finite(b_, where, "mode");
            require_finite(c_, where, "high");
            if (!(a_ <= b_ && b_ <= c_ && a_ < c_)) invalid(where, "need low <= mode <= high and low < high");
            p1_ = (b_ - a_) / (c_ - a_);
            break;
        case DistKind::Normal:
            require_finite(a_, where, "mean");
            require_positive(b_, where, "sd");
            break;
        case DistKind::Lognormal: {
            require_positive(a_, where, "mean");
            require_positive(b_, where, "sd");
            const double s2 = std::log1p((b_ / a_) * (b_ / a_));
            p2_ = std::sqrt(s2);
            p1_ = std::log(a_) - 0.5 * s2;
            break;
        }
        case DistKind::Gamma:
            require_positive(a_, where, "mean");
            require_positive(b_, where, "sd");
            p1_ = (a_ / b_) * (a_ / b_);  // shape
            p2_ = b_ * b_ / a_;           // scale
            break;
        case DistKind::Weibull:
            require_positive(a_, where, "shape");
            require_positive(b_, where, "scale");
            break;
        case DistKind::Bernoulli:
            require_finite(a_, where, "p");
            if (a_ < 0 || a_ > 1) invalid(where, "p must be in [0, 1], got " + std::to_string(a_));
            break;
        case DistKind::Poisson:
            require_finite(a_, where, "mean");
            if (!(a_ >= 0)) invalid(where, "mean must be >= 0, got " + std::to_string(a_));
            p1_ = std::exp(-a_);
            break;
        case DistKind::EmpiricalDiscrete:
            if (spec.values.empty()) invalid(where, "values must not be empty");
            if (spec.weights.size() != spec.values.size())
                invalid(where, "weights must have one entry per value");
            for (double v : spec.values) require_finite(v, where, "values");
            values_ = spec.values;
            cdf_ = cumulative(spec.weights, where);
            break;
        case DistKind::EmpiricalContinuous:
            if (spec.values.size() < 2) invalid(where, "values (bin edges) need at least two entries");
            if (spec.weights.size() + 1 != spec.values.size())
                invalid(where, "weights must have one entry per bin (len(values) - 1)");
            for (std::size_t i = 0; i < spec.values.size(); ++i) {
                require_finite(spec.values[i], where, "values");
                if (i > 0 && !(spec.values[i] > spec.values[i - 1]))
                    invalid(where, "bin edges (values) must increase strictly");
            }
            values_ = spec.values;
            cdf_ = cumulative(spec.weights, where);
            break;
        default:
            invalid(where, "unknown distribution kind " + std::to_string(static_cast<int>(kind_)));
    }
    if (bounded) {
        kind_ = kBounded;
        truncation_ = std::make_shared<const Truncation>(Truncation{spec.low, spec.high, where});
    }
}

double Distribution::standard_normal(Stream& s) const {
    const double u1 = s.uniform();
    const double u2 = s.uniform();
    return std::sqrt(2.0 * -std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
}

// Marsaglia & Tsang (2000), with the u^(1/shape) boost for shape < 1.
double Distribution::standard_gamma(double shape, Stream& s) const {
    if (shape < 1.0) {
        const double g = standard_gamma(shape + 1.0, s);
        return g * std::pow(1.0 - s.uniform(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        const double z = standard_normal(s);
        double v = 1.0 + c * z;
        if (v <= 0.0) continue;
        v = v * v * v;
        const double u = 1.0 - s.uniform();  // (0, 1]
        if (u < 1.0 - 0.0331 * z * z * z * z) return d * v;
        if (std::log(u) < 0.5 * z * z + d * (1.0 - v + std::log(v))) return d * v;
    }
}

// Small means by inversion (one uniform, a search from 0); from 10 on,
// Hoermann's (1993) transformed rejection PTRS, as numpy draws it.
double Distribution::poisson(Stream& s) const {
    if (a_ < 10.0) {
        const double u = s.uniform();
        double p = p1_, cdf = p;
        double k = 0.0;
        while (u > cdf && p > 0.0) {
            k += 1.0;
            p *= a_ / k;
            cdf += p;
        }
        return k;
    }
    const double slam = std::sqrt(a_), loglam = std::log(a_);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        const double u = s.uniform() - 0.5;
        const double v = s.uniform();
        const double us = 0.5 - std::fabs(u);
        const double k = std::floor((2.0 * a / us + b) * u + a_ + 0.43);
        if (us >= 0.07 && v <= vr) return k;
        if (k < 0.0 || (us < 0.013 && v > us)) continue;
        if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -a_ + k * loglam - std::lgamma(k + 1.0))
            return k;
    }
}

double Distribution::sample_other(Stream& s) const { return kind_ == kBounded ? draw_within(s) : draw(s); }

// Truncation by rejection: the bounds keep at least 1e-6 of the mass (checked
// at load), so a hundred million draws outside in a row do not happen.
double Distribution::draw_within(Stream& s) const {
    constexpr long kMaxDraws = 100000000;
    const Truncation& t = *truncation_;
    for (long k = 0; k < kMaxDraws; ++k) {
        const double x = draw(s);
        if (x >= t.low && x <= t.high) return x;
    }
    throw std::runtime_error(t.where + ": " + std::to_string(kMaxDraws) +
                             " draws in a row fell outside low and high: widen them");
}

double Distribution::draw(Stream& s) const {
    switch (family_) {
        case DistKind::Exponential:
            return a_ * s.exponential();
        case DistKind::Fixed:
            return a_;
        case DistKind::Uniform:
            return a_ + (b_ - a_) * s.uniform();
        case DistKind::Triangular: {
            const double u = s.uniform();
            if (u < p1_) return a_ + std::sqrt(u * (c_ - a_) * (b_ - a_));
            return c_ - std::sqrt((1.0 - u) * (c_ - a_) * (c_ - b_));
        }
        case DistKind::Normal:
            return a_ + b_ * standard_normal(s);
        case DistKind::Lognormal:
            return std::exp(p1_ + p2_ * standard_normal(s));
        case DistKind::Gamma:
            return p2_ * standard_gamma(p1_, s);
        case DistKind::Weibull:
            return b_ * std::pow(s.exponential(), 1.0 / a_);
        case DistKind::Bernoulli:
            return s.uniform() < a_ ? 1.0 : 0.0;
        case DistKind::Poisson:
            return poisson(s);
        case DistKind::EmpiricalDiscrete: {
            const double u = s.uniform();
            const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
            return values_[static_cast<std::size_t>(it - cdf_.begin())];
        }
        case DistKind::EmpiricalContinuous: {
            const double u = s.uniform();
            const auto i = static_cast<std::size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
            const double lo = i == 0 ? 0.0 : cdf_[i - 1];
            const double width = cdf_[i] - lo;
            const double frac = width > 0 ? (u - lo) / width : 0.0;
            return values_[i] + frac * (values_[i + 1] - values_[i]);
        }
    }
    return 0.0;
}

}  // namespace carepath
