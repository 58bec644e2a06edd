#pragma once
// Patients in the system, in a slab with a free list: an event refers to a
// patient by slot index, and memory grows with the number of patients present
// at once, not with the number simulated.
#include <cstdint>
#include <vector>

#include "carepath/rng.hpp"

namespace carepath {

struct Patient {
    double arrival_time = 0.0;
    double queue_since = 0.0;      // when it joined its current queue
    double last_step_time = 0.0;   // for the zero-time loop guard
    std::int64_t steps_without_time = 0;
    Stream durations;
    Stream routing;  // made on the first branch: most steps never need it
    std::uint32_t source = 0;
    std::uint32_t ordinal = 0;  // k-th patient of its source: names its streams
    std::int32_t step = 0;
    bool observed = false;  // arrived after the warm-up: its outcomes are recorded
    bool has_routing = false;
};

class PatientPool {
public:
    void reset(std::size_t n_attributes) {
        patients_.clear();
        attributes_.clear();
        free_.clear();
        n_attributes_ = n_attributes;
        live_ = 0;
    }

    std::uint32_t acquire() {
        ++live_;
        if (!free_.empty()) {
            const std::uint32_t slot = free_.back();
            free_.pop_back();
            return slot;
        }
        patients_.emplace_back();
        attributes_.resize(attributes_.size() + n_attributes_);
        return static_cast<std::uint32_t>(patients_.size() - 1);
    }

    void release(std::uint32_t slot) {
        --live_;
        free_.push_back(slot);
    }

    Patient& operator[](std::uint32_t slot) { return patients_[slot]; }
    double* attributes(std::uint32_t slot) { return attributes_.data() + slot * n_attributes_; }
    std::size_t live() const { return live_; }
    std::size_t capacity() const { return patients_.size(); }
    template <class F>
    void for_each_live(F&& f) {
        std::vector<bool> is_free(patients_.size(), false);
        for (auto s : free_) is_free[s] = true;
        for (std::uint32_t s = 0; s < patients_.size(); ++s)
            if (!is_free[s]) f(patients_[s]);
    }

private:
    std::vector<Patient> patients_;
    std::vector<double> attributes_;
    std::vector<std::uint32_t> free_;
    std::size_t n_attributes_ = 0;
    std::size_t live_ = 0;
};

}  // namespace carepath
