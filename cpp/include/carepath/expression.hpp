#pragma once
// A compiled expression over patient attributes and the state of the service,
// evaluated by a small stack machine.  Python parses the expression text and
// emits this postfix program; the engine never sees text.
#include <cstdint>
#include <string>
#include <vector>

namespace carepath {

enum class Op : std::int32_t {
    Const = 0,  // push consts[arg]
    Attr = 1,   // push attributes[arg]
    Neg = 2,
    Not = 3,
    Add = 4,
    Sub = 5,
    Mul = 6,
    Div = 7,
    Mod = 8,
    Pow = 9,
    Lt = 10,
    Le = 11,
    Gt = 12,
    Ge = 13,
    Eq = 14,
    Ne = 15,
    And = 16,
    Or = 17,
    Select = 18,  // pops else, then, cond: cond != 0 ? then : else
    State = 19,   // push the state of the service: kind = arg >> 16, index = arg & 0xFFFF
    Fn1 = 20,     // apply Fn1Kind(arg) to the top
    Fn2 = 21,     // pops y, x: push Fn2Kind(arg)(x, y)
};

// What an expression can read of the service, O(1) each.
enum class StateKind : std::int32_t {
    Queue = 0,      // patients waiting for resource index
    Busy = 1,       // its servers busy
    Capacity = 2,   // its servers scheduled now
    Free = 3,       // capacity - busy, at least 0
    InSystem = 4,   // patients in the system
    Occupancy = 5,  // patients at step index (an occupancy step)
    Hour = 6,       // fractional hour of the day on the calendar
    Weekday = 7,    // 0 = Monday
    Day = 8,        // whole days since t = 0
    Global = 9,     // the value of global variable index
};
constexpr std::int32_t kStateKinds = 10;
enum class Fn1Kind : std::int32_t { Abs = 0, Floor = 1, Ceil = 2, Exp = 3, Log = 4 };
enum class Fn2Kind : std::int32_t { Min = 0, Max = 1 };

// The simulation's side of State: a replication implements it.
class StateView {
public:
    virtual double state(StateKind kind, int index) const = 0;

protected:
    ~StateView() = default;
};

// The bounds a State operand's index is checked against.
struct StateLimits {
    int resources = 0;
    int steps = 0;
    int globals = 0;
};

struct ExprSpec {
    std::vector<std::int32_t> ops;
    std::vector<std::int32_t> args;
    std::vector<double> consts;
    std::string text;  // for error messages only
};

class Expression {
public:
    static constexpr int kMaxDepth = 64;
    // Checks the program (operand indices, stack depth) so that evaluation
    // can never read out of bounds; throws std::invalid_argument otherwise.
    Expression(const ExprSpec& spec, int n_attributes, const std::string& where,
               const StateLimits& limits = {});
    // Without a StateView (outside a run), State reads NaN.
    double eval(const double* attributes, const StateView* state = nullptr) const;
    // The steps whose occupancy it reads.
    std::vector<int> occupancy_steps() const;

private:
    std::vector<Op> ops_;
    std::vector<std::int32_t> args_;
    std::vector<double> consts_;
};

}  // namespace carepath
