#pragma once
// Streaming, memory-bounded statistics for one replication.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace carepath {

// Integral of a piecewise-constant level over the observation window
// [warmup, horizon]; mean() is the time average.  With bins, the integral is
// also kept per bin of a fixed width from the warm-up's end (a time series).
// With levels, the time spent at each level 0..top (the top pooling every
// level above it), and optionally the level seen at audits every `audit`
// time units from the warm-up's end: O(1) per change of level.
class TimeWeighted {
public:
    void reset(double warmup, double horizon) {
        warmup_ = warmup;
        horizon_ = horizon;
        level_ = 0.0;
        last_ = warmup;
        area_ = 0.0;
        bin_width_ = 0.0;
        extras_ = false;
        bins_.clear();
        time_at_.clear();
        audits_.clear();
        audit_ = 0.0;
        n_audits_ = 0;
    }
    void use_levels(std::size_t top, double audit) {
        time_at_.assign(top + 1, 0.0);
        extras_ = true;
        audit_ = audit;
        audits_.assign(audit > 0.0 ? top + 1 : 0, 0.0);
        n_audits_ = 0;
        next_audit_ = warmup_;
    }
    std::size_t top() const { return time_at_.empty() ? 0 : time_at_.size() - 1; }
    // Share of the window spent at level k (k = top: at top or above).
    double level_share(std::size_t k) {
        accumulate(horizon_);
        const double span = horizon_ - warmup_;
        return span > 0 ? time_at_[k] / span : std::nan("");
    }
    // Share of the audits that saw level k; NaN without audits.
    double audit_share(std::size_t k) {
        accumulate(horizon_);
        return n_audits_ > 0 ? audits_[k] / static_cast<double>(n_audits_) : std::nan("");
    }
    void use_bins(double width, std::size_t n) {
        bin_width_ = width;
        extras_ = true;
        bins_.assign(n, 0.0);
    }
    // The mean level in bin k (the last bin may be shorter than the width).
    double bin_mean(std::size_t k) {
        accumulate(horizon_);
        const double start = warmup_ + static_cast<double>(k) * bin_width_;
        const double end = std::fmin(start + bin_width_, horizon_);
        return end > start ? bins_[k] / (end - start) : std::nan("");
    }
    void set(double now, double level) {
        accumulate(now);
        level_ = level;
    }
    void add(double now, double delta) {
        accumulate(now);
        level_ += delta;
    }
    double level() const { return level_; }
    double mean(double end) {
        accumulate(end < horizon_ ? end : horizon_);
        const double span = horizon_ - warmup_;
        return span > 0 ? area_ / span : 0.0;
    }

private:
    // Clipped to the window: events go on past the horizon during a follow-up.
    // Before the warm-up, now is clipped to it and adds zero: no branch.
    void accumulate(double now) {
        now = std::min(std::max(now, warmup_), horizon_);
        area_ += level_ * (now - last_);
        if (extras_) keep_extras(last_, now);
        last_ = now;
    }
    // Bins and levels, when asked for: one flag keeps them off the plain path.
    [[gnu::noinline]] void keep_extras(double from, double to) {
        if (bin_width_ > 0.0 && level_ != 0.0) spread(from, to);
        if (!time_at_.empty()) tally(from, to);
    }
    // An audit at time t sees the level in force over [t, next change), so
    // the last of several changes at the same instant.
    void tally(double from, double to) {
        const std::size_t top = time_at_.size() - 1;
        const std::size_t k = level_ <= 0.0 ? 0 : std::min(static_cast<std::size_t>(level_ + 0.5), top);
        time_at_[k] += to - from;
        if (audit_ > 0.0) {
            while (next_audit_ < to) {
                audits_[k] += 1.0;
                ++n_audits_;
                next_audit_ = warmup_ + static_cast<double>(n_audits_) * audit_;
            }
        }
    }
    void spread(double from, double to) {
        while (from < to) {
            auto k = static_cast<std::size_t>((from - warmup_) / bin_width_);
            if (k >= bins_.size()) k = bins_.size() - 1;
            double end = warmup_ + static_cast<double>(k + 1) * bin_width_;
            if (end > to || k + 1 == bins_.size()) end = to;
            if (!(end > from)) end = to;  // rounding at a bin edge: finish in this bin
            bins_[k] += level_ * (end - from);
            from = end;
        }
    }
    double warmup_ = 0, horizon_ = 0, level_ = 0, last_ = 0, area_ = 0;
    double bin_width_ = 0;
    bool extras_ = false;  // bins or levels
    std::vector<double> bins_;
    std::vector<double> time_at_, audits_;  // per level
    double audit_ = 0, next_audit_ = 0;
    std::uint64_t n_audits_ = 0;
};

