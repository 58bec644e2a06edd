// The practical speed limit for M/M/c: a minimal hand-written event loop with
// a binary heap, a FIFO ring of waiting customers, xoshiro256+ uniforms and
// -log(1-u) exponentials.  No statistics beyond the mean wait, no model
// interpretation.  carepath's engine is compared against this per customer.
// Built with -DDRAW_AHEAD, it draws each inter-arrival time one arrival
// ahead, as the engine does, so that placing an arrival in the calendar does
// not wait on the logarithm (its single stream then interleaves the draws
// differently: another sample path of the same model).
// Usage: mmc_reference CUSTOMERS [SERVERS] [LAMBDA] [MU]
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <vector>

namespace {

struct Xoshiro256Plus {
    std::uint64_t s[4];
    explicit Xoshiro256Plus(std::uint64_t seed) {
        for (auto& x : s) {  // splitmix64 seeding
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            x = z ^ (z >> 31);
        }
    }
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    double uniform() {
        const std::uint64_t result = s[0] + s[3];
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return static_cast<double>(result >> 11) * 0x1.0p-53;
    }
    double exponential(double rate) { return -std::log(1.0 - uniform()) / rate; }
};

struct Event {
    double time;
    std::uint64_t seq;
    bool arrival;
    bool operator>(const Event& o) const { return time > o.time || (time == o.time && seq > o.seq); }
};

}  // namespace

int main(int argc, char** argv) {
    const long customers = argc > 1 ? std::atol(argv[1]) : 200000;
    const int servers = argc > 2 ? std::atoi(argv[2]) : 5;
    const double lambda = argc > 3 ? std::atof(argv[3]) : 4.5;
    const double mu = argc > 4 ? std::atof(argv[4]) : 1.0;

    const auto t0 = std::chrono::steady_clock::now();
    Xoshiro256Plus rng(1);
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> calendar;
    std::deque<double> waiting;  // arrival times of queued customers
    std::uint64_t seq = 0;
    int busy = 0;
    long arrived = 0, served = 0;
    double total_wait = 0.0;

    calendar.push({rng.exponential(lambda), seq++, true});
#ifdef DRAW_AHEAD
    double gap = rng.exponential(lambda);
#endif
    while (!calendar.empty()) {
        const Event ev = calendar.top();
        calendar.pop();
        if (ev.arrival) {
            if (++arrived < customers) {
#ifdef DRAW_AHEAD
                calendar.push({ev.time + gap, seq++, true});
                gap = rng.exponential(lambda);
#else
                calendar.push({ev.time + rng.exponential(lambda), seq++, true});
#endif
            }
            if (busy < servers) {
                ++busy;
                calendar.push({ev.time + rng.exponential(mu), seq++, false});
            } else {
                waiting.push_back(ev.time);
            }
        } else {
            ++served;
            if (!waiting.empty()) {
                total_wait += ev.time - waiting.front();
                waiting.pop_front();
                calendar.push({ev.time + rng.exponential(mu), seq++, false});
            } else {
                --busy;
            }
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"seconds\": %.6f, \"customers\": %ld, \"ns_per_customer\": %.2f, \"mean_wait\": %.5f}\n",
                secs, served, secs / static_cast<double>(served) * 1e9, total_wait / static_cast<double>(served));
    return 0;
}
