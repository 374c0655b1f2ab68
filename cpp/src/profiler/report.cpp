// What a Profile says: its records summed per name (key_averages), the top rows as a text table
// laid out as PyTorch's key_averages().table(), and the Chrome trace JSON, written atomically.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "io/file.h"
#include "io/json.h"
#include "striate/core/error.h"
#include "striate/profiler.h"

namespace striate::profiler {
namespace {

// 1.234s, 12.345ms, 3.210us, as PyTorch prints times.
std::string format_time(int64_t ns) {
  char text[32];
  if (ns >= 1000000000) {
    std::snprintf(text, sizeof text, "%.3fs", static_cast<double>(ns) / 1e9);
  } else if (ns >= 1000000) {
    std::snprintf(text, sizeof text, "%.3fms", static_cast<double>(ns) / 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.3fus", static_cast<double>(ns) / 1e3);
  }
  return text;
}

// A count with a decimal prefix ("1.23 G"); "-" when unknown.
std::string format_amount(int64_t value, const char* unit) {
  if (value < 0) return "-";
  static const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  auto scaled = static_cast<double>(value);
  int prefix = 0;
  while (scaled >= 1000.0 && prefix < 5) {
    scaled /= 1000.0;
    ++prefix;
  }
  char text[32];
  if (prefix == 0) {
    std::snprintf(text, sizeof text, "%lld %s", static_cast<long long>(value), unit);
  } else {
    std::snprintf(text, sizeof text, "%.2f %s%s", scaled, prefixes[prefix], unit);
  }
  return text;
}

// amount / time in G per second (amount per nanosecond); "-" when unknown.
std::string format_rate(int64_t amount, int64_t ns) {
  if (amount < 0 || ns <= 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(amount) / static_cast<double>(ns));
  return text;
}

std::string format_percent(int64_t part, int64_t whole) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f%%", whole > 0 ? 100.0 * static_cast<double>(part) / whole : 0.0);
  return text;
}

// The sort keys by name (PyTorch's names too), each comparing rows largest first.
using RowOrder = bool (*)(const EventStats&, const EventStats&);
const std::vector<std::pair<std::string, RowOrder>>& row_orders() {
  static const std::vector<std::pair<std::string, RowOrder>> orders = {
      {"self_time", [](const EventStats& a, const EventStats& b) { return a.self_ns > b.self_ns; }},
      {"total_time", [](const EventStats& a, const EventStats& b) { return a.total_ns > b.total_ns; }},
      {"calls", [](const EventStats& a, const EventStats& b) { return a.calls > b.calls; }},
      {"flops", [](const EventStats& a, const EventStats& b) { return a.flops > b.flops; }},
      {"bytes", [](const EventStats& a, const EventStats& b) { return a.bytes > b.bytes; }},
      {"self_cpu_time_total", [](const EventStats& a, const EventStats& b) { return a.self_ns > b.self_ns; }},
      {"cpu_time_total", [](const EventStats& a, const EventStats& b) { return a.total_ns > b.total_ns; }},
      {"count", [](const EventStats& a, const EventStats& b) { return a.calls > b.calls; }},
  };
  return orders;
}

void append_number(std::string& out, const char* key, double value) {
  char text[48];
  std::snprintf(text, sizeof text, "\"%s\":%.3f", key, value);
  out += text;
}

}  // namespace

std::vector<std::string> sort_keys() {
  std::vector<std::string> keys;
  for (const auto& [key, order] : row_orders()) keys.push_back(key);
  return keys;
}

Profile::Profile(std::vector<Event> events, int64_t wall_ns) : events_(std::move(events)), wall_ns_(wall_ns) {}

std::vector<EventStats> Profile::key_averages(bool group_by_module) const {
  std::vector<EventStats> rows;
  std::map<std::tuple<std::string, EventKind, std::string>, size_t> row_of;
  for (const Event& event : events_) {
    if (event.kind == EventKind::Module) continue;
    const std::string module = group_by_module ? event.module : std::string();
    auto [it, added] = row_of.emplace(std::make_tuple(event.name, event.kind, module), rows.size());
    if (added) {
      EventStats row;
      row.name = event.name;
      row.kind = event.kind;
      row.module = module;
      rows.push_back(row);
    }
    EventStats& row = rows[it->second];
    row.calls += 1;
    row.self_ns += event.self_ns;
    row.total_ns += event.duration_ns;
    if (event.flops >= 0) row.flops = std::max<int64_t>(row.flops, 0) + event.flops;
    if (event.bytes >= 0) row.bytes = std::max<int64_t>(row.bytes, 0) + event.bytes;
  }
  std::stable_sort(rows.begin(), rows.end(), row_orders()[0].second);
  return rows;
}

std::string Profile::table(const std::string& sort_by, int64_t row_limit, bool group_by_module) const {
  const auto& orders = row_orders();
  auto order = std::find_if(orders.begin(), orders.end(), [&](const auto& entry) { return entry.first == sort_by; });
  if (order == orders.end()) {
    std::string known;
    for (const auto& key : sort_keys()) known += (known.empty() ? "" : ", ") + key;
    throw ValueError(
        ::striate::detail::str("profiler.table: unknown sort_by '", sort_by, "'; expected one of ", known));
  }
  std::vector<EventStats> rows = key_averages(group_by_module);
  std::stable_sort(rows.begin(), rows.end(), order->second);
  int64_t self_total = 0, module_self = 0;
  int threads = 0;
  for (const Event& event : events_) {
    self_total += event.self_ns;
    if (event.kind == EventKind::Module) module_self += event.self_ns;
    threads = std::max(threads, event.thread);
  }
  if (row_limit > 0 && static_cast<int64_t>(rows.size()) > row_limit) rows.resize(static_cast<size_t>(row_limit));

  std::vector<std::string> header = {"Name"};
  if (group_by_module) header.push_back("Module");
  for (const char* title :
       {"Self time", "Self %", "Total time", "Calls", "Time/call", "FLOPs", "GFLOP/s", "Bytes", "GB/s"})
    header.emplace_back(title);
  std::vector<std::vector<std::string>> cells;
  for (const EventStats& row : rows) {
    std::vector<std::string> line = {row.name};
    if (group_by_module) line.push_back(row.module.empty() ? "-" : row.module);
    line.push_back(format_time(row.self_ns));
    line.push_back(format_percent(row.self_ns, self_total));
    line.push_back(format_time(row.total_ns));
    line.push_back(std::to_string(row.calls));
    line.push_back(format_time(row.calls > 0 ? row.total_ns / row.calls : 0));
    line.push_back(format_amount(row.flops, ""));
    line.push_back(format_rate(row.flops, row.total_ns));
    line.push_back(format_amount(row.bytes, "B"));
    line.push_back(format_rate(row.bytes, row.total_ns));
    cells.push_back(std::move(line));
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& line : cells) width[c] = std::max(width[c], line[c].size());
  }
  const size_t text_columns = group_by_module ? 2 : 1;  // left-aligned; the numbers align right
  auto render = [&](const std::vector<std::string>& line) {
    std::string out;
    for (size_t c = 0; c < line.size(); ++c) {
      const std::string padding(width[c] - line[c].size(), ' ');
      out += c < text_columns ? line[c] + padding : padding + line[c];
      out += c + 1 < line.size() ? "  " : "\n";
    }
    return out;
  };
  size_t total_width = 0;
  for (size_t w : width) total_width += w + 2;
  const std::string rule(total_width - 2, '-');
  std::ostringstream out;
  out << rule << "\n" << render(header) << rule << "\n";
  for (const auto& line : cells) out << render(line);
  out << rule << "\n";
  out << "Self time total: " << format_time(self_total) << " over " << threads
      << (threads == 1 ? " thread" : " threads") << "; wall time " << format_time(wall_ns_)
      << "; inside module calls but outside any kernel: " << format_time(module_self) << "\n";
  return out.str();
}

