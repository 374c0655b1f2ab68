// parallel_for over striate's thread pool (core/parallel.cpp): every index exactly once for any
// range, grain and thread count (more threads than cores and than chunks included), the same
// chunks as the documented split, nesting runs inline, exceptions reach the caller and the pool
// stays usable, concurrent callers from several threads, and the thread setting's checks.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "check.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"

using namespace striate;

namespace {

// Every index of [begin, end) is visited exactly once, by chunks of >= grain (but the last).
void check_cover(int64_t begin, int64_t end, int64_t grain, int threads) {
  set_num_threads(threads);
  std::vector<std::atomic<int>> hits(static_cast<size_t>(end - begin + 1));
  std::atomic<int> chunks{0};
  parallel_for(begin, end, grain, [&](int64_t b, int64_t e) {
    CHECK(begin <= b && b < e && e <= end);
    chunks.fetch_add(1);
    for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i - begin)].fetch_add(1);
  });
  for (int64_t i = begin; i < end; ++i) CHECK(hits[static_cast<size_t>(i - begin)].load() == 1);
  CHECK(chunks.load() <= threads);
  const int64_t range = end - begin;
  int64_t expected = range > 0 ? 1 : 0;  // ranges of at most one grain run inline
  if (range > grain && threads > 1) {    // else ceil(range / n) per thread, n = min(threads, chunks of grain)
    const int64_t n = std::min<int64_t>(threads, (range + grain - 1) / grain);
    const int64_t chunk = (range + n - 1) / n;
    expected = (range + chunk - 1) / chunk;
  }
  CHECK(chunks.load() == expected);
}

void test_cover() {
  for (int threads : {1, 2, 3, 5, 8})
    for (int64_t range : {0, 1, 2, 3, 7, 16, 17, 100, 1001})
      for (int64_t grain : {1, 2, 3, 64}) check_cover(5, 5 + range, grain, threads);
}

// Back-to-back regions (the pool's spin hand-off) and regions after a pause long enough for the
// workers to sleep (the wake-up path) both run every chunk.
void test_spin_and_sleep() {
  set_num_threads(2);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2000; ++i) {
      std::atomic<int64_t> sum{0};
      parallel_for(0, 10, 1, [&](int64_t b, int64_t e) {
        for (int64_t j = b; j < e; ++j) sum.fetch_add(j);
      });
      CHECK(sum.load() == 45);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // past every spin limit
  }
}

void test_nested_runs_inline() {
  set_num_threads(2);
  std::atomic<int> outer_in_region{0}, inner_chunks{0};
  parallel_for(0, 2, 1, [&](int64_t, int64_t) {
    if (in_parallel_region()) outer_in_region.fetch_add(1);
    parallel_for(0, 100, 1, [&](int64_t b, int64_t e) {
      CHECK(b == 0 && e == 100);  // one chunk: the nested loop runs on this thread
      inner_chunks.fetch_add(1);
    });
  });
  CHECK(outer_in_region.load() == 2);
  CHECK(inner_chunks.load() == 2);
  CHECK(!in_parallel_region());
}

void test_exceptions() {
  set_num_threads(2);
  for (int thrower : {0, 1}) {  // the caller's chunk, a worker's chunk
    CHECK_THROWS(ValueError,
                 parallel_for(0, 2, 1,
                              [&](int64_t b, int64_t) {
                                if (b == thrower) throw ValueError("chunk failed");
                              }),
                 "chunk failed");
  }
  std::atomic<int> ran{0};  // the pool still works
  parallel_for(0, 2, 1, [&](int64_t, int64_t) { ran.fetch_add(1); });
  CHECK(ran.load() == 2);
  CHECK(!in_parallel_region());
}

// Several threads call parallel_for at once: one gets the pool, the others run their loops on
// themselves; every loop covers its range.
void test_concurrent_callers() {
  set_num_threads(2);
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int c = 0; c < 6; ++c)
    callers.emplace_back([&, c] {
      for (int i = 0; i < 300; ++i) {
        const int64_t n = 50 + c + i % 7;
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        parallel_for(0, n, 1, [&](int64_t b, int64_t e) {
          for (int64_t j = b; j < e; ++j) hits[static_cast<size_t>(j)].fetch_add(1);
        });
        for (auto& h : hits)
          if (h.load() != 1) wrong.fetch_add(1);
      }
    });
  for (auto& t : callers) t.join();
  CHECK(wrong.load() == 0);
}

// The setting is one value for the process: another thread reads what this one set.
void test_setting() {
  set_num_threads(3);
  int seen = 0;
  std::thread([&] { seen = get_num_threads(); }).join();
  CHECK(seen == 3);
  CHECK_THROWS(ValueError, set_num_threads(0), "set_num_threads: expected a positive number of threads, got 0");
  CHECK_THROWS(ValueError, set_num_threads(100000), "set_num_threads: expected at most 4096 threads, got 100000");
  CHECK(get_num_threads() == 3);
}

// A child process forked after the pool ran has no workers: its pool is a fresh one.
void test_fork() {
  set_num_threads(2);
  std::atomic<int> ran{0};
  parallel_for(0, 2, 1, [&](int64_t, int64_t) { ran.fetch_add(1); });
  pid_t pid = fork();
  if (pid == 0) {
    std::atomic<int> child_ran{0};
    alarm(20);  // a hang fails the test instead of blocking it
    parallel_for(0, 2, 1, [&](int64_t, int64_t) { child_ran.fetch_add(1); });
    _exit(child_ran.load() == 2 ? 0 : 3);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace

int main() {
  try {
    test_cover();
    test_spin_and_sleep();
    test_nested_runs_inline();
    test_exceptions();
    test_concurrent_callers();
    test_setting();
    test_fork();
  } catch (const std::exception& e) {
    std::cerr << "unexpected exception: " << e.what() << "\n";
    return 1;
  }
  return report("test_parallel");
}
