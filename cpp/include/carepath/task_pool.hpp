#pragma once
// Runs numbered tasks on a few threads.  Which thread runs a task never
// changes its result: each task is a pure function of its number, and the
// per-thread state only saves allocations.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace carepath {

// Calls task(i, state) for every i in [0, n), each thread with its own
// default-constructed State.  A task returns false to stop early (it saw
// `stop`).  The first exception stops the other threads at their next task
// and is rethrown here.  `done`, if given, counts finished tasks.
// threads = 0 uses every hardware thread.
template <class State, class Task>
void run_task_pool(std::size_t n, unsigned threads, const std::atomic<bool>& stop,
                   std::atomic<std::size_t>* done, Task&& task) {
    if (n == 0) return;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));

    std::atomic<std::size_t> next{0};
    std::atomic<bool> halt{false};
    std::mutex error_mutex;
    std::exception_ptr error;

    auto worker = [&]() {
        State state;
        try {
            for (;;) {
                if (halt.load() || stop.load()) return;
                const std::size_t i = next.fetch_add(1);
                if (i >= n) return;
                if (!task(i, state)) return;
                if (done != nullptr) done->fetch_add(1);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            halt.store(true);
        }
    };

    if (threads == 1) {
        worker();
    } else {
        std::vector<std::thread> pool;
        pool.reserve(threads);
        for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
        for (auto& t : pool) t.join();
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace carepath