std::string Profile::chrome_trace() const {
  const long pid = static_cast<long>(::getpid());
  std::string out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
  int threads = 0;
  bool first = true;
  for (const Event& event : events_) {
    threads = std::max(threads, event.thread);
    out += first ? "\n" : ",\n";
    first = false;
    out += "{\"name\":";
    io::append_json_string(out, event.name);
    out += ",\"cat\":\"";
    out += kind_name(event.kind);
    out += "\",\"ph\":\"X\",";
    append_number(out, "ts", static_cast<double>(event.start_ns) / 1e3);
    out += ",";
    append_number(out, "dur", static_cast<double>(event.duration_ns) / 1e3);
    out += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(event.thread) + ",\"args\":{\"module\":";
    io::append_json_string(out, event.module);
    if (event.flops >= 0) out += ",\"flops\":" + std::to_string(event.flops);
    if (event.bytes >= 0) out += ",\"bytes\":" + std::to_string(event.bytes);
    out += ",";
    append_number(out, "self_us", static_cast<double>(event.self_ns) / 1e3);
    out += "}}";
  }
  std::vector<bool> named(static_cast<size_t>(threads) + 1, false);
  for (const Event& event : events_) {
    if (named[static_cast<size_t>(event.thread)]) continue;
    named[static_cast<size_t>(event.thread)] = true;
    out += first ? "\n" : ",\n";
    first = false;
    out += "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + std::to_string(pid) +
           ",\"tid\":" + std::to_string(event.thread) + ",\"args\":{\"name\":\"thread " + std::to_string(event.thread) +
           "\"}}";
  }
  out += "\n]}\n";
  return out;
}

void Profile::export_chrome_trace(const std::string& path) const {
  const std::string text = chrome_trace();
  io::AtomicFileWriter file(path, "export_chrome_trace");
  file.write(text.data(), text.size());
  file.commit();
}

}  // namespace striate::profiler