// Log-linear histogram of non-negative values (HDR style): exact zeros are
// counted apart, positive values fall in 2^kSubBits bins per power of two
// between 2^kMinExp and 2^kMaxExp, so a quantile is within 1/2^kSubBits
// (0.4%) relative error whatever the scale of the values.  Counts per power
// of two (octave) and per block of 16 bins let quantiles skip to their block
// and a reset clear only the blocks used, between the least positive and
// the largest value seen: a few dozen steps, not the whole range (a
// replication's tallies often see a few hundred values).
class LogHistogram {
public:
    static constexpr int kSubBits = 8;
    static constexpr int kMinExp = -32;
    static constexpr int kMaxExp = 40;
    static constexpr int kOctaves = kMaxExp - kMinExp;
    static constexpr int kBins = kOctaves << kSubBits;
    static constexpr int kBlockBits = 4;

    // Empties the histogram; without bins it only counts (no percentiles).
    // The bins' storage (about 80 KB) is taken at the first value that needs it.
    void reset(bool bins = true);
    void add(double x) {
        ++total_;
        const bool positive = x > 0.0;
        zeros_ += !positive;
        if (!bins_) return;  // counting only: nothing else is read
        min_ = std::min(min_, x);
        max_ = std::max(max_, x);
        if (!positive) return;
        min_positive_ = std::min(min_positive_, x);
        std::uint64_t bits;
        std::memcpy(&bits, &x, sizeof bits);
        const int exponent = static_cast<int>(bits >> 52) - 1023;  // x > 0: no sign bit
        const auto octave = static_cast<unsigned>(exponent - kMinExp);
        if (octave >= static_cast<unsigned>(kOctaves)) return add_outside(exponent);
        if (counts_.empty()) allocate();
        const unsigned bin = octave << kSubBits | static_cast<unsigned>(bits >> (52 - kSubBits)) & ((1u << kSubBits) - 1);
        ++counts_[bin];
        ++blocks_[bin >> kBlockBits];
        ++octaves_[octave];
    }
    std::uint64_t count() const { return total_; }
    std::uint64_t not_positive() const { return zeros_; }  // zeros, and any value not > 0
    // Quantiles qs[0] <= qs[1] <= ... in [0, 1] (at most 8), in one pass over
    // the bins, each interpolated linearly within its bin; NaN if empty.
    void quantiles(const double* qs, double* out, std::size_t n) const;

private:
    static double bin_low(int bin);
    [[gnu::noinline]] void add_outside(int exponent);
    [[gnu::noinline]] void allocate();
    void octaves_used(int& first, int& last) const;
    std::vector<std::uint32_t> counts_;
    std::vector<std::uint32_t> blocks_;   // per 16 bins: their sum
    std::vector<std::uint32_t> octaves_;  // per power of two: the sum of its bins
    bool bins_ = true;
    std::uint64_t zeros_ = 0, below_ = 0, above_ = 0, total_ = 0;
    double min_ = std::numeric_limits<double>::infinity(), max_ = -std::numeric_limits<double>::infinity();
    double min_positive_ = std::numeric_limits<double>::infinity();  // bounds the octaves used, with max_
};

// Count, sum and distribution of one kind of observation (e.g. waits at a
// step), with exact counts above user-given thresholds.
struct Tally {
    double sum = 0.0;
    LogHistogram histogram;  // also counts the observations, and those not > 0
    std::vector<double> thresholds;
    std::vector<std::uint64_t> over;

    // distribution: keep the histogram's bins, for percentiles
    void reset(const std::vector<double>& over_thresholds = {}, bool distribution = true) {
        sum = 0.0;
        histogram.reset(distribution);
        thresholds = over_thresholds;
        over.assign(thresholds.size(), 0);
    }
    void add(double x) {
        sum += x;
        histogram.add(x);
        for (std::size_t i = 0; i < thresholds.size(); ++i) over[i] += x > thresholds[i];
    }
    std::uint64_t n() const { return histogram.count(); }
    std::uint64_t positive() const { return histogram.count() - histogram.not_positive(); }
    double mean() const;
};

}  // namespace carepath
