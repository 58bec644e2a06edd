#pragma once
// Sampling of the distributions a scenario may name.  Every method is written
// here from uniforms of a Stream (no <random> distributions) so that the same
// seed gives the same numbers with any standard library.
#include <string>
#include <vector>

#include "carepath/rng.hpp"

namespace carepath {

enum class DistKind : int {
    Exponential = 0,  // a = mean
    Fixed = 1,        // a = value
    Uniform = 2,      // a = low, b = high
    Triangular = 3,   // a = low, b = mode, c = high
    Normal = 4,       // a = mean, b = sd
    Lognormal = 5,    // a = mean, b = sd (of the variable itself, not its log)
    Gamma = 6,        // a = mean, b = sd
    Weibull = 7,      // a = shape, b = scale
    Bernoulli = 8,    // a = p
    EmpiricalDiscrete = 9,     // values, weights
    EmpiricalContinuous = 10,  // values = bin edges, weights = one per bin
};

struct DistSpec {
    DistKind kind = DistKind::Fixed;
    double a = 0.0, b = 0.0, c = 0.0;
    std::vector<double> values;
    std::vector<double> weights;
};

// A DistSpec checked and with its derived constants precomputed.
class Distribution {
public:
    // Throws std::invalid_argument naming `where` if the parameters are invalid.
    Distribution(const DistSpec& spec, const std::string& where);

    // The exponential, by far the commonest, stays inline.
    double sample(Stream& s) const { return kind_ == DistKind::Exponential ? a_ * s.exponential() : sample_other(s); }
    DistKind kind() const { return kind_; }

private:
    double sample_other(Stream& s) const;
    double standard_normal(Stream& s) const;
    double standard_gamma(double shape, Stream& s) const;

    DistKind kind_;
    double a_, b_, c_;
    double p1_ = 0.0, p2_ = 0.0;  // derived: log-space mu/sigma, gamma shape/scale, triangle split
    std::vector<double> values_;
    std::vector<double> cdf_;  // cumulative normalised weights
};

}  // namespace carepath
