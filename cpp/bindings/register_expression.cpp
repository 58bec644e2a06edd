#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "carepath/expression.hpp"

namespace py = pybind11;

namespace carepath::bindings {

void register_expression(py::module_& m) {
    py::class_<ExprSpec>(m, "ExprSpec")
        .def(py::init<>())
        .def_readwrite("ops", &ExprSpec::ops)
        .def_readwrite("args", &ExprSpec::args)
        .def_readwrite("consts", &ExprSpec::consts)
        .def_readwrite("text", &ExprSpec::text);

    m.def(
        "evaluate",
        [](const ExprSpec& spec, const std::vector<double>& attributes) {
            const Expression e(spec, static_cast<int>(attributes.size()), "expression");
            return e.eval(attributes.data());
        },
        py::arg("spec"), py::arg("attributes"), "Evaluate a compiled expression (for tests).");
}

}  // namespace carepath::bindings
