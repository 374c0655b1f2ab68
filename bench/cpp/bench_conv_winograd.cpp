// Winograd 3x3 convolution against the im2col + GEMM lowering, pass by pass, at the ResNet-20 and
// DenseNet shapes: milliseconds (best of interleaved runs) and effective GFLOP/s (direct-conv
// FLOPs / time). Built with the C++ tests, never run by ctest.
//   build/dev/bench/cpp/bench_conv_winograd [--threads 1,2] [--batch 64,128] [--repeats 15]
//                                            [--tile 0|2|4] [--isa generic|avx2|avx512] [--clock wall|cpu]
//                                            [--only 'text in "shape pass"'] [--extra 1]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include <striate/core/cpu_isa.h>
#include <striate/core/parallel.h>

#include "kernels/cpu/conv_lowering.h"
#include "kernels/cpu/conv_winograd.h"

using striate::kernels::Conv2dGeometry;
namespace cpu = striate::kernels::cpu;
namespace winograd = striate::kernels::cpu::winograd;

namespace {

struct Shape {
  const char* name;
  int64_t C, K, size, pad;
};

const Shape kShapes[] = {
    {"resnet 16->16 @32", 16, 16, 32, 1}, {"resnet 32->32 @16", 32, 32, 16, 1},   {"resnet 64->64 @8", 64, 64, 8, 1},
    {"stem 3->16 @32", 3, 16, 32, 1},     {"densenet 48->12 @32", 48, 12, 32, 1},
};
// With --extra: the small images of VGG-11 on 32x32 inputs, where the tile choice matters most.
const Shape kExtraShapes[] = {
    {"vgg 256->256 @8", 256, 256, 8, 1},
    {"vgg 512->512 @4", 512, 512, 4, 1},
    {"vgg 512->512 @2", 512, 512, 2, 1},
};

Conv2dGeometry geometry(int64_t N, const Shape& s) {
  Conv2dGeometry g{};
  g.N = N, g.C = s.C, g.H = s.size, g.W = s.size;
  g.K = s.K, g.R = 3, g.S = 3;
  g.P = s.size + 2 * s.pad - 2, g.Q = s.size + 2 * s.pad - 2;
  g.stride_h = g.stride_w = 1;
  g.pad_top = g.pad_left = s.pad;
  g.dilation_h = g.dilation_w = 1;
  g.groups = 1;
  return g;
}

// The current CPU conv path, called through its lowering (so this stays the im2col baseline
// whatever conv.cpp later chooses).
cpu::lowering::LoweredConv lowered(const Conv2dGeometry& g) {
  return {g.N, g.C, g.K, 1, g.H * g.W, g.P * g.Q, 9, false};
}
void im2col_forward(float* out, const float* in, const float* w, const float* b, const Conv2dGeometry& g) {
  cpu::lowering::forward(out, in, w, b, lowered(g), [&](float* col, int64_t ld, const float* x, int64_t channels) {
    cpu::im2col(col, x, g, channels, ld);
  });
}
void im2col_backward_input(float* din, const float* dout, const float* w, const Conv2dGeometry& g) {
  cpu::lowering::backward_input(din, dout, w, lowered(g),
                                [&](float* planes, const float* dcol, int64_t ld, int64_t channels) {
                                  cpu::col2im(planes, dcol, g, channels, ld);
                                });
}
void im2col_backward_weight(float* dw, float* db, const float* dout, const float* in, const Conv2dGeometry& g) {
  cpu::lowering::backward_weight(
      dw, db, dout, in, lowered(g),
      [&](float* col, int64_t ld, const float* x, int64_t channels) { cpu::im2col(col, x, g, channels, ld); });
}

// Wall time, or with --clock cpu the CPU time of the whole process (all threads: equal to the wall
// time of an undisturbed single-threaded run, and robust to other processes sharing the cores).
bool use_cpu_clock = false;

double now() {
  if (!use_cpu_clock) return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

double seconds_of(const std::function<void()>& fn) {
  const double start = now();
  fn();
  return now() - start;
}

// Times a and b interleaved (so drift from the shared machine hits both alike): the fastest run of
// each in ms (on a shared machine the minimum is the least noisy estimate of the undisturbed time).
void time_pair(const std::function<void()>& a, const std::function<void()>& b, int repeats, double& ms_a,
               double& ms_b) {
  for (int i = 0; i < 2; ++i) a(), b();
  std::vector<double> ta, tb;
  for (int i = 0; i < repeats; ++i) {
    ta.push_back(seconds_of(a));
    tb.push_back(seconds_of(b));
  }
  ms_a = *std::min_element(ta.begin(), ta.end()) * 1e3;
  ms_b = *std::min_element(tb.begin(), tb.end()) * 1e3;
}

std::vector<int> parse_list(const char* text) {
  std::vector<int> values;
  std::string s(text);
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) values.push_back(std::atoi(s.substr(start, end - start).c_str()));
    start = end + 1;
  }
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads = {1, 2}, batches = {64, 128};
  int repeats = 15, tile = 0;
  bool extra = false;
  std::string only;  // run only the shapes and passes whose "shape pass" contains this text
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--threads") threads = parse_list(value.c_str());
    if (flag == "--batch") batches = parse_list(value.c_str());
    if (flag == "--repeats") repeats = std::atoi(value.c_str());
    if (flag == "--tile") tile = std::atoi(value.c_str());
    if (flag == "--clock") use_cpu_clock = value == "cpu";
    if (flag == "--only") only = value;
    if (flag == "--extra") extra = value != "0";
    if (flag == "--isa")
      striate::set_cpu_isa(value == "generic" ? striate::CpuIsa::Generic
                           : value == "avx2"  ? striate::CpuIsa::AVX2
                                              : striate::CpuIsa::AVX512);
  }
  winograd::force_tile(tile);
  std::printf("isa %s, %s time, best of %d interleaved runs; GFLOP/s = direct-conv FLOPs (2 N K C 9 P Q) / time\n",
              striate::cpu_isa_name(striate::cpu_isa()), use_cpu_clock ? "process CPU" : "wall", repeats);
  std::printf("%-7s %-5s %-21s %-15s %4s %10s %10s %9s %9s %7s\n", "threads", "batch", "shape", "pass", "tile",
              "im2col ms", "wino ms", "im2col GF", "wino GF", "speedup");
  std::mt19937 rng(0);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int t : threads) {
    striate::set_num_threads(t);
    for (int N : batches) {
      std::vector<Shape> shapes(std::begin(kShapes), std::end(kShapes));
      if (extra) shapes.insert(shapes.end(), std::begin(kExtraShapes), std::end(kExtraShapes));
      for (const Shape& shape : shapes) {
        const Conv2dGeometry g = geometry(N, shape);
        std::vector<float> input(g.N * g.C * g.H * g.W), weight(g.K * g.C * 9), bias(g.K);
        std::vector<float> doutput(g.N * g.K * g.P * g.Q);
        for (auto* v : {&input, &weight, &bias, &doutput})
          for (auto& x : *v) x = normal(rng);
        std::vector<float> out(doutput.size()), din(input.size()), dw(weight.size()), db(g.K);
        const double gflop = 2.0 * g.N * g.K * g.C * 9 * g.P * g.Q * 1e-9;
        struct Pass {
          const char* name;
          std::function<void()> im2col, wino;
          int tile;
        } passes[] = {
            {"forward", [&] { im2col_forward(out.data(), input.data(), weight.data(), bias.data(), g); },
             [&] { winograd::forward(out.data(), input.data(), weight.data(), bias.data(), g); },
             winograd::tile_size(g)},
            {"backward_input", [&] { im2col_backward_input(din.data(), doutput.data(), weight.data(), g); },
             [&] { winograd::backward_input(din.data(), doutput.data(), weight.data(), g); }, winograd::tile_size(g)},
            {"backward_weight", [&] { im2col_backward_weight(dw.data(), db.data(), doutput.data(), input.data(), g); },
             [&] { winograd::backward_weight(dw.data(), db.data(), doutput.data(), input.data(), g); },
             winograd::tile_size(g)},
        };
        for (const Pass& pass : passes) {
          if (!only.empty() && (std::string(shape.name) + " " + pass.name).find(only) == std::string::npos) continue;
          double ms_im2col, ms_wino;
          time_pair(pass.im2col, pass.wino, repeats, ms_im2col, ms_wino);
          std::printf("%-7d %-5d %-21s %-15s %4d %10.3f %10.3f %9.1f %9.1f %6.2fx\n", t, N, shape.name, pass.name,
                      pass.tile, ms_im2col, ms_wino, gflop / ms_im2col * 1e3, gflop / ms_wino * 1e3,
                      ms_im2col / ms_wino);
          std::fflush(stdout);
        }
      }
    }
  }
  return 0;
}
