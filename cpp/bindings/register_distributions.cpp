#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "carepath/distributions.hpp"

namespace py = pybind11;

namespace carepath::bindings {

void register_distributions(py::module_& m) {
    py::enum_<DistKind>(m, "DistKind")
        .value("EXPONENTIAL", DistKind::Exponential)
        .value("FIXED", DistKind::Fixed)
        .value("UNIFORM", DistKind::Uniform)
        .value("TRIANGULAR", DistKind::Triangular)
        .value("NORMAL", DistKind::Normal)
        .value("LOGNORMAL", DistKind::Lognormal)
        .value("GAMMA", DistKind::Gamma)
        .value("WEIBULL", DistKind::Weibull)
        .value("BERNOULLI", DistKind::Bernoulli)
        .value("POISSON", DistKind::Poisson)
        .value("EMPIRICAL_DISCRETE", DistKind::EmpiricalDiscrete)
        .value("EMPIRICAL_CONTINUOUS", DistKind::EmpiricalContinuous);

    py::class_<DistSpec>(m, "DistSpec")
        .def(py::init<>())
        .def_readwrite("kind", &DistSpec::kind)
        .def_readwrite("a", &DistSpec::a)
        .def_readwrite("b", &DistSpec::b)
        .def_readwrite("c", &DistSpec::c)
        .def_readwrite("values", &DistSpec::values)
        .def_readwrite("weights", &DistSpec::weights)
        .def_readwrite("low", &DistSpec::low)
        .def_readwrite("high", &DistSpec::high);

    m.def(
        "sample",
        [](const DistSpec& spec, std::size_t n, std::uint64_t seed) {
            const Distribution dist(spec, "distribution");
            py::array_t<double> out(static_cast<py::ssize_t>(n));
            auto* data = out.mutable_data();
            {
                py::gil_scoped_release release;
                Stream s(seed, 0, Purpose::Durations, 0, 0);
                for (std::size_t i = 0; i < n; ++i) data[i] = dist.sample(s);
            }
            return out;
        },
        py::arg("spec"), py::arg("n"), py::arg("seed") = 0,
        "Draw n values with the engine's sampler (for tests and plots).");
}

}  // namespace carepath::bindings
