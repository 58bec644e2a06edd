#pragma once
// Sampling of the distributions a scenario may name.  Every method is written
// here from uniforms of a Stream (no <random> distributions) so that the same
// seed gives the same numbers with any standard library.
#include <limits>
#include <memory>
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
    Poisson = 11,              // a = mean: a count
};

struct DistSpec {
    DistKind kind = DistKind::Fixed;
    double a = 0.0, b = 0.0, c = 0.0;
    std::vector<double> values;
    std::vector<double> weights;
    // Truncation: a draw outside [low, high] is drawn again (salabim's
    // bounded_sample).  Python checks at load that the bounds keep mass.
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
};

// A DistSpec checked and with its derived constants precomputed.
class Distribution {
public:
    // Throws std::invalid_argument naming `where` if the parameters are invalid.
    Distribution(const DistSpec& spec, const std::string& where);

    // The exponential, by far the commonest, stays inline.
    double sample(Stream& s) const { return kind_ == DistKind::Exponential ? a_ * s.exponential() : sample_other(s); }
    DistKind kind() const { return family_; }

private:
    [[gnu::noinline]] double sample_other(Stream& s) const;
    double draw(Stream& s) const;
    [[gnu::noinline]] double draw_within(Stream& s) const;
    double standard_normal(Stream& s) const;
    double standard_gamma(double shape, Stream& s) const;
    double poisson(Stream& s) const;

    // Bounds, apart: every replication thread copies the distributions, and
    // the hot ones stay as small as they were (in line, they cost M/M/5 1.3%
    // more instructions a customer).
    struct Truncation {
        double low, high;
        std::string where;  // for the error of a draw that never falls within them
    };

    // What sample() dispatches on: the family, or kBounded for a truncated one
    // (so that the exponential's inline test is the only one on the hot path).
    DistKind kind_;
    DistKind family_;
    double a_, b_, c_;
    double p1_ = 0.0, p2_ = 0.0;  // derived: log-space mu/sigma, gamma shape/scale, triangle split
    std::vector<double> values_;
    std::vector<double> cdf_;  // cumulative normalised weights
    std::shared_ptr<const Truncation> truncation_;  // null: unbounded
};

}  // namespace carepath
