#pragma once
// Streaming, memory-bounded statistics for one replication.
#include <cmath>
#include <cstdint>
#include <vector>

namespace carepath {

// Integral of a piecewise-constant level over the observation window
// [warmup, horizon]; mean() is the time average.  With bins, the integral is
// also kept per bin of a fixed width from the warm-up's end (a time series).
class TimeWeighted {
public:
    void reset(double warmup, double horizon) {
        warmup_ = warmup;
        horizon_ = horizon;
        level_ = 0.0;
        last_ = 0.0;
        area_ = 0.0;
        bin_width_ = 0.0;
        bins_.clear();
    }
    void use_bins(double width, std::size_t n) {
        bin_width_ = width;
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
    void accumulate(double now) {
        if (now > horizon_) now = horizon_;
        if (last_ < warmup_) {
            if (now <= warmup_) {
                last_ = now;
                return;
            }
            last_ = warmup_;
        }
        area_ += level_ * (now - last_);
        if (bin_width_ > 0.0 && level_ != 0.0) spread(last_, now);
        last_ = now;
    }
    [[gnu::noinline]] void spread(double from, double to) {
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
    std::vector<double> bins_;
};

// Log-linear histogram of non-negative values (HDR style): exact zeros are
// counted apart, positive values fall in 2^kSubBits bins per power of two
// between 2^kMinExp and 2^kMaxExp, so a quantile is within 1/2^kSubBits
// (0.4%) relative error whatever the scale of the values.
class LogHistogram {
public:
    static constexpr int kSubBits = 8;
    static constexpr int kMinExp = -32;
    static constexpr int kMaxExp = 40;
    static constexpr int kBins = (kMaxExp - kMinExp) << kSubBits;

    LogHistogram() : counts_(kBins, 0) {}
    void reset();
    void add(double x);
    std::uint64_t count() const { return total_; }
    // Quantile q in [0, 1], interpolated linearly within the bin; NaN if empty.
    double quantile(double q) const;

private:
    static double bin_low(int bin);
    std::vector<std::uint32_t> counts_;
    std::uint64_t zeros_ = 0, below_ = 0, above_ = 0, total_ = 0;
    int lowest_ = kBins, highest_ = -1;  // touched range, so reset is cheap
    double min_ = 0, max_ = 0;
};

// Count, sum and distribution of one kind of observation (e.g. waits at a
// step), with exact counts above user-given thresholds.
struct Tally {
    std::uint64_t n = 0;
    std::uint64_t positive = 0;
    double sum = 0.0;
    LogHistogram histogram;
    std::vector<double> thresholds;
    std::vector<std::uint64_t> over;

    void reset(const std::vector<double>& over_thresholds = {}) {
        n = positive = 0;
        sum = 0.0;
        histogram.reset();
        thresholds = over_thresholds;
        over.assign(thresholds.size(), 0);
    }
    void add(double x) {
        ++n;
        positive += x > 0.0;
        sum += x;
        histogram.add(x);
        for (std::size_t i = 0; i < thresholds.size(); ++i) over[i] += x > thresholds[i];
    }
    double mean() const;
};

}  // namespace carepath
