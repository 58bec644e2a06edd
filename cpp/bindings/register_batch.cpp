#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <stdexcept>

#include "carepath/batch.hpp"
#include "polled_call.hpp"

namespace py = pybind11;

namespace carepath::bindings {
namespace {

using Values = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Models = py::array_t<int, py::array::c_style | py::array::forcecast>;

BatchUnits units_of(const Models& models, const Values& values) {
    if (models.ndim() != 1 || values.ndim() != 2 || values.shape(0) != models.shape(0))
        throw std::invalid_argument("models must be 1-d and values 2-d with one row per unit");
    BatchUnits units;
    units.models.assign(models.data(), models.data() + models.shape(0));
    units.values = values.data();
    units.n_params = static_cast<std::size_t>(values.shape(1));
    return units;
}

std::vector<std::string> check(const Batch& batch, const Models& models, const Values& values) {
    return batch.check(units_of(models, values));
}

py::array_t<double> run(const Batch& batch, const Models& models, const Values& values, std::size_t replications,
                        std::uint64_t seed, unsigned threads, std::size_t first_replication,
                        const std::vector<std::vector<int>>& columns, std::size_t width, const py::object& progress) {
    const BatchUnits units = units_of(models, values);
    const std::size_t rows = units.models.size() * replications;
    py::array_t<double> out({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(width)});
    double* data = out.mutable_data();
    std::fill(data, data + rows * width, std::numeric_limits<double>::quiet_NaN());
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> done{0};
    polled_call<bool>(
        [&] {
            return batch.run(units, replications, seed, threads, first_replication, columns, width, data, stop, &done);
        },
        rows, progress, stop, done);
    return out;
}

}  // namespace

void register_batch(py::module_& m) {
    py::enum_<SlotKind>(m, "SlotKind")
        .value("SOURCE_RATE", SlotKind::SourceRate)
        .value("DIST_PARAM", SlotKind::DistParam)
        .value("CAPACITY", SlotKind::Capacity)
        .value("BRANCH_WEIGHT", SlotKind::BranchWeight)
        .value("EXPR_CONST", SlotKind::ExprConst)
        .value("COST_PER_HOUR", SlotKind::CostPerHour)
        .value("COST_PER_SLOT", SlotKind::CostPerSlot)
        .value("MAX_QUEUE", SlotKind::MaxQueue)
        .value("COHORT_COUNT", SlotKind::CohortCount)
        .value("DISCOUNT_COSTS", SlotKind::DiscountCosts)
        .value("DISCOUNT_QALYS", SlotKind::DiscountQalys);

    py::class_<Slot>(m, "Slot")
        .def(py::init([](SlotKind kind, int index, int sub, int param) { return Slot{kind, index, sub, param}; }),
             py::arg("kind"), py::arg("index"), py::arg("sub") = 0, py::arg("param") = 0)
        .def_readwrite("kind", &Slot::kind)
        .def_readwrite("index", &Slot::index)
        .def_readwrite("sub", &Slot::sub)
        .def_readwrite("param", &Slot::param);

    py::class_<Batch>(m, "Batch")
        .def(py::init<const std::vector<ModelSpec>&, std::vector<std::vector<Slot>>>(), py::arg("specs"),
             py::arg("slots"))
        .def("__len__", &Batch::size)
        .def("metric_names", &Batch::metric_names, py::arg("model"))
        .def("check", &check, py::arg("models"), py::arg("values"),
             "Per unit, '' if its values bind to its model, else the error.")
        .def("run", &run, py::arg("models"), py::arg("values"), py::arg("replications"), py::arg("seed"),
             py::arg("threads"), py::arg("first_replication"), py::arg("columns"), py::arg("width"),
             py::arg("progress") = py::none(),
             "Replications of every unit (a model and its parameter values): an array of\n"
             "(units x replications) rows and `width` columns, model m's metric j in column\n"
             "columns[m][j], NaN elsewhere.  progress: None or a callable given the runs finished.");
}

}  // namespace carepath::bindings
