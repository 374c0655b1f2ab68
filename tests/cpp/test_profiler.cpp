// C++ API test of the profiler (striate/profiler.h), as an embedding program uses it: records of a
// small conv net's forward and backward with their module paths, conv2d's FLOPs, self <= total,
// nesting of user regions, records from two threads, profiles that do not nest, the table and the
// Chrome trace. Structural checks only: no timing is asserted. Returns non-zero on a failure.
#include <striate/striate.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

int failures = 0;

void check(bool condition, const std::string& what) {
  if (!condition) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

template <typename ErrorType, typename F>
void check_throws(F&& body, const std::string& fragment, const std::string& what) {
  try {
    body();
  } catch (const ErrorType& e) {
    check(std::string(e.what()).find(fragment) != std::string::npos,
          what + ": message '" + e.what() + "' lacks '" + fragment + "'");
    return;
  } catch (const std::exception& e) {
    std::cerr << "FAILED: " << what << " threw the wrong error: " << e.what() << "\n";
    ++failures;
    return;
  }
  std::cerr << "FAILED: " << what << " did not throw\n";
  ++failures;
}

namespace nn = striate::nn;
namespace profiler = striate::profiler;
using profiler::EventKind;

std::vector<profiler::Event> find(const profiler::Profile& profile, const std::string& name) {
  std::vector<profiler::Event> found;
  for (const auto& event : profile.events())
    if (event.name == name) found.push_back(event);
  return found;
}

void test_conv_net_forward_and_backward() {
  striate::manual_seed(0);
  nn::Sequential model{nn::Conv2d(3, 4, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(4 * 3 * 3, 5)};
  striate::Tensor x = striate::randn({2, 3, 8, 8});
  striate::Tensor y = striate::randint(0, 5, {2});

  profiler::start();
  check(profiler::is_running() && profiler::is_enabled(), "start() turns the profiler on");
  striate::Tensor loss = nn::functional::cross_entropy(model(x), y);
  loss.backward();
  profiler::Profile profile = profiler::stop();
  check(!profiler::is_running() && !profiler::is_enabled(), "stop() turns it off");

  for (const auto& event : profile.events()) {
    check(event.duration_ns >= 0 && event.self_ns >= 0 && event.self_ns <= event.duration_ns,
          event.name + ": 0 <= self <= total");
    check(event.start_ns >= 0, event.name + ": starts after start()");
  }
  const auto forward = find(profile, "conv2d_forward");
  check(forward.size() == 1 && forward[0].kind == EventKind::Kernel, "one conv2d_forward kernel record");
  if (!forward.empty()) {
    check(forward[0].module == "0", "conv2d_forward runs in module 0, got '" + forward[0].module + "'");
    // 2 * N * K * (C / groups) * R * S * P * Q
    check(forward[0].flops == 2 * 2 * 4 * 3 * 3 * 3 * 6 * 6, "conv2d_forward FLOPs follow the formula");
    check(forward[0].bytes == (2 * 3 * 8 * 8 + 4 * 3 * 3 * 3 + 2 * 4 * 6 * 6) * 4, "conv2d_forward bytes");
  }
  const auto gemm = find(profile, "gemm");
  check(!gemm.empty() && gemm[0].module == "4" && gemm[0].flops == 2 * 2 * 5 * 36, "the Linear's gemm, 2*M*N*K");

  const auto node = find(profile, "Conv2dBackward");
  check(node.size() == 1 && node[0].kind == EventKind::Backward, "one Conv2dBackward record");
  if (!node.empty()) check(node[0].module == "0", "the backward node keeps its creator's path");
  // The input needs no gradient: only the weight pass runs, inside the node.
  check(find(profile, "conv2d_backward_input").empty(), "no input gradient for an input without requires_grad");
  const auto weight_pass = find(profile, "conv2d_backward_weight");
  check(weight_pass.size() == 1, "one conv2d_backward_weight record");
  if (!weight_pass.empty() && !node.empty()) {
    check(weight_pass[0].module == "0", "a kernel inside a backward node carries the node's path");
    check(weight_pass[0].depth == node[0].depth + 1, "the weight pass nests in the node");
    check(weight_pass[0].flops == forward[0].flops, "the weight pass costs the forward's FLOPs");
    check(node[0].self_ns <= node[0].duration_ns - weight_pass[0].duration_ns, "self excludes the nested kernel");
  }
  const auto relu_node = find(profile, "ReluBackward");
  check(!relu_node.empty() && relu_node[0].module == "1", "ReluBackward under module 1");
  const auto modules = find(profile, "Conv2d");
  check(modules.size() == 1 && modules[0].kind == EventKind::Module && modules[0].module == "0",
        "the Conv2d module call is a record with its path");
  const auto root = find(profile, "Sequential");
  check(root.size() == 1 && root[0].module.empty() && root[0].depth == 0, "the root module call has path ''");

  // key_averages leaves module records out and sums per name.
  bool module_rows = false;
  for (const auto& row : profile.key_averages()) module_rows = module_rows || row.kind == EventKind::Module;
  check(!module_rows, "key_averages has no module rows");
  for (const auto& row : profile.key_averages(true))
    if (row.name == "conv2d_forward") check(row.module == "0" && row.calls == 1, "grouped by module");
}

void test_off_records_nothing() {
  striate::Tensor a = striate::randn({16});
  striate::Tensor b = striate::add(a, a);  // before any profile
  profiler::start();
  profiler::Profile empty = profiler::stop();
  check(empty.events().empty(), "a profile records nothing it did not see");
  profiler::start();
  profiler::pause();
  check(profiler::is_running() && !profiler::is_enabled(), "paused: running, not recording");
  striate::add(b, a);
  profiler::resume();
  striate::mul(b, a);
  profiler::Profile paused = profiler::stop();
  check(find(paused, "add").empty() && find(paused, "mul").size() == 1, "nothing is recorded while paused");
  if (!find(paused, "mul").empty()) check(find(paused, "mul")[0].bytes == 3 * 16 * 4, "mul: bytes of its tensors");
}

void test_errors() {
  profiler::start();
  check_throws<striate::RuntimeError>([] { profiler::start(); }, "profiles do not nest", "a nested start");
  profiler::stop();
  check_throws<striate::RuntimeError>([] { profiler::stop(); }, "no profile is running", "stop without start");
  check_throws<striate::RuntimeError>([] { profiler::pause(); }, "no profile is running", "pause without start");
  profiler::start();
  profiler::Profile profile = profiler::stop();
  check_throws<striate::ValueError>([&] { profile.table("fastest"); }, "unknown sort_by 'fastest'", "a bad sort key");
}

void test_regions_nest() {
  profiler::start();
  {
    profiler::RecordFunction outer("outer");
    striate::Tensor t = striate::randn({64});
    {
      profiler::RecordFunction inner("inner");
      striate::add(t, t);
    }
  }
  profiler::Profile profile = profiler::stop();
  const auto outer = find(profile, "outer"), inner = find(profile, "inner"), add = find(profile, "add");
  check(outer.size() == 1 && inner.size() == 1 && add.size() == 1, "one record per region and op");
  if (outer.size() == 1 && inner.size() == 1 && add.size() == 1) {
    check(outer[0].kind == EventKind::User && inner[0].depth == outer[0].depth + 1, "inner nests in outer");
    check(add[0].depth == inner[0].depth + 1, "the op nests in inner");
    check(inner[0].start_ns >= outer[0].start_ns &&
              inner[0].start_ns + inner[0].duration_ns <= outer[0].start_ns + outer[0].duration_ns,
          "inner lies within outer");
    check(outer[0].self_ns <= outer[0].duration_ns - inner[0].duration_ns, "outer's self excludes inner");
  }
  // Constructed with the profiler off, a region records nothing and closes nothing.
  {
    profiler::RecordFunction ignored("ignored");
  }
}

void test_two_threads() {
  profiler::start();
  auto work = [] {
    striate::Tensor t = striate::ones({256});
    for (int i = 0; i < 20; ++i) t = striate::add(t, t);
  };
  std::thread first(work), second(work);
  first.join();
  second.join();
  profiler::Profile profile = profiler::stop();
  std::vector<int> threads;
  for (const auto& event : profile.events())
    if (event.name == "add") threads.push_back(event.thread);
  check(threads.size() == 40, "every add of both threads is recorded (ended threads included)");
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  check(threads.size() == 2, "the records of two threads carry two thread numbers");
}

void test_table_and_trace() {
  profiler::start();
  striate::Tensor x = striate::randn({4, 3, 8, 8});
  for (int i = 0; i < 3; ++i) x = striate::relu(x);
  striate::Tensor w = striate::randn({2, 3, 3, 3});
  striate::conv2d(x, w, std::nullopt, striate::Conv2dOptions());
  profiler::Profile profile = profiler::stop();
  const std::string table = profile.table("calls", 2);
  check(table.find("Name") != std::string::npos && table.find("GFLOP/s") != std::string::npos, "table header");
  check(table.find("relu_forward") != std::string::npos, "the most called op comes first");
  const auto rows = profile.key_averages();
  for (size_t i = 1; i < rows.size(); ++i) check(rows[i - 1].self_ns >= rows[i].self_ns, "rows by self time");
  const std::string trace = profile.chrome_trace();
  check(trace.find("\"traceEvents\"") != std::string::npos && trace.find("\"ph\":\"X\"") != std::string::npos,
        "Chrome trace events");
  check(trace.find("\"name\":\"conv2d_forward\"") != std::string::npos && trace.find("\"flops\":") != std::string::npos,
        "the trace holds the conv and its FLOPs");
  const std::string path = "test_profiler_trace.json";
  profile.export_chrome_trace(path);
  std::ifstream in(path);
  std::stringstream written;
  written << in.rdbuf();
  check(written.str() == trace, "export_chrome_trace writes chrome_trace()");
  std::remove(path.c_str());
}

}  // namespace

int main() {
  try {
    test_conv_net_forward_and_backward();
    test_off_records_nothing();
    test_errors();
    test_regions_nest();
    test_two_threads();
    test_table_and_trace();
  } catch (const std::exception& e) {
    std::cerr << "FAILED with an exception: " << e.what() << "\n";
    return 1;
  }
  if (failures > 0) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  std::cout << "test_profiler: all checks passed\n";
  return 0;
}
