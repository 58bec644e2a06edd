#pragma once
// A compiled expression over patient attributes, evaluated by a small stack
// machine.  Python parses the expression text and emits this postfix program;
// the engine never sees text.
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
    Expression(const ExprSpec& spec, int n_attributes, const std::string& where);
    double eval(const double* attributes) const;

private:
    std::vector<Op> ops_;
    std::vector<std::int32_t> args_;
    std::vector<double> consts_;
};

}  // namespace carepath
