#pragma once
// Random streams: SplitMix64 (Steele, Lea & Flood 2014, as in Java's
// SplittableRandom), one stream per (seed, replication, purpose, index,
// patient).
//
// A stream's starting state and its odd increment ("gamma") are hashes of its
// name, so streams are independent of each other and of the order in which
// they are used: a patient draws the same numbers on whichever thread
// simulates it, and patient k of a source sees the same numbers in every
// variant of a scenario (common random numbers).
#include <cmath>
#include <cstdint>

namespace carepath {

enum class Purpose : std::uint32_t {
    Arrivals = 1,    // inter-arrival times of one source
    Attributes = 2,  // a patient's attributes, sampled at arrival
    Durations = 3,   // a patient's service and delay times
    Routing = 4,     // a patient's branch choices and attendance
    Patience = 5,    // a patient's patience and time-to-event draws
    Costs = 6,       // a patient's cost draws
    Breakdowns = 7,  // a server's times to failure and repairs (index: resource; member: server)
};

// Stafford's "Mix13" finaliser, SplitMix64's output function.  A bijection.
inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// SplittableRandom's gamma: odd, with enough bit transitions to be a good
// Weyl increment.
inline int popcount64(std::uint64_t x) {  // portable: no popcnt instruction assumed
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}

inline std::uint64_t mix_gamma(std::uint64_t z) {
    z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDull;
    z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53ull;
    z = (z ^ (z >> 33)) | 1ull;
    return popcount64(z ^ (z >> 1)) < 24 ? z ^ 0xAAAAAAAAAAAAAAAAull : z;
}

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;

// The key shared by every stream of one (seed, replication, purpose, index);
// computed once per replication, so making a patient's stream costs two mixes.
inline std::uint64_t stream_family(std::uint64_t seed, std::uint32_t replication, Purpose purpose,
                                   std::uint32_t index) {
    std::uint64_t h = mix64(seed + kGoldenGamma);
    h = mix64(h ^ (static_cast<std::uint64_t>(replication) + kGoldenGamma));
    h = mix64(h ^ ((static_cast<std::uint64_t>(purpose) << 32 | index) + kGoldenGamma));
    return h;
}

class Stream {
public:
    Stream() = default;
    // The stream of member `member` (e.g. a patient's ordinal) of a family.
    Stream(std::uint64_t family, std::uint64_t member) {
        const std::uint64_t h = mix64(family ^ (member * kGoldenGamma + kGoldenGamma));
        state_ = h;
        gamma_ = mix_gamma(h + kGoldenGamma);
    }
    Stream(std::uint64_t seed, std::uint32_t replication, Purpose purpose, std::uint32_t index,
           std::uint64_t member)
        : Stream(stream_family(seed, replication, purpose, index), member) {}

    // Plain SplitMix64 from `state` with the golden gamma (for known-answer tests).
    static Stream splitmix64(std::uint64_t state) {
        Stream s;
        s.state_ = state;
        s.gamma_ = kGoldenGamma;
        return s;
    }

    std::uint64_t next_u64() { return mix64(state_ += gamma_); }

    // Uniform on [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

    // Exponential with mean 1.  uniform() is a multiple of 2^-53, so 1 - u
    // is exact and log(1 - u) equals log1p(-u) to rounding, at about half
    // the cost of log1p in glibc.
    double exponential() { return -std::log(1.0 - uniform()); }

private:
    std::uint64_t state_ = 0;
    std::uint64_t gamma_ = kGoldenGamma;
};

}  // namespace carepath
