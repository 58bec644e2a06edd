#pragma once
// Streaming, memory-bounded statistics for one replication.
#include <cstdint>
#include <vector>

namespace carepath {

// Integral of a piecewise-constant level over the observation window
// [warmup, horizon]; mean() is the time average.
class TimeWeighted {
public:
    void reset(double warmup, double horizon) {
        warmup_ = warmup;
        horizon_ = horizon;
        level_ = 0.0;
        last_ = 0.0;
        area_ = 0.0;
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
        last_ = now;
    }
    double warmup_ = 0, horizon_ = 0, level_ = 0, last_ = 0, area_ = 0;
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
