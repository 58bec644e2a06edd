#include "carepath/expression.hpp"

#include <cmath>
#include <stdexcept>

namespace carepath {
namespace {

// How many operands an opcode pops; every opcode pushes one result.
int pops(Op op) {
    switch (op) {
        case Op::Const:
        case Op::Attr:
        case Op::State:
            return 0;
        case Op::Neg:
        case Op::Not:
        case Op::Fn1:
            return 1;
        case Op::Select:
            return 3;
        default:
            return 2;
    }
}

}  // namespace

Expression::Expression(const ExprSpec& spec, int n_attributes, const std::string& where,
                       const StateLimits& limits) {
    auto fail = [&](const std::string& what) {
        throw std::invalid_argument(where + ": invalid expression '" + spec.text + "': " + what);
    };
    if (spec.ops.size() != spec.args.size()) fail("ops and args differ in length");
    if (spec.ops.empty()) fail("empty program");
    int depth = 0;
    for (std::size_t i = 0; i < spec.ops.size(); ++i) {
        if (spec.ops[i] < 0 || spec.ops[i] > static_cast<int>(Op::Fn2)) fail("unknown opcode");
        const Op op = static_cast<Op>(spec.ops[i]);
        const int arg = spec.args[i];
        if (op == Op::Const && (arg < 0 || arg >= static_cast<int>(spec.consts.size())))
            fail("constant index out of range");
        if (op == Op::Attr && (arg < 0 || arg >= n_attributes)) fail("attribute index out of range");
        if (op == Op::State) {
            const int kind = arg >> 16, index = arg & 0xFFFF;
            if (arg < 0 || kind >= kStateKinds) fail("unknown state");
            const auto k = static_cast<StateKind>(kind);
            if (k <= StateKind::Free && index >= limits.resources) fail("resource index out of range");
            if (k == StateKind::Occupancy && index >= limits.steps) fail("step index out of range");
            if (k == StateKind::Global && index >= limits.globals) fail("global index out of range");
        }
        if (op == Op::Fn1 && (arg < 0 || arg > static_cast<int>(Fn1Kind::Log))) fail("unknown function");
        if (op == Op::Fn2 && (arg < 0 || arg > static_cast<int>(Fn2Kind::Max))) fail("unknown function");
        if (depth < pops(op)) fail("stack underflow");
        depth += 1 - pops(op);
        if (depth > kMaxDepth) fail("too deeply nested");
        ops_.push_back(op);
        args_.push_back(arg);
    }
    if (depth != 1) fail("program must leave exactly one value");
    consts_ = spec.consts;
}

std::vector<int> Expression::occupancy_steps() const {
    std::vector<int> out;
    for (std::size_t i = 0; i < ops_.size(); ++i)
        if (ops_[i] == Op::State && static_cast<StateKind>(args_[i] >> 16) == StateKind::Occupancy)
            out.push_back(args_[i] & 0xFFFF);
    return out;
}

double Expression::eval(const double* attributes, const StateView* state) const {
    double stack[kMaxDepth];
    int top = -1;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
        const Op op = ops_[i];
        switch (op) {
            case Op::Const:
                stack[++top] = consts_[static_cast<std::size_t>(args_[i])];
                continue;
            case Op::Attr:
                stack[++top] = attributes[args_[i]];
                continue;
            case Op::Neg:
                stack[top] = -stack[top];
                continue;
            case Op::Not:
                stack[top] = stack[top] == 0.0 ? 1.0 : 0.0;
                continue;
            case Op::Select: {
                const double other = stack[top--];
                const double then = stack[top--];
                stack[top] = stack[top] != 0.0 ? then : other;
                continue;
            }
            case Op::State:
                stack[++top] = state != nullptr
                                   ? state->state(static_cast<StateKind>(args_[i] >> 16), args_[i] & 0xFFFF)
                                   : std::nan("");
                continue;
            case Op::Fn1: {
                double& x = stack[top];
                switch (static_cast<Fn1Kind>(args_[i])) {
                    case Fn1Kind::Abs: x = std::fabs(x); break;
                    case Fn1Kind::Floor: x = std::floor(x); break;
                    case Fn1Kind::Ceil: x = std::ceil(x); break;
                    case Fn1Kind::Exp: x = std::exp(x); break;
                    case Fn1Kind::Log: x = std::log(x); break;
                }
                continue;
            }
            default:
                break;
        }
        const double y = stack[top--];
        const double x = stack[top];
        double r = 0.0;
        switch (op) {
            case Op::Add: r = x + y; break;
            case Op::Sub: r = x - y; break;
            case Op::Mul: r = x * y; break;
            case Op::Div: r = x / y; break;
            case Op::Mod: r = x - y * std::floor(x / y); break;  // Python's sign convention
            case Op::Pow: r = std::pow(x, y); break;
            case Op::Lt: r = x < y; break;
            case Op::Le: r = x <= y; break;
            case Op::Gt: r = x > y; break;
            case Op::Ge: r = x >= y; break;
            case Op::Eq: r = x == y; break;
            case Op::Ne: r = x != y; break;
            case Op::And: r = x == 0.0 ? x : y; break;  // Python's value semantics
            case Op::Or: r = x != 0.0 ? x : y; break;
            case Op::Fn2: r = static_cast<Fn2Kind>(args_[i]) == Fn2Kind::Min ? std::fmin(x, y) : std::fmax(x, y); break;
            default: break;
        }
        stack[top] = r;
    }
    return stack[0];
}

}  // namespace carepath
