#include "carepath/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace carepath {
namespace {
constexpr int kSub = 1 << LogHistogram::kSubBits;
}

void LogHistogram::reset() {
    if (highest_ >= lowest_)
        std::fill(counts_.begin() + lowest_, counts_.begin() + highest_ + 1, 0u);
    zeros_ = below_ = above_ = total_ = 0;
    lowest_ = kBins;
    highest_ = -1;
    min_ = max_ = 0;
}

void LogHistogram::add(double x) {
    if (total_ == 0) {
        min_ = max_ = x;
    } else {
        min_ = std::min(min_, x);
        max_ = std::max(max_, x);
    }
    ++total_;
    if (!(x > 0.0)) {
        ++zeros_;
        return;
    }
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    if (exponent < kMinExp) {
        ++below_;
        return;
    }
    if (exponent >= kMaxExp) {
        ++above_;
        return;
    }
    const int bin = ((exponent - kMinExp) << kSubBits) |
                    static_cast<int>((bits >> (52 - kSubBits)) & (kSub - 1));
    ++counts_[static_cast<std::size_t>(bin)];
    lowest_ = std::min(lowest_, bin);
    highest_ = std::max(highest_, bin);
}

double LogHistogram::bin_low(int bin) {
    const int exponent = (bin >> kSubBits) + kMinExp;
    return std::ldexp(1.0 + static_cast<double>(bin & (kSub - 1)) / kSub, exponent);
}

double LogHistogram::quantile(double q) const {
    if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
    const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(total_);
    double cum = static_cast<double>(zeros_);
    if (target <= cum) return std::max(min_, 0.0);
    cum += static_cast<double>(below_);
    if (target <= cum) return std::ldexp(1.0, kMinExp);
    for (int bin = lowest_; bin <= highest_; ++bin) {
        const double c = counts_[static_cast<std::size_t>(bin)];
        if (c == 0) continue;
        if (target <= cum + c) {
            const double low = bin_low(bin);
            const double high = bin_low(bin + 1);
            const double value = low + (target - cum) / c * (high - low);
            return std::clamp(value, min_, max_);
        }
        cum += c;
    }
    return max_;
}

double Tally::mean() const {
    return n > 0 ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace carepath
