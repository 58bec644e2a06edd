#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "carepath/runner.hpp"
#include "polled_call.hpp"

namespace py = pybind11;

namespace carepath::bindings {
namespace {

RunOutput run_output(const Runner& runner, std::size_t replications, std::uint64_t seed, unsigned threads,
                     std::size_t first_replication, const py::object& progress, bool with_details) {
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> done{0};
    return polled_call<RunOutput>(
        [&] { return runner.run(replications, seed, threads, stop, first_replication, &done, with_details); },
        replications, progress, stop, done);
}

py::array_t<double> values_array(const RunOutput& out) {
    const auto width = static_cast<py::ssize_t>(out.metric_names.size());
    py::array_t<double> values({static_cast<py::ssize_t>(out.replications), width});
    std::copy(out.values.begin(), out.values.end(), values.mutable_data());
    return values;
}

py::tuple run(const Runner& runner, std::size_t replications, std::uint64_t seed, unsigned threads,
              std::size_t first_replication, const py::object& progress) {
    const RunOutput out = run_output(runner, replications, seed, threads, first_replication, progress, false);
    return py::make_tuple(out.metric_names, values_array(out));
}

template <class T, class Field>
py::array_t<T> column(const std::vector<EventLog>& logs, std::size_t rows, Field field) {
    py::array_t<T> out(static_cast<py::ssize_t>(rows));
    T* data = out.mutable_data();
    for (const EventLog& log : logs) data = std::copy((log.*field).begin(), (log.*field).end(), data);
    return out;
}

// As run, plus the time series and the event log when the model asks for them.
py::dict run_detailed(const Runner& runner, std::size_t replications, std::uint64_t seed, unsigned threads,
                      std::size_t first_replication, const py::object& progress) {
    RunOutput out = run_output(runner, replications, seed, threads, first_replication, progress, true);
    py::dict result;
    result["metric_names"] = out.metric_names;
    result["values"] = values_array(out);
    if (!out.series_names.empty()) {
        py::array_t<double> series({static_cast<py::ssize_t>(out.replications),
                                    static_cast<py::ssize_t>(out.series_names.size()),
                                    static_cast<py::ssize_t>(out.n_bins)});
        std::copy(out.series.begin(), out.series.end(), series.mutable_data());
        result["series_names"] = out.series_names;
        result["series"] = series;
    }
    if (!out.logs.empty()) {
        std::size_t rows = 0;
        std::vector<std::uint64_t> dropped;
        for (const EventLog& log : out.logs) {
            rows += log.size();
            dropped.push_back(log.dropped);
        }
        py::array_t<std::uint32_t> replication(static_cast<py::ssize_t>(rows));
        std::uint32_t* r = replication.mutable_data();
        for (std::size_t i = 0; i < out.logs.size(); ++i)
            r = std::fill_n(r, out.logs[i].size(), static_cast<std::uint32_t>(first_replication + i));
        py::dict log;
        log["replication"] = replication;
        log["patient"] = column<std::int64_t>(out.logs, rows, &EventLog::patient);
        log["step"] = column<std::int32_t>(out.logs, rows, &EventLog::step);
        log["event"] = column<std::int8_t>(out.logs, rows, &EventLog::event);
        log["time"] = column<double>(out.logs, rows, &EventLog::time);
        log["resource"] = column<std::int32_t>(out.logs, rows, &EventLog::resource);
        log["dropped"] = dropped;
        result["event_log"] = log;
    }
    return result;
}

}  // namespace

void register_runner(py::module_& m) {
    py::class_<Runner>(m, "Runner")
        .def(py::init<const ModelSpec&>(), py::arg("spec"))
        .def_property_readonly("metric_names", &Runner::metric_names)
        .def("run", &run, py::arg("replications"), py::arg("seed"), py::arg("threads") = 0,
             py::arg("first_replication") = 0, py::arg("progress") = py::none(),
             "Run replications [first, first + n); returns (metric names, array replications x metrics).\n"
             "progress: None or a callable given the number of replications finished, as it grows.")
        .def("run_detailed", &run_detailed, py::arg("replications"), py::arg("seed"), py::arg("threads") = 0,
             py::arg("first_replication") = 0, py::arg("progress") = py::none(),
             "As run, as a dict, plus series_names and series (replications x series x bins) for "
             "`results.series`, and event_log (columns) for `results.event_log`.");
}

}  // namespace carepath::bindings
