#pragma once
// An appointment book: slots of several types that repeat weekly, each type
// bookable a number of calendar days ahead.  Only the slots from now to the
// furthest horizon are stored, so memory does not grow with the run.
#include <cstdint>
#include <vector>

#include "carepath/schedule.hpp"
#include "carepath/spec.hpp"

namespace carepath {

struct BookedSlot {
    int type = -1;
    std::uint64_t occurrence = 0;  // k-th slot of its type
    double time = 0.0;
};

class AppointmentBook {
public:
    void reset(const BookSpec& spec);

    // Takes the earliest free slot that starts after `now` and after
    // `earliest`, is of a type in the mask `allowed`, and lies within its
    // type's booking horizon (counted from now).  Ties in time go to the type
    // listed first.  False if there is none.
    bool take(double now, double earliest, std::uint64_t allowed, const CalendarClock& clock, BookedSlot& out);
    // Gives a taken slot back (its patient left before the appointment).
    void free(const BookedSlot& slot);

    // Slots of every type starting in [from, to).
    std::uint64_t offered(double from, double to) const;

private:
    struct TypeState {
        const SlotTypeSpec* spec = nullptr;
        std::uint64_t base = 0;        // occurrence stored at ring_[head]
        std::uint64_t first_free = 0;  // no free slot in [base, first_free)
        std::vector<std::uint8_t> ring;  // taken flags; size a power of two
        std::size_t head = 0, size = 0;
    };
    static bool taken(const TypeState& s, std::uint64_t k);
    static void set_taken(TypeState& s, std::uint64_t k, bool value);
    static void drop_before(TypeState& s, std::uint64_t k);
    std::vector<TypeState> types_;
};

}  // namespace carepath
