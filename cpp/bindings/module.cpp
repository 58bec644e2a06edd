#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace carepath::bindings {
void register_rng(py::module_& m);
void register_distributions(py::module_& m);
void register_expression(py::module_& m);
void register_spec(py::module_& m);
void register_runner(py::module_& m);
void register_batch(py::module_& m);
}  // namespace carepath::bindings

PYBIND11_MODULE(_core, m) {
    m.doc() = "carepath's C++ simulation engine (internal; use the carepath package).";
    carepath::bindings::register_rng(m);
    carepath::bindings::register_distributions(m);
    carepath::bindings::register_expression(m);
    carepath::bindings::register_spec(m);
    carepath::bindings::register_runner(m);
    carepath::bindings::register_batch(m);
}
