// The profiler's recording side: the on/off flag every hook reads, one stack of open records and one
// buffer of closed ones per thread, and start/stop, which gather the buffers into a Profile.
// A thread appends to its own buffer under that buffer's mutex (uncontended but for stop()), so
// threads never wait on one another while recording; a buffer outlives its thread, so the records
// of a DataLoader worker that ended before stop() are kept.
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "striate/core/error.h"
#include "striate/profiler.h"

namespace striate::profiler {

namespace detail {
std::atomic<bool> recording{false};
}  // namespace detail

namespace {

using detail::Cost;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A closed record; names and paths are interned, so copying one is cheap.
struct RawEvent {
  const char* name;
  const char* module;
  EventKind kind;
  int depth;
  int64_t start_ns, duration_ns, self_ns, flops, bytes;
};

struct ThreadBuffer {
  explicit ThreadBuffer(int index) : thread_index(index) {}
  std::mutex mutex;
  uint64_t session = 0;  // the profile `events` belong to
  std::vector<RawEvent> events;
  const int thread_index;
};

// The profile now running: 0 when none. Ids are never reused, so a record opened under one profile
// and closed under the next is recognised and dropped.
std::atomic<uint64_t> running_session{0};
std::atomic<int64_t> session_start_ns{0};
std::mutex control_mutex;  // start / stop / pause / resume
uint64_t last_session = 0;

std::mutex registry_mutex;
std::vector<std::shared_ptr<ThreadBuffer>>& registry() {
  static auto* buffers = new std::vector<std::shared_ptr<ThreadBuffer>>();  // outlives exiting threads
  return *buffers;
}
int next_thread_index = 1;

struct OpenRecord {
  const char* name;
  EventKind kind;
  const char* module;        // the path this record carries
  const char* outer_module;  // the thread's path before it opened (restored when it closes)
  const void* identity;      // the module, for module records
  uint64_t session;
  int64_t start_ns;
  int64_t children_ns = 0;  // durations of the records directly inside
  Cost cost;
};

struct ThreadState {
  std::shared_ptr<ThreadBuffer> buffer;
  std::vector<OpenRecord> open;
  const char* module_path = "";
  Cost pending;
  bool has_pending = false;

  ThreadBuffer& own_buffer() {
    if (!buffer) {
      std::lock_guard<std::mutex> lock(registry_mutex);
      buffer = std::make_shared<ThreadBuffer>(next_thread_index++);
      registry().push_back(buffer);
    }
    return *buffer;
  }
};

ThreadState& this_thread() {
  thread_local ThreadState state;
  return state;
}

bool push_record(const char* name, EventKind kind, const char* module, const void* identity, Cost cost) {
  const uint64_t session = running_session.load(std::memory_order_acquire);
  if (session == 0) return false;
  ThreadState& t = this_thread();
  t.open.push_back({name, kind, module ? module : t.module_path, t.module_path, identity, session, 0, 0, cost});
  if (module) t.module_path = module;
  t.open.back().start_ns = now_ns();  // last, so the bookkeeping above is not timed
  return true;
}

}  // namespace

const char* kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::Kernel: return "kernel";
    case EventKind::Backward: return "backward";
    case EventKind::Module: return "module";
    case EventKind::User: return "user";
  }
  return "kernel";
}

