#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "carepath/rng.hpp"

namespace py = pybind11;

namespace carepath::bindings {

void register_rng(py::module_& m) {
    py::enum_<Purpose>(m, "Purpose")
        .value("ARRIVALS", Purpose::Arrivals)
        .value("ATTRIBUTES", Purpose::Attributes)
        .value("DURATIONS", Purpose::Durations)
        .value("ROUTING", Purpose::Routing)
        .value("PATIENCE", Purpose::Patience);

    m.def(
        "splitmix64",
        [](std::uint64_t state, std::size_t n) {
            Stream s = Stream::splitmix64(state);
            std::vector<std::uint64_t> out(n);
            for (auto& x : out) x = s.next_u64();
            return out;
        },
        py::arg("state"), py::arg("n"), "The first n outputs of plain SplitMix64 (for known-answer tests).");

    m.def(
        "stream_uniforms",
        [](std::uint64_t seed, std::uint32_t replication, Purpose purpose, std::uint32_t index,
           std::uint64_t patient, std::size_t n) {
            py::array_t<double> out(static_cast<py::ssize_t>(n));
            auto* data = out.mutable_data();
            Stream s(seed, replication, purpose, index, patient);
            for (std::size_t i = 0; i < n; ++i) data[i] = s.uniform();
            return out;
        },
        py::arg("seed"), py::arg("replication"), py::arg("purpose"), py::arg("index"), py::arg("patient"),
        py::arg("n"), "The first n uniforms of one engine stream.");
}

}  // namespace carepath::bindings
