// Bindings of the profiler into striate._C._profiler: start/stop/pause/resume, the records and
// their summaries (times in microseconds, unknown FLOPs and bytes as None), and the regions that
// striate.profiler.record_function opens and closes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <thread>

#include "bindings.h"
#include "striate/profiler.h"

namespace striate::python {
namespace {

using profiler::Event;
using profiler::EventStats;
using profiler::Profile;

std::optional<int64_t> known(int64_t value) {
  if (value < 0) return std::nullopt;
  return value;
}

double microseconds(int64_t ns) { return static_cast<double>(ns) / 1e3; }

// One record_function region: opened by enter(), closed by exit() on the same thread, innermost
// first (a region closed out of order, or from another thread, raises instead of closing another).
class Region {
 public:
  explicit Region(std::string name) : name_(std::move(name)) {}
  void enter() {
    STRIATE_CHECK_STATE(!region_, "record_function('", name_, "'): this region is already open");
    region_ = std::make_unique<profiler::RecordFunction>(name_);
    depth_ = profiler::detail::open_depth();
    thread_ = std::this_thread::get_id();
  }
  void exit() {
    if (!region_) return;
    STRIATE_CHECK_STATE(thread_ == std::this_thread::get_id(), "record_function('", name_,
                        "'): a region must close on the thread that opened it");
    STRIATE_CHECK_STATE(profiler::detail::open_depth() == depth_, "record_function('", name_,
                        "'): regions must close innermost first (another record opened inside it is still open)");
    region_.reset();
  }

 private:
  std::string name_;
  std::unique_ptr<profiler::RecordFunction> region_;
  int depth_ = 0;
  std::thread::id thread_;
};

}  // namespace

void init_profiler(py::module_& m) {
  auto sub = m.def_submodule("_profiler", "the profiler; wrapped by striate.profiler");

  py::class_<Event>(sub, "Event", "One record: a kernel call, a backward node, a module call or a user region.")
      .def_readonly("name", &Event::name)
      .def_property_readonly("kind", [](const Event& e) { return profiler::kind_name(e.kind); })
      .def_readonly("module", &Event::module)
      .def_readonly("thread", &Event::thread)
      .def_readonly("depth", &Event::depth)
      .def_property_readonly("start_us", [](const Event& e) { return microseconds(e.start_ns); })
      .def_property_readonly("duration_us", [](const Event& e) { return microseconds(e.duration_ns); })
      .def_property_readonly("self_time_us", [](const Event& e) { return microseconds(e.self_ns); })
      .def_property_readonly("flops", [](const Event& e) { return known(e.flops); })
      .def_property_readonly("bytes", [](const Event& e) { return known(e.bytes); })
      .def("__repr__", [](const Event& e) {
        return ::striate::detail::str("<Event ", e.name, " (", profiler::kind_name(e.kind), ") module='", e.module,
                                      "' thread=", e.thread, " duration_us=", microseconds(e.duration_ns), ">");
      });

  py::class_<EventStats>(sub, "EventStats", "The records of one name (and module, when grouped by module), summed.")
      .def_readonly("name", &EventStats::name)
      .def_property_readonly("kind", [](const EventStats& s) { return profiler::kind_name(s.kind); })
      .def_readonly("module", &EventStats::module)
      .def_readonly("calls", &EventStats::calls)
      .def_property_readonly("self_time_us", [](const EventStats& s) { return microseconds(s.self_ns); })
      .def_property_readonly("total_time_us", [](const EventStats& s) { return microseconds(s.total_ns); })
      .def_property_readonly("flops", [](const EventStats& s) { return known(s.flops); })
      .def_property_readonly("bytes", [](const EventStats& s) { return known(s.bytes); })
      .def("__repr__", [](const EventStats& s) {
        return ::striate::detail::str("<EventStats ", s.name, " calls=", s.calls,
                                      " self_time_us=", microseconds(s.self_ns),
                                      " total_time_us=", microseconds(s.total_ns), ">");
      });

  py::class_<Profile>(sub, "Profile", "What one profile recorded.")
      .def("events", &Profile::events)
      .def_property_readonly("wall_time_us", [](const Profile& p) { return microseconds(p.wall_ns()); })
      .def("key_averages", &Profile::key_averages, py::arg("group_by_module") = false)
      .def("table", &Profile::table, py::arg("sort_by") = "self_time", py::arg("row_limit") = 10,
           py::arg("group_by_module") = false)
      .def("chrome_trace", &Profile::chrome_trace)
      .def("export_chrome_trace", &Profile::export_chrome_trace, py::arg("path"),
           py::call_guard<py::gil_scoped_release>());

  sub.def("start", &profiler::start);
  sub.def("stop", &profiler::stop);
  sub.def("is_running", &profiler::is_running);
  sub.def("pause", &profiler::pause);
  sub.def("resume", &profiler::resume);
  sub.def("sort_keys", &profiler::sort_keys);

  py::class_<Region>(sub, "Region", "A record_function region (opened by enter, closed by exit).")
      .def(py::init<std::string>(), py::arg("name"))
      .def("enter", &Region::enter)
      .def("exit", &Region::exit);
}

}  // namespace striate::python
