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

// The octaves from the least positive value seen to the largest: no count lies outside.
void LogHistogram::octaves_used(int& first, int& last) const {
    auto octave = [](double x) {
        if (!(x > 0.0)) return 0;
        std::uint64_t bits;
        std::memcpy(&bits, &x, sizeof bits);
        const int o = static_cast<int>(bits >> 52) - 1023 - kMinExp;  // as add() finds it
        return std::clamp(o, 0, kOctaves - 1);
    };
    first = octave(min_positive_);
    last = max_ > 0.0 ? octave(max_) : -1;
}

// Clears the blocks used.  Which blocks of an octave are used is read into
// a bit mask first: a branch on each block would be mispredicted about as
// often as not when a replication's few hundred values are spread thin.
void LogHistogram::reset(bool bins) {
    int first, last;
    octaves_used(first, last);
    if (counts_.empty()) last = -1;
    constexpr int kBlocksPerOctave = 1 << (kSubBits - kBlockBits);
    for (int o = first; o <= last; ++o) {
        std::uint32_t* blocks = blocks_.data() + o * kBlocksPerOctave;
        unsigned used = 0;
        for (int i = 0; i < kBlocksPerOctave; ++i) used |= static_cast<unsigned>(blocks[i] != 0) << i;
        for (; used != 0; used &= used - 1) {
            const int b = o * kBlocksPerOctave + __builtin_ctz(used);
            std::fill_n(counts_.begin() + b * kBlock, kBlock, 0u);
        }
        std::fill_n(blocks, kBlocksPerOctave, 0u);
        octaves_[static_cast<std::size_t>(o)] = 0;
    }
    bins_ = bins;
    if (!bins && !counts_.empty()) {  // give the memory back (assigning {} would keep it)
        std::vector<std::uint32_t>().swap(counts_);
        std::vector<std::uint32_t>().swap(blocks_);
        std::vector<std::uint32_t>().swap(octaves_);
    }
    zeros_ = below_ = above_ = total_ = 0;
    min_ = min_positive_ = std::numeric_limits<double>::infinity();
    max_ = -min_;
}

void LogHistogram::add_outside(int exponent) { ++(exponent < kMinExp ? below_ : above_); }

void LogHistogram::allocate() {
    counts_.assign(kBins, 0);
    blocks_.assign(kBins >> kBlockBits, 0);
    octaves_.assign(kOctaves, 0);
}

// 2^exponent * (1 + sub / 2^kSubBits), built from its bits (exact, as ldexp
// would give, without a library call).
double LogHistogram::bin_low(int bin) {
    const auto exponent = static_cast<std::uint64_t>((bin >> kSubBits) + kMinExp + 1023);
    const std::uint64_t bits = exponent << 52 | static_cast<std::uint64_t>(bin & (kSub - 1)) << (52 - kSubBits);
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
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
    int first, last;
    octaves_used(first, last);
    if (counts_.empty()) last = -1;  // no value in the bins' range
    for (int o = first; o <= last && k < n; ++o) {
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
            const std::uint32_t* counts = counts_.data() + (b << kBlockBits);
            unsigned used = 0;  // the block's non-empty bins, found without a branch each
            for (int i = 0; i < kBlock; ++i) used |= static_cast<unsigned>(counts[i] != 0) << i;
            for (; used != 0; used &= used - 1) {
                const int bin = (b << kBlockBits) + __builtin_ctz(used);
                const double c = counts_[static_cast<std::size_t>(bin)];
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
    return n() > 0 ? sum / static_cast<double>(n()) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace carepath
