#include "carepath/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace carepath {
namespace {
constexpr int kSub = 1 << LogHistogram::kSubBits;
constexpr int kBlock = 1 << LogHistogram::kBlockBits;
}

void LogHistogram::reset() {
    for (int o = 0; o < kOctaves; ++o) {
        if (octaves_[static_cast<std::size_t>(o)] == 0) continue;
        octaves_[static_cast<std::size_t>(o)] = 0;
        for (int b = o << (kSubBits - kBlockBits); b < (o + 1) << (kSubBits - kBlockBits); ++b) {
            if (blocks_[static_cast<std::size_t>(b)] == 0) continue;
            blocks_[static_cast<std::size_t>(b)] = 0;
            std::fill_n(counts_.begin() + (b << kBlockBits), kBlock, 0u);
        }
    }
    zeros_ = below_ = above_ = total_ = 0;
    min_ = std::numeric_limits<double>::infinity();
    max_ = -min_;
}

void LogHistogram::add_outside(int exponent) { ++(exponent < kMinExp ? below_ : above_); }

double LogHistogram::bin_low(int bin) {
    const int exponent = (bin >> kSubBits) + kMinExp;
    return std::ldexp(1.0 + static_cast<double>(bin & (kSub - 1)) / kSub, exponent);
}

void LogHistogram::quantiles(const double* qs, double* out, std::size_t n) const {
    std::size_t k = 0;
    if (total_ == 0) {
        for (; k < n; ++k) out[k] = std::numeric_limits<double>::quiet_NaN();
        return;
    }
    constexpr std::size_t kMost = 8;
    double targets[kMost];
    n = std::min(n, kMost);
    for (std::size_t i = 0; i < n; ++i) targets[i] = std::clamp(qs[i], 0.0, 1.0) * static_cast<double>(total_);
    double cum = static_cast<double>(zeros_);
    for (; k < n && targets[k] <= cum; ++k) out[k] = std::max(min_, 0.0);
    cum += static_cast<double>(below_);
    for (; k < n && targets[k] <= cum; ++k) out[k] = std::ldexp(1.0, kMinExp);
    for (int o = 0; o < kOctaves && k < n; ++o) {
        const double in_octave = octaves_[static_cast<std::size_t>(o)];
        if (!(targets[k] <= cum + in_octave)) {
            cum += in_octave;
            continue;
        }
        for (int b = o << (kSubBits - kBlockBits); b < (o + 1) << (kSubBits - kBlockBits); ++b) {
            const double in_block = blocks_[static_cast<std::size_t>(b)];
            if (!(targets[k] <= cum + in_block)) {
                cum += in_block;
                continue;
            }
            for (int bin = b << kBlockBits; bin < (b + 1) << kBlockBits; ++bin) {
                const double c = counts_[static_cast<std::size_t>(bin)];
                if (c == 0) continue;
                for (; k < n && targets[k] <= cum + c; ++k) {
                    const double low = bin_low(bin);
                    const double high = bin_low(bin + 1);
                    out[k] = std::clamp(low + (targets[k] - cum) / c * (high - low), min_, max_);
                }
                if (k == n) return;
                cum += c;
            }
        }
    }
    for (; k < n; ++k) out[k] = max_;
}

double Tally::mean() const {
    return n > 0 ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace carepath
