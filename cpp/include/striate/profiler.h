// striate's profiler: where the time goes. While a profile runs, every kernel call (conv2d_forward,
// gemm, add, ...), every backward node (Conv2dBackward, ...), every module call and every user
// region is recorded on the thread that ran it, with its start, its total and own ("self") time,
// the dotted path of the module whose forward ran it ("layer1.0.conv1"; a backward node keeps the
// path of the module that created it) and, where the op layer knows them, its FLOPs and the bytes
// it reads and writes. stop() hands back the records; they sum into PyTorch-style tables and export
// as a trace that Perfetto and chrome://tracing open. Off, each hook costs one relaxed atomic load.
//   striate::profiler::start();
//   train_step();
//   striate::profiler::Profile profile = striate::profiler::stop();
//   std::cout << profile.table("self_time", 10);
//   profile.export_chrome_trace("trace.json");
//   { striate::profiler::RecordFunction region("data"); load(); }  // a named region of your own
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace striate::profiler {

/// What a record stands for. Kernels are the compute: one record per call of a kernel object, named
/// as the kernel (views run none and are not recorded). Backward records are autograd nodes (their
/// kernels nest inside). Module records span a module's call; they appear in the trace and as the
/// `module` of what they contain, not as table rows. User records are RecordFunction regions.
enum class EventKind : uint8_t { Kernel, Backward, Module, User };
/// @var EventKind::Kernel
/// A kernel call.
/// @var EventKind::Backward
/// An autograd node's backward.
/// @var EventKind::Module
/// A module call.
/// @var EventKind::User
/// A RecordFunction region.

/// "kernel", "backward", "module", "user".
/// @param kind the kind.
/// @return its name, a literal.
const char* kind_name(EventKind kind);

/// One record. Times are nanoseconds since start(); flops and bytes are -1 where unknown.
struct Event {
  /// The kernel, node, module or region name.
  std::string name;
  /// What the record stands for.
  EventKind kind = EventKind::Kernel;
  /// The dotted module path; "" outside any module call.
  std::string module;  // dotted module path; "" outside any module call
  /// 1, 2, ... in the order threads first recorded.
  int thread = 0;  // 1, 2, ... in the order threads first recorded (the same for a thread's life)
  /// The records open around it on its thread.
  int depth = 0;  // records open around it on its thread
  /// Start, in ns since start().
  int64_t start_ns = 0;
  /// Duration in ns.
  int64_t duration_ns = 0;
  /// Duration minus the durations of the records directly inside it.
  int64_t self_ns = 0;  // duration minus the durations of the records directly inside it
  /// Floating-point operations, or -1.
  int64_t flops = -1;
  /// Bytes read plus written, or -1.
  int64_t bytes = -1;  // read + written
};

/// The records of one name (and one module path, when grouped by module), summed. flops and bytes
/// sum the calls that knew them; -1 when none did.
struct EventStats {
  /// The name.
  std::string name;
  /// The kind.
  EventKind kind = EventKind::Kernel;
  /// The module path when grouped by module, else "".
  std::string module;  // "" unless grouped by module
  /// The number of records.
  int64_t calls = 0;
  /// Summed self time, ns.
  int64_t self_ns = 0;
  /// Summed duration, ns.
  int64_t total_ns = 0;
  /// Summed FLOPs, or -1.
  int64_t flops = -1;
  /// Summed bytes, or -1.
  int64_t bytes = -1;
};

/// The orders a table can take (largest first): "self_time", "total_time", "calls", "flops", "bytes"
/// (PyTorch's "self_cpu_time_total", "cpu_time_total" and "count" are accepted too).
/// @return the keys.
std::vector<std::string> sort_keys();

/// What one profile recorded.
///
/// A value type: safe to read from several threads.
class Profile {
 public:
  /// An empty profile.
  Profile() = default;
  /// @param events the records.
  /// @param wall_ns the wall time from start() to stop().
  Profile(std::vector<Event> events, int64_t wall_ns);

  /// Every record, by thread then start time.
  /// @return the records.
  const std::vector<Event>& events() const { return events_; }
  /// From start() to stop().
  /// The wall time of the profile in ns.
  /// @return the time.
  int64_t wall_ns() const { return wall_ns_; }
  /// One row per kernel / backward node / user region name (module records excluded), by self time.
  /// @param group_by_module one row per (name, module) (default false).
  /// @return the rows.
  std::vector<EventStats> key_averages(bool group_by_module = false) const;
  /// The top `row_limit` rows (all when <= 0) of key_averages, sorted by `sort_by` (sort_keys();
  /// anything else raises ValueError), as a text table: name, [module,] self time, % of all self
  /// time, total time, calls, average, FLOPs, GFLOP/s (FLOPs / total time), bytes.
  /// @param sort_by the order (default "self_time").
  /// @param row_limit the rows shown (default 10).
  /// @param group_by_module one row per (name, module) (default false).
  /// @return the table.
  /// @throws ValueError for an unknown sort key.
  std::string table(const std::string& sort_by = "self_time", int64_t row_limit = 10,
                    bool group_by_module = false) const;
  /// The records as Chrome trace JSON: complete events ("ph": "X", ts/dur in microseconds) with the
  /// module path, kind, FLOPs and bytes in args, plus a name for each thread.
  /// @return the JSON text.
  std::string chrome_trace() const;
  /// Writes chrome_trace() to `path` atomically (a temporary file renamed over it); IOError on failure.
  /// @param path the file to write.
  /// @throws IOError when the file cannot be written.
  void export_chrome_trace(const std::string& path) const;

 private:
  std::vector<Event> events_;
  int64_t wall_ns_ = 0;
};

/// Starts recording on every thread. Raises RuntimeError while a profile is running: profiles do
/// not nest.
/// @throws RuntimeError when a profile is running.
void start();
/// Stops recording and returns what was recorded; RuntimeError when no profile is running. Records
/// still open at that moment (a region that began before stop() and ends after) are left out.
/// @return the profile.
/// @throws RuntimeError when no profile is running.
Profile stop();
/// Whether a profile is running (paused or not).
/// @return the flag.
bool is_running();
/// Pauses / resumes recording inside a running profile (RuntimeError when none runs); the pause
/// shows as a gap. The Trainer's profiling callback pauses around validation.
/// @throws RuntimeError when no profile runs.
void pause();
/// Resumes recording after pause().
/// @throws RuntimeError when no profile runs.
void resume();

namespace detail {
extern std::atomic<bool> recording;
}  // namespace detail

/// The one test every hook makes: true while a profile runs and is not paused.
/// @return the flag.
inline bool is_enabled() { return detail::recording.load(std::memory_order_relaxed); }

/// A named region of the caller's own, recorded from construction to destruction (PyTorch's
/// record_function). Inert when constructed with the profiler off.
/// Not copyable.
class RecordFunction {
 public:
  /// Opens the region.
  /// @param name the region's name.
  explicit RecordFunction(const std::string& name);
  /// Closes the region.
  ~RecordFunction();
  /// Not copyable.
  RecordFunction(const RecordFunction&) = delete;
  /// Not copy-assignable.
  RecordFunction& operator=(const RecordFunction&) = delete;

 private:
  bool open_ = false;
};

// ---- the hooks (used by the kernel objects, the backward engine, module calls and the op layer) ----
namespace detail {

// What the op layer tells about its next kernel call (-1: unknown).
struct Cost {
  int64_t flops = -1;
  int64_t bytes = -1;
};

// Opens a record on this thread (call only when is_enabled()); `name` must live for the process
// (kernel names are literals; intern() others). `module` replaces the thread's current module path
// inside the record (a backward node's); null keeps it. Returns false when no profile runs.
bool open_record(const char* name, EventKind kind, const char* module = nullptr);
// Closes this thread's innermost open record.
void close_record();
// How many records are open on this thread (a Python region checks that it closes its own).
int open_depth();
// A process-lifetime copy of `text` (the same pointer for equal texts).
const char* intern(const std::string& text);

// A kernel call: its record takes the cost the op layer announced (CostScope), else `bytes` (the
// sum of its tensor arguments, or -1).
class KernelRecord {
 public:
  KernelRecord(const char* name, int64_t bytes);
  ~KernelRecord() {
    if (open_) close_record();
  }
  KernelRecord(const KernelRecord&) = delete;
  KernelRecord& operator=(const KernelRecord&) = delete;

 private:
  bool open_;
};

// A record of any kind, open for the scope's life when the profiler was on at its start.
class RecordScope {
 public:
  RecordScope(const char* name, EventKind kind, const char* module = nullptr)
      : open_(is_enabled() && open_record(name, kind, module)) {}
  ~RecordScope() {
    if (open_) close_record();
  }
  RecordScope(const RecordScope&) = delete;
  RecordScope& operator=(const RecordScope&) = delete;

 private:
  bool open_;
};

// The cost of the next kernel call on this thread, for the scope's life; `cost` (a callable
// returning Cost) runs only while profiling. Ops write it through STRIATE_PROFILE_COST.
void set_pending_cost(Cost cost);
void clear_pending_cost();
class CostScope {
 public:
  template <typename CostFn>
  explicit CostScope(CostFn&& cost) : armed_(is_enabled()) {
    if (armed_) set_pending_cost(cost());
  }
  ~CostScope() {
    if (armed_) clear_pending_cost();
  }
  CostScope(const CostScope&) = delete;
  CostScope& operator=(const CostScope&) = delete;

 private:
  bool armed_;
};

// Module calls (nn::CallScope): the innermost module call open on this thread (an opaque identity;
// null when none), entering one under the name it has in that caller ("" when it is not one of the
// caller's registered children: the path does not grow; returns false when no profile runs), and
// leaving it.
const void* current_module();
bool enter_module(const void* identity, const std::string& name_in_parent, const std::string& type_name);
void exit_module();
// The module path records on this thread take now (interned; "" outside modules).
const char* current_module_path();

}  // namespace detail
}  // namespace striate::profiler

#define STRIATE_PROFILER_CONCAT_INNER(a, b) a##b
#define STRIATE_PROFILER_CONCAT(a, b) STRIATE_PROFILER_CONCAT_INNER(a, b)
// In an op, right before a kernel call: what that call costs (FLOPs, bytes read + written; -1 for
// unknown; STRIATE_PROFILE_BYTES when only the bytes are counted). The expressions are evaluated
// only while a profile runs.
//   STRIATE_PROFILE_COST(2 * M * N * K, (M * K + K * N + M * N) * sizeof(scalar_t));
//   kernels::gemm<scalar_t>(device, ...);
#define STRIATE_PROFILE_BYTES(bytes) STRIATE_PROFILE_COST(-1, bytes)
#define STRIATE_PROFILE_COST(flops, bytes)                                                       \
  const ::striate::profiler::detail::CostScope STRIATE_PROFILER_CONCAT(striate_cost_, __LINE__)( \
      [&] { return ::striate::profiler::detail::Cost{static_cast<int64_t>(flops), static_cast<int64_t>(bytes)}; })
