// Drives the carepath engine on M/M/c from C++ alone (no Python), for
// profiling the engine and measuring its peak memory against the horizon.
// Usage: engine_mmc CUSTOMERS [REPLICATIONS] [THREADS] [SERVERS] [LAMBDA]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "carepath/runner.hpp"

// Peak resident memory of this process, KiB.  Linux's VmHWM belongs to the
// process image itself; getrusage's ru_maxrss keeps the parent's peak across
// fork and exec, so under a large Python process it reported the parent.
long peak_kib() {
    if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        long kib = -1;
        while (std::fgets(line, sizeof line, f) != nullptr)
            if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::strtol(line + 6, nullptr, 10);
        std::fclose(f);
        if (kib >= 0) return kib;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

int main(int argc, char** argv) {
    using namespace carepath;
    const double customers = argc > 1 ? std::atof(argv[1]) : 200000;
    const std::size_t reps = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1;
    const unsigned threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;
    const int servers = argc > 4 ? std::atoi(argv[4]) : 5;
    const double lambda = argc > 5 ? std::atof(argv[5]) : 4.5;

    ModelSpec m;
    m.horizon = customers / lambda;
    DistSpec service;
    service.kind = DistKind::Exponential;
    service.a = 1.0;
    m.distributions = {service};
    ResourceSpec clinician;
    clinician.name = "clinician";
    clinician.capacity = servers;
    m.resources = {clinician};
    SourceSpec walk_in;
    walk_in.name = "walk_in";
    walk_in.rate = lambda;
    m.sources = {walk_in};
    StepSpec see;
    see.name = "see";
    see.kind = StepKind::Seize;
    see.resource = 0;
    see.duration = 0;
    see.next = 1;
    StepSpec done;
    done.name = "done";
    done.kind = StepKind::Exit;
    done.outcome = 0;
    m.steps = {see, done};
    m.outcomes = {"treated"};

    const Runner runner(m);
    std::atomic<bool> stop{false};
    const auto t0 = std::chrono::steady_clock::now();
    const RunOutput out = runner.run(reps, 1, threads, stop);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double served = 0;
    for (std::size_t r = 0; r < reps; ++r) served += out.values[r * out.metric_names.size()];
    std::printf("{\"seconds\": %.6f, \"customers\": %.0f, \"ns_per_customer\": %.2f, \"peak_kib\": %ld}\n",
                secs, served, secs / served * 1e9, peak_kib());
    return 0;
}
