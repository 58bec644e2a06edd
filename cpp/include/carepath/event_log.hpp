#pragma once
// The event log of one replication (`results.event_log`): one row per event
// of an observed patient, in columns, capped at a number of rows.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace carepath {

enum class LogEvent : std::int8_t {
    Arrive = 0,    // at the source's start step
    Schedule = 1,  // joined a queue, booked a slot
    Start = 2,     // service, delay or appointment begins
    Complete = 3,  // ... and ends
    Renege = 4,    // left a queue or lost a race
    Balk = 5,      // found the queue full
    Dna = 6,       // did not attend a slot
    Full = 7,      // found no free slot
    Exit = 8,      // left the system (at an exit step)
    Release = 9,   // gave back a hold (at a release step, or what is left at exit)
};

struct EventLog {
    std::vector<std::int64_t> patient;  // source << 32 | the patient's ordinal in its source
    std::vector<std::int32_t> step;
    std::vector<std::int8_t> event;
    std::vector<double> time;
    std::vector<std::int32_t> resource;  // -1 when none
    std::size_t cap = 0;
    std::uint64_t dropped = 0;  // events past the cap

    void reset(std::size_t max_rows) {
        patient.clear();
        step.clear();
        event.clear();
        time.clear();
        resource.clear();
        cap = max_rows;
        dropped = 0;
    }
    void add(std::int64_t who, std::int32_t where, LogEvent what, double when, std::int32_t res) {
        if (patient.size() >= cap) {
            ++dropped;
            return;
        }
        patient.push_back(who);
        step.push_back(where);
        event.push_back(static_cast<std::int8_t>(what));
        time.push_back(when);
        resource.push_back(res);
    }
    std::size_t size() const { return patient.size(); }
};

}  // namespace carepath