namespace detail {

const char* intern(const std::string& text) {
  static std::mutex mutex;
  static auto* table = new std::unordered_set<std::string>();  // never freed: records point into it
  std::lock_guard<std::mutex> lock(mutex);
  return table->insert(text).first->c_str();
}

bool open_record(const char* name, EventKind kind, const char* module) {
  return push_record(name, kind, module, nullptr, Cost{});
}

void close_record() {
  const int64_t end = now_ns();
  ThreadState& t = this_thread();
  if (t.open.empty()) return;
  OpenRecord record = t.open.back();
  t.open.pop_back();
  t.module_path = record.outer_module;
  const int64_t duration = end - record.start_ns;
  if (!t.open.empty()) t.open.back().children_ns += duration;
  if (record.session != running_session.load(std::memory_order_acquire)) return;  // its profile ended
  ThreadBuffer& buffer = t.own_buffer();
  std::lock_guard<std::mutex> lock(buffer.mutex);
  if (buffer.session != record.session) {
    buffer.events.clear();
    buffer.session = record.session;
  }
  buffer.events.push_back({record.name, record.module, record.kind, static_cast<int>(t.open.size()), record.start_ns,
                           duration, duration - record.children_ns, record.cost.flops, record.cost.bytes});
}

int open_depth() { return static_cast<int>(this_thread().open.size()); }

KernelRecord::KernelRecord(const char* name, int64_t bytes) {
  ThreadState& t = this_thread();
  Cost cost{-1, bytes};
  if (t.has_pending) {  // the op announced this call's cost; it serves this call only
    cost = t.pending;
    t.has_pending = false;
  }
  open_ = push_record(name, EventKind::Kernel, nullptr, nullptr, cost);
}

void set_pending_cost(Cost cost) {
  ThreadState& t = this_thread();
  t.pending = cost;
  t.has_pending = true;
}

void clear_pending_cost() { this_thread().has_pending = false; }

const void* current_module() {
  const ThreadState& t = this_thread();
  for (auto it = t.open.rbegin(); it != t.open.rend(); ++it)
    if (it->kind == EventKind::Module) return it->identity;
  return nullptr;
}

bool enter_module(const void* identity, const std::string& name_in_parent, const std::string& type_name) {
  const std::string parent = this_thread().module_path;
  const char* path = name_in_parent.empty() ? this_thread().module_path
                     : parent.empty()       ? intern(name_in_parent)
                                            : intern(parent + "." + name_in_parent);
  return push_record(intern(type_name), EventKind::Module, path, identity, Cost{});
}

void exit_module() {
  const ThreadState& t = this_thread();
  if (!t.open.empty() && t.open.back().kind == EventKind::Module) close_record();
}

const char* current_module_path() { return this_thread().module_path; }

}  // namespace detail

RecordFunction::RecordFunction(const std::string& name)
    : open_(is_enabled() && detail::open_record(detail::intern(name), EventKind::User)) {}

RecordFunction::~RecordFunction() {
  if (open_) detail::close_record();
}

void start() {
  std::lock_guard<std::mutex> lock(control_mutex);
  STRIATE_CHECK_STATE(running_session.load() == 0,
                      "profiler: a profile is already running; profiles do not nest (stop the running one first)");
  {
    std::lock_guard<std::mutex> registry_lock(registry_mutex);
    for (auto& buffer : registry()) {
      std::lock_guard<std::mutex> buffer_lock(buffer->mutex);
      buffer->events.clear();
      buffer->session = 0;
    }
  }
  session_start_ns.store(now_ns());
  running_session.store(++last_session, std::memory_order_release);
  detail::recording.store(true, std::memory_order_release);
}

Profile stop() {
  std::lock_guard<std::mutex> lock(control_mutex);
  const uint64_t session = running_session.load();
  STRIATE_CHECK_STATE(session != 0, "profiler: no profile is running (start one first)");
  detail::recording.store(false, std::memory_order_release);
  running_session.store(0, std::memory_order_release);
  const int64_t origin = session_start_ns.load();
  const int64_t wall = now_ns() - origin;

  std::vector<Event> events;
  std::lock_guard<std::mutex> registry_lock(registry_mutex);
  auto& buffers = registry();
  for (auto& buffer : buffers) {
    std::lock_guard<std::mutex> buffer_lock(buffer->mutex);
    if (buffer->session != session) continue;
    for (const RawEvent& raw : buffer->events) {
      Event event;
      event.name = raw.name;
      event.kind = raw.kind;
      event.module = raw.module;
      event.thread = buffer->thread_index;
      event.depth = raw.depth;
      event.start_ns = raw.start_ns - origin;
      event.duration_ns = raw.duration_ns;
      event.self_ns = raw.self_ns;
      event.flops = raw.flops;
      event.bytes = raw.bytes;
      events.push_back(std::move(event));
    }
    buffer->events.clear();
    buffer->events.shrink_to_fit();
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.thread != b.thread) return a.thread < b.thread;
    if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
    return a.depth < b.depth;  // an enclosing record first
  });
  // Buffers whose threads have ended (only the registry holds them) are done with.
  buffers.erase(std::remove_if(buffers.begin(), buffers.end(), [](const auto& b) { return b.use_count() == 1; }),
                buffers.end());
  return Profile(std::move(events), wall);
}

bool is_running() { return running_session.load() != 0; }

void pause() {
  std::lock_guard<std::mutex> lock(control_mutex);
  STRIATE_CHECK_STATE(running_session.load() != 0, "profiler.pause: no profile is running");
  detail::recording.store(false, std::memory_order_release);
}

void resume() {
  std::lock_guard<std::mutex> lock(control_mutex);
  STRIATE_CHECK_STATE(running_session.load() != 0, "profiler.resume: no profile is running");
  detail::recording.store(true, std::memory_order_release);
}

}  // namespace striate::profiler
