#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "carepath/spec.hpp"

namespace py = pybind11;

namespace carepath::bindings {

void register_spec(py::module_& m) {
    py::enum_<StepKind>(m, "StepKind")
        .value("SEIZE", StepKind::Seize)
        .value("DELAY", StepKind::Delay)
        .value("BRANCH_CHANCE", StepKind::BranchChance)
        .value("BRANCH_WHEN", StepKind::BranchWhen)
        .value("EXIT", StepKind::Exit);

    py::class_<StepSpec>(m, "StepSpec")
        .def(py::init<>())
        .def_readwrite("name", &StepSpec::name)
        .def_readwrite("kind", &StepSpec::kind)
        .def_readwrite("resource", &StepSpec::resource)
        .def_readwrite("duration", &StepSpec::duration)
        .def_readwrite("priority", &StepSpec::priority)
        .def_readwrite("next", &StepSpec::next)
        .def_readwrite("targets", &StepSpec::targets)
        .def_readwrite("weights", &StepSpec::weights)
        .def_readwrite("conditions", &StepSpec::conditions)
        .def_readwrite("outcome", &StepSpec::outcome);

    py::class_<SourceSpec>(m, "SourceSpec")
        .def(py::init<>())
        .def_readwrite("name", &SourceSpec::name)
        .def_readwrite("rate", &SourceSpec::rate)
        .def_readwrite("start", &SourceSpec::start);

    py::class_<ResourceSpec>(m, "ResourceSpec")
        .def(py::init<>())
        .def_readwrite("name", &ResourceSpec::name)
        .def_readwrite("capacity", &ResourceSpec::capacity);

    py::class_<AttributeSpec>(m, "AttributeSpec")
        .def(py::init<>())
        .def_readwrite("name", &AttributeSpec::name)
        .def_readwrite("distribution", &AttributeSpec::distribution);

    py::class_<ModelSpec>(m, "ModelSpec")
        .def(py::init<>())
        .def_readwrite("horizon", &ModelSpec::horizon)
        .def_readwrite("warmup", &ModelSpec::warmup)
        .def_readwrite("distributions", &ModelSpec::distributions)
        .def_readwrite("expressions", &ModelSpec::expressions)
        .def_readwrite("attributes", &ModelSpec::attributes)
        .def_readwrite("resources", &ModelSpec::resources)
        .def_readwrite("sources", &ModelSpec::sources)
        .def_readwrite("steps", &ModelSpec::steps)
        .def_readwrite("outcomes", &ModelSpec::outcomes)
        .def_readwrite("max_steps_without_time", &ModelSpec::max_steps_without_time);
}

}  // namespace carepath::bindings
