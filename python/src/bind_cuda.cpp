// striate._C._cuda: the CUDA runtime behind striate.cuda (devices, streams, events, the caching
// allocator's statistics). Streams and events cross into Python as integer handles, owned by the
// Python Stream / Event objects that create them. Without a device every call raises the runtime's
// clear error; striate.cuda checks availability first and says why.
#include <cstdint>

#include "bindings.h"
#include "core/cuda_runtime.h"

namespace striate::python {
namespace {

void* as_handle(uintptr_t h) { return reinterpret_cast<void*>(h); }
uintptr_t from_handle(void* p) { return reinterpret_cast<uintptr_t>(p); }

py::dict stats_dict(const backend::AllocatorStats& s) {
  py::dict d;
  d["allocated_bytes.all.current"] = s.allocated_bytes;
  d["allocated_bytes.all.peak"] = s.peak_allocated_bytes;
  d["reserved_bytes.all.current"] = s.reserved_bytes;
  d["reserved_bytes.all.peak"] = s.peak_reserved_bytes;
  d["requested_bytes.all.current"] = s.requested_bytes;
  d["allocation.all.allocated"] = s.allocations;
  d["allocation.all.freed"] = s.frees;
  d["active.all.current"] = s.active_blocks;
  d["inactive_split.all.current"] = s.cached_blocks;
  d["pending_free.all.current"] = s.pending_blocks;
  d["segment.all.current"] = s.segments;
  d["segment.all.allocated"] = s.segment_allocations;
  d["segment.all.freed"] = s.segment_frees;
  d["num_alloc_retries"] = s.alloc_retries;
  d["num_ooms"] = s.ooms;
  d["num_cache_hits"] = s.cache_hits;
  return d;
}

}  // namespace

void init_cuda(py::module_& m) {
  using namespace backend;
  py::module_ c = m.def_submodule("_cuda", "the CUDA runtime; wrapped by striate.cuda");
  c.def("unavailable_reason", &cuda_unavailable_reason);
  c.def("version", &cuda_version);
  c.def("set_device", &cuda_set_device, py::arg("device"));
  c.def("current_device", &cuda_current_device);
  c.def(
      "device_properties",
      [](int device) {
        CudaDeviceProperties p = cuda_device_properties(device);
        py::dict d;
        d["name"] = p.name;
        d["total_memory"] = p.total_memory;
        d["major"] = p.major;
        d["minor"] = p.minor;
        d["multi_processor_count"] = p.multi_processor_count;
        d["warp_size"] = p.warp_size;
        d["shared_memory_per_block"] = p.shared_memory_per_block;
        return d;
      },
      py::arg("device"));
  c.def("memory_stats", [](int device) { return stats_dict(cuda_memory_stats(device)); }, py::arg("device"));
  c.def("reset_peak_memory_stats", &cuda_reset_peak_memory_stats, py::arg("device"));
  c.def("empty_cache", &cuda_empty_cache, py::call_guard<py::gil_scoped_release>());
  c.def("memory_segments", &cuda_memory_segments, py::arg("device"));
  c.def("mem_get_info", &cuda_mem_get_info, py::arg("device"));
  c.def("synchronize", &cuda_synchronize, py::arg("device"), py::call_guard<py::gil_scoped_release>());

  c.def("current_stream", [](int device) { return from_handle(cuda_current_stream(device)); }, py::arg("device"));
  c.def(
      "set_current_stream", [](int device, uintptr_t stream) { cuda_set_current_stream(device, as_handle(stream)); },
      py::arg("device"), py::arg("stream"));
  c.def(
      "stream_create", [](int device, int priority) { return from_handle(cuda_stream_create(device, priority)); },
      py::arg("device"), py::arg("priority") = 0);
  c.def("stream_destroy", [](uintptr_t s) { cuda_stream_destroy(as_handle(s)); }, py::arg("stream"));
  c.def("stream_query", [](uintptr_t s) { return cuda_stream_query(as_handle(s)); }, py::arg("stream"));
  c.def(
      "stream_synchronize", [](uintptr_t s) { cuda_stream_synchronize(as_handle(s)); }, py::arg("stream"),
      py::call_guard<py::gil_scoped_release>());
  c.def(
      "event_create",
      [](int device, bool timing, bool blocking) { return from_handle(cuda_event_create(device, timing, blocking)); },
      py::arg("device"), py::arg("enable_timing") = false, py::arg("blocking") = false);
  c.def("event_destroy", [](uintptr_t e) { cuda_event_destroy(as_handle(e)); }, py::arg("event"));
  c.def(
      "event_record", [](uintptr_t e, uintptr_t s) { cuda_event_record(as_handle(e), as_handle(s)); }, py::arg("event"),
      py::arg("stream"));
  c.def("event_query", [](uintptr_t e) { return cuda_event_query(as_handle(e)); }, py::arg("event"));
  c.def(
      "event_synchronize", [](uintptr_t e) { cuda_event_synchronize(as_handle(e)); }, py::arg("event"),
      py::call_guard<py::gil_scoped_release>());
  c.def(
      "event_elapsed_ms", [](uintptr_t a, uintptr_t b) { return cuda_event_elapsed_ms(as_handle(a), as_handle(b)); },
      py::arg("start"), py::arg("end"));
  c.def(
      "stream_wait_event", [](uintptr_t s, uintptr_t e) { cuda_stream_wait_event(as_handle(s), as_handle(e)); },
      py::arg("stream"), py::arg("event"));
  c.def("graph_capture_begin", [](uintptr_t s) { cuda_graph_capture_begin(as_handle(s)); }, py::arg("stream"));
  c.def(
      "graph_capture_end", [](uintptr_t s) { return from_handle(cuda_graph_capture_end(as_handle(s))); },
      py::arg("stream"));
  c.def(
      "graph_launch", [](uintptr_t g, uintptr_t s) { cuda_graph_launch(as_handle(g), as_handle(s)); }, py::arg("graph"),
      py::arg("stream"));
  c.def("graph_destroy", [](uintptr_t g) { cuda_graph_destroy(as_handle(g)); }, py::arg("graph"));
  c.def("stream_is_capturing", [](uintptr_t s) { return cuda_stream_is_capturing(as_handle(s)); }, py::arg("stream"));
  c.def(
      "record_stream",
      [](const Tensor& t, uintptr_t stream) {
        STRIATE_CHECK(t.device().is_cuda(), "record_stream: expected a CUDA tensor, got one on ", t.device());
        if (t.storage() && t.storage()->data())
          cuda_record_stream(t.storage()->data(), t.device().index, as_handle(stream));
      },
      py::arg("tensor"), py::arg("stream"));
}

}  // namespace striate::python
