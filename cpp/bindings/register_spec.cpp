#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "carepath/spec.hpp"

namespace py = pybind11;

namespace carepath::bindings {
namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A data file's columns cross by one copy of their buffer, not element by
// element as a Python list would (a 10^6-row replay).
std::vector<double> to_vector(const Doubles& a) {
    std::vector<double> v(static_cast<std::size_t>(a.size()));
    if (!v.empty()) std::memcpy(v.data(), a.data(), v.size() * sizeof(double));
    return v;
}

Doubles to_array(const std::vector<double>& v) {
    Doubles a(static_cast<py::ssize_t>(v.size()));
    if (!v.empty()) std::memcpy(a.mutable_data(), v.data(), v.size() * sizeof(double));
    return a;
}

std::vector<std::vector<double>> to_vectors(const std::vector<Doubles>& columns) {
    std::vector<std::vector<double>> out;
    out.reserve(columns.size());
    for (const auto& c : columns) out.push_back(to_vector(c));
    return out;
}

std::vector<Doubles> to_arrays(const std::vector<std::vector<double>>& columns) {
    std::vector<Doubles> out;
    out.reserve(columns.size());
    for (const auto& c : columns) out.push_back(to_array(c));
    return out;
}

}  // namespace

void register_spec(py::module_& m) {
    py::enum_<StepKind>(m, "StepKind")
        .value("SEIZE", StepKind::Seize)
        .value("DELAY", StepKind::Delay)
        .value("BRANCH_CHANCE", StepKind::BranchChance)
        .value("BRANCH_WHEN", StepKind::BranchWhen)
        .value("EXIT", StepKind::Exit)
        .value("RELEASE", StepKind::Release)
        .value("SET", StepKind::Set)
        .value("BOOK", StepKind::Book)
        .value("GOTO", StepKind::Goto)
        .value("COST", StepKind::Cost)
        .value("UTILITY", StepKind::Utility)
        .value("BATCH", StepKind::Batch)
        .value("SEIZE_ALL", StepKind::SeizeAll)
        .value("RELEASE_ALL", StepKind::ReleaseAll)
        .value("FORK", StepKind::Fork)
        .value("JOIN", StepKind::Join);

    py::enum_<Preempt>(m, "Preempt")
        .value("NONE", Preempt::None)
        .value("RESUME", Preempt::Resume)
        .value("RESTART", Preempt::Restart);

    py::enum_<OnFailure>(m, "OnFailure")
        .value("RESUME", OnFailure::Resume)
        .value("RESTART", OnFailure::Restart)
        .value("FINISH", OnFailure::Finish);

    py::enum_<SourceKind>(m, "SourceKind")
        .value("POISSON", SourceKind::Poisson)
        .value("PROFILE", SourceKind::Profile)
        .value("SCHEDULE", SourceKind::Schedule)
        .value("COHORT", SourceKind::Cohort)
        .value("RENEWAL", SourceKind::Renewal)
        .value("REPLAY", SourceKind::Replay)
        .value("COUNTS", SourceKind::Counts);

    // before StepSpec, whose `until` is one: the stubs then name its Python type
    py::class_<Cycle>(m, "Cycle")
        .def(py::init<>())
        .def_readwrite("period", &Cycle::period)
        .def_readwrite("offsets", &Cycle::offsets);

    py::class_<StepSpec>(m, "StepSpec")
        .def(py::init<>())
        .def_readwrite("name", &StepSpec::name)
        .def_readwrite("kind", &StepSpec::kind)
        .def_readwrite("resource", &StepSpec::resource)
        .def_readwrite("duration", &StepSpec::duration)
        .def_readwrite("priority", &StepSpec::priority)
        .def_readwrite("next", &StepSpec::next)
        .def_readwrite("targets", &StepSpec::targets)
        .def_readwrite("resources", &StepSpec::resources)
        .def_readwrite("choose", &StepSpec::choose)
        .def_readwrite("as_attribute", &StepSpec::as_attribute)
        .def_readwrite("units", &StepSpec::units)
        .def_readwrite("unit_counts", &StepSpec::unit_counts)
        .def_readwrite("as_available", &StepSpec::as_available)
        .def_readwrite("fork", &StepSpec::fork)
        .def_readwrite("batch_size", &StepSpec::batch_size)
        .def_readwrite("batch_timeout", &StepSpec::batch_timeout)
        .def_readwrite("weights", &StepSpec::weights)
        .def_readwrite("weight_expressions", &StepSpec::weight_expressions)
        .def_readwrite("conditions", &StepSpec::conditions)
        .def_readwrite("outcome", &StepSpec::outcome)
        .def_readwrite("longest_wait", &StepSpec::longest_wait)
        .def_readwrite("waiting_since", &StepSpec::waiting_since)
        .def_readwrite("max_queue", &StepSpec::max_queue)
        .def_readwrite("on_balk", &StepSpec::on_balk)
        .def_readwrite("patience", &StepSpec::patience)
        .def_readwrite("on_renege", &StepSpec::on_renege)
        .def_readwrite("set_attributes", &StepSpec::set_attributes)
        .def_readwrite("set_expressions", &StepSpec::set_expressions)
        .def_readwrite("book", &StepSpec::book)
        .def_readwrite("slot_types", &StepSpec::slot_types)
        .def_readwrite("dna", &StepSpec::dna)
        .def_readwrite("on_dna", &StepSpec::on_dna)
        .def_readwrite("on_full", &StepSpec::on_full)
        .def_readwrite("not_before", &StepSpec::not_before)
        .def_readwrite("over", &StepSpec::over)
        .def_readwrite("over_labels", &StepSpec::over_labels)
        .def_readwrite("hourly", &StepSpec::hourly)
        .def_readwrite("occupancy", &StepSpec::occupancy)
        .def_readwrite("scale", &StepSpec::scale)
        .def_readwrite("cost_category", &StepSpec::cost_category)
        .def_readwrite("utility", &StepSpec::utility)
        .def_readwrite("until", &StepSpec::until);

    py::class_<SourceSpec>(m, "SourceSpec")
        .def(py::init<>())
        .def_readwrite("name", &SourceSpec::name)
        .def_readwrite("kind", &SourceSpec::kind)
        .def_readwrite("rate", &SourceSpec::rate)
        .def_readwrite("start", &SourceSpec::start)
        .def_readwrite("hourly", &SourceSpec::hourly)
        .def_readwrite("season", &SourceSpec::season)
        .def_readwrite("weekday", &SourceSpec::weekday)
        .def_readwrite("schedule", &SourceSpec::schedule)
        .def_readwrite("count", &SourceSpec::count)
        .def_readwrite("waited", &SourceSpec::waited)
        .def_readwrite("interarrival", &SourceSpec::interarrival)
        .def_readwrite("start_at", &SourceSpec::start_at)
        .def_readwrite("max_arrivals", &SourceSpec::max_arrivals)
        .def_readwrite("attributes", &SourceSpec::attributes)
        .def_property(
            "times", [](const SourceSpec& s) { return to_array(s.times); },
            [](SourceSpec& s, const Doubles& a) { s.times = to_vector(a); })
        .def_property(
            "replay_values", [](const SourceSpec& s) { return to_arrays(s.replay_values); },
            [](SourceSpec& s, const std::vector<Doubles>& a) { s.replay_values = to_vectors(a); })
        .def_readwrite("period_start", &SourceSpec::period_start)
        .def_readwrite("period_end", &SourceSpec::period_end)
        .def_readwrite("period_count", &SourceSpec::period_count)
        .def_readwrite("batch", &SourceSpec::batch)
        .def_readwrite("table", &SourceSpec::table)
        .def_readwrite("observed", &SourceSpec::observed);

    py::class_<TableSpec>(m, "TableSpec")
        .def(py::init<>())
        .def_readwrite("attributes", &TableSpec::attributes)
        .def_property(
            "columns", [](const TableSpec& t) { return to_arrays(t.columns); },
            [](TableSpec& t, const std::vector<Doubles>& a) { t.columns = to_vectors(a); })
        .def_property(
            "cdf", [](const TableSpec& t) { return to_array(t.cdf); },
            [](TableSpec& t, const Doubles& a) { t.cdf = to_vector(a); });

    py::class_<ResourceSpec>(m, "ResourceSpec")
        .def(py::init<>())
        .def_readwrite("name", &ResourceSpec::name)
        .def_readwrite("capacity", &ResourceSpec::capacity)
        .def_readwrite("shift_changes", &ResourceSpec::shift_changes)
        .def_readwrite("shift_capacity", &ResourceSpec::shift_capacity)
        .def_readwrite("interrupt_at_shift_end", &ResourceSpec::interrupt_at_shift_end)
        .def_readwrite("preempt", &ResourceSpec::preempt)
        .def_readwrite("cost_per_hour", &ResourceSpec::cost_per_hour)
        .def_readwrite("cost_category", &ResourceSpec::cost_category)
        .def_readwrite("time_to_failure", &ResourceSpec::time_to_failure)
        .def_readwrite("repair", &ResourceSpec::repair)
        .def_readwrite("busy_clock", &ResourceSpec::busy_clock)
        .def_readwrite("on_failure", &ResourceSpec::on_failure);

    py::class_<SlotTypeSpec>(m, "SlotTypeSpec")
        .def(py::init<>())
        .def_readwrite("name", &SlotTypeSpec::name)
        .def_readwrite("horizon_days", &SlotTypeSpec::horizon_days)
        .def_readwrite("slots", &SlotTypeSpec::slots);

    py::class_<BookSpec>(m, "BookSpec")
        .def(py::init<>())
        .def_readwrite("name", &BookSpec::name)
        .def_readwrite("types", &BookSpec::types)
        .def_readwrite("cost_per_slot", &BookSpec::cost_per_slot)
        .def_readwrite("cost_category", &BookSpec::cost_category);

    py::class_<AttributeSpec>(m, "AttributeSpec")
        .def(py::init<>())
        .def_readwrite("name", &AttributeSpec::name)
        .def_readwrite("distribution", &AttributeSpec::distribution);

    py::class_<ClassSpec>(m, "ClassSpec")
        .def(py::init<>())
        .def_readwrite("attribute", &ClassSpec::attribute)
        .def_readwrite("values", &ClassSpec::values);

    py::class_<ModelSpec>(m, "ModelSpec")
        .def(py::init<>())
        .def_readwrite("horizon", &ModelSpec::horizon)
        .def_readwrite("warmup", &ModelSpec::warmup)
        .def_readwrite("follow_up", &ModelSpec::follow_up)
        .def_readwrite("economics", &ModelSpec::economics)
        .def_readwrite("series_bin", &ModelSpec::series_bin)
        .def_readwrite("event_log_cap", &ModelSpec::event_log_cap)
        .def_readwrite("distribution_top", &ModelSpec::distribution_top)
        .def_readwrite("audit_interval", &ModelSpec::audit_interval)
        .def_readwrite("discount_costs", &ModelSpec::discount_costs)
        .def_readwrite("discount_qalys", &ModelSpec::discount_qalys)
        .def_readwrite("cost_categories", &ModelSpec::cost_categories)
        .def_readwrite("hours_per_unit", &ModelSpec::hours_per_unit)
        .def_readwrite("start_hour_of_week", &ModelSpec::start_hour_of_week)
        .def_readwrite("distributions", &ModelSpec::distributions)
        .def_readwrite("expressions", &ModelSpec::expressions)
        .def_readwrite("attributes", &ModelSpec::attributes)
        .def_readwrite("resources", &ModelSpec::resources)
        .def_readwrite("books", &ModelSpec::books)
        .def_readwrite("sources", &ModelSpec::sources)
        .def_readwrite("steps", &ModelSpec::steps)
        .def_readwrite("outcomes", &ModelSpec::outcomes)
        .def_readwrite("classes", &ModelSpec::classes)
        .def_readwrite("tables", &ModelSpec::tables)
        .def_readwrite("globals", &ModelSpec::globals)
        .def_readwrite("global_values", &ModelSpec::global_values)
        .def_readwrite("observe_start", &ModelSpec::observe_start)
        .def_readwrite("series_counts", &ModelSpec::series_counts)
        .def_readwrite("system_time_over", &ModelSpec::system_time_over)
        .def_readwrite("system_time_over_labels", &ModelSpec::system_time_over_labels)
        .def_readwrite("percentiles", &ModelSpec::percentiles)
        .def_readwrite("percentile_labels", &ModelSpec::percentile_labels)
        .def_readwrite("max_steps_without_time", &ModelSpec::max_steps_without_time)
        .def_readwrite("max_in_system", &ModelSpec::max_in_system)
        .def_readwrite("max_events", &ModelSpec::max_events);
}

}  // namespace carepath::bindings
