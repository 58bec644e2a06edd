#pragma once
// The checks a ModelSpec is compiled with: each failure a std::invalid_argument
// naming the field, shared by the files that compile its parts.
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "carepath/spec.hpp"

namespace carepath::compile {

[[noreturn]] inline void invalid(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

inline void check_index(int index, std::size_t size, const std::string& where, const char* what) {
    if (index < 0 || static_cast<std::size_t>(index) >= size)
        invalid(where, std::string(what) + " index " + std::to_string(index) + " out of range");
}

inline void check_cycle(const Cycle& c, const std::string& where) {
    if (!std::isfinite(c.period) || c.period < 0) invalid(where, "period must be >= 0");
    for (std::size_t i = 0; i < c.offsets.size(); ++i) {
        const double t = c.offsets[i];
        if (!std::isfinite(t) || t < 0 || (c.period > 0 && t >= c.period))
            invalid(where, "times must lie in [0, period)");
        if (i > 0 && t < c.offsets[i - 1]) invalid(where, "times must be sorted");
    }
}

inline std::string format_value(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace carepath::compile
