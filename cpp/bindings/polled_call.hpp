#pragma once
// Runs engine work on a worker thread with the GIL released, while the
// interpreter's thread polls every 50 ms: Ctrl-C raises `stop` (the workers
// return at their next check) and surfaces as KeyboardInterrupt, and
// `progress` (a callable, or None) hears `done` whenever it grows.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>

namespace carepath::bindings {

template <class Result, class Job>
Result polled_call(Job&& job, std::size_t total, const pybind11::object& progress, std::atomic<bool>& stop,
                   const std::atomic<std::size_t>& done) {
    std::size_t reported = 0;
    bool interrupted = false;
    std::exception_ptr callback_error;  // rethrown once the workers have stopped
    Result out{};
    {
        pybind11::gil_scoped_release release;
        auto future = std::async(std::launch::async, std::forward<Job>(job));
        while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
            if (interrupted) continue;
            pybind11::gil_scoped_acquire acquire;
            if (PyErr_CheckSignals() != 0) {
                interrupted = true;
                stop.store(true);
                continue;
            }
            const std::size_t now = done.load();
            if (!progress.is_none() && now != reported) {
                reported = now;
                try {
                    progress(now);
                } catch (...) {
                    callback_error = std::current_exception();
                    interrupted = true;
                    stop.store(true);
                }
            }
        }
        if (interrupted) {
            try {
                future.get();
            } catch (...) {
                // the interrupt is what the caller needs to hear about
            }
        } else {
            out = future.get();
        }
    }
    if (callback_error) std::rethrow_exception(callback_error);
    if (interrupted) throw pybind11::error_already_set();
    if (!progress.is_none() && reported != total) progress(total);
    return out;
}

}  // namespace carepath::bindings
