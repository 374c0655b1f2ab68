// Direct and depthwise convolution against the im2col + GEMM lowering (what the rule ran before
// them), pass by pass, at the ResNet-20 strided shapes, the LeNet-5 5x5 shapes and MobileNet-like
// depthwise shapes: milliseconds (best of interleaved runs) and GFLOP/s (2 N K C/groups R S P Q /
// time). Built with the C++ tests, never run by ctest.
//   build/dev/bench/cpp/bench_conv_direct [--threads 1,2] [--repeats 15] [--isa generic|avx2|avx512]
//                                         [--clock wall|cpu] [--only 'text in "shape pass"']
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include <striate/core/cpu_isa.h>
#include <striate/core/parallel.h>

#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/conv_lowering.h"

using striate::kernels::Conv2dGeometry;
namespace cpu = striate::kernels::cpu;

namespace {

struct Shape {
  const char* name;
  int64_t N, C, K, size, kernel, stride, pad, groups;
};

const Shape kShapes[] = {
    {"resnet 16->32 @32 s2", 64, 16, 32, 32, 3, 2, 1, 1},  {"resnet 32->64 @16 s2", 64, 32, 64, 16, 3, 2, 1, 1},
    {"resnet 16->32 @32 s2", 128, 16, 32, 32, 3, 2, 1, 1}, {"resnet 32->64 @16 s2", 128, 32, 64, 16, 3, 2, 1, 1},
    {"lenet 1->6 5x5 @28 p2", 64, 1, 6, 28, 5, 1, 2, 1},   {"lenet 6->16 5x5 @14", 64, 6, 16, 14, 5, 1, 0, 1},
    {"lenet 1->6 5x5 @28 p2", 256, 1, 6, 28, 5, 1, 2, 1},  {"lenet 6->16 5x5 @14", 256, 6, 16, 14, 5, 1, 0, 1},
    {"lenet 1->6 5x5 @28 p2", 1, 1, 6, 28, 5, 1, 2, 1},    {"lenet 6->16 5x5 @14", 1, 6, 16, 14, 5, 1, 0, 1},
    {"resnet 16->16 @32 s1", 64, 16, 16, 32, 3, 1, 1, 1},  {"stem 3->16 @32", 64, 3, 16, 32, 3, 1, 1, 1},
    {"vgg stem 3->64 @32", 64, 3, 64, 32, 3, 1, 1, 1},     {"5x5 32->32 @16 p2", 64, 32, 32, 16, 5, 1, 2, 1},
    {"7x7 s2 3->64 @64 p3", 16, 3, 64, 64, 7, 2, 3, 1},    {"dw 32 3x3 @32", 64, 32, 32, 32, 3, 1, 1, 32},
    {"dw 64 3x3 @16", 64, 64, 64, 16, 3, 1, 1, 64},        {"dw 64 3x3 @32 s2", 64, 64, 64, 32, 3, 2, 1, 64},
    {"dw 32 3x3 @32", 1, 32, 32, 32, 3, 1, 1, 32},
};

Conv2dGeometry geometry(const Shape& s) {
  Conv2dGeometry g{};
  g.N = s.N, g.C = s.C, g.H = s.size, g.W = s.size;
  g.K = s.K, g.R = s.kernel, g.S = s.kernel;
  g.P = g.Q = (s.size + 2 * s.pad - s.kernel) / s.stride + 1;
  g.stride_h = g.stride_w = s.stride;
  g.pad_top = g.pad_left = s.pad;
  g.dilation_h = g.dilation_w = 1;
  g.groups = s.groups;
  return g;
}

cpu::lowering::LoweredConv lowered(const Conv2dGeometry& g) {
  return {g.N, g.C, g.K, g.groups, g.H * g.W, g.P * g.Q, g.R * g.S, false};
}

bool use_cpu_clock = false;

double now() {
  if (!use_cpu_clock) return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// a and b interleaved; the fastest run of each in ms.
void time_pair(const std::function<void()>& a, const std::function<void()>& b, int repeats, double& ms_a,
               double& ms_b) {
  for (int i = 0; i < 2; ++i) a(), b();
  ms_a = ms_b = 1e30;
  for (int i = 0; i < repeats; ++i) {
    double start = now();
    a();
    ms_a = std::min(ms_a, (now() - start) * 1e3);
    start = now();
    b();
    ms_b = std::min(ms_b, (now() - start) * 1e3);
  }
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> values;
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
  std::vector<int> threads = {1, 2};
  int repeats = 15;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--threads") threads = parse_list(value);
    if (flag == "--repeats") repeats = std::atoi(value.c_str());
    if (flag == "--clock") use_cpu_clock = value == "cpu";
    if (flag == "--only") only = value;
    if (flag == "--isa")
      striate::set_cpu_isa(value == "generic" ? striate::CpuIsa::Generic
                           : value == "avx2"  ? striate::CpuIsa::AVX2
                                              : striate::CpuIsa::AVX512);
  }
  std::printf("isa %s, %s time, best of %d interleaved runs; GFLOP/s = 2 N K C/groups R S P Q / time\n",
              striate::cpu_isa_name(striate::cpu_isa()), use_cpu_clock ? "process CPU" : "wall", repeats);
  std::printf("%-3s %-5s %-22s %-15s %10s %10s %9s %9s %7s\n", "thr", "batch", "shape", "pass", "im2col ms", "new ms",
              "im2col GF", "new GF", "speedup");
  std::mt19937 rng(0);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int t : threads) {
    striate::set_num_threads(t);
    for (const Shape& shape : kShapes) {
      const Conv2dGeometry g = geometry(shape);
      const bool dw = g.groups > 1;
      const int64_t Cg = g.C / g.groups;
      std::vector<float> input(g.N * g.C * g.H * g.W), weight(g.K * Cg * g.R * g.S), bias(g.K);
      std::vector<float> doutput(g.N * g.K * g.P * g.Q);
      for (auto* v : {&input, &weight, &bias, &doutput})
        for (auto& x : *v) x = normal(rng);
      std::vector<float> out(doutput.size()), din(input.size()), dwt(weight.size()), db(g.K);
      const double gflop = 2.0 * g.N * g.K * Cg * g.R * g.S * g.P * g.Q * 1e-9;
      auto unfold = [&](float* col, int64_t ld, const float* x, int64_t channels) {
        cpu::im2col(col, x, g, channels, ld);
      };
      struct Pass {
        const char* name;
        std::function<void()> old, now;
      } passes[] = {
          {"forward",
           [&] { cpu::lowering::forward(out.data(), input.data(), weight.data(), bias.data(), lowered(g), unfold); },
           [&] {
             if (dw)
               cpu::depthwise::forward(out.data(), input.data(), weight.data(), bias.data(), g);
             else
               cpu::direct::forward(out.data(), input.data(), weight.data(), bias.data(), g);
           }},
          {"backward_input",
           [&] {
             cpu::lowering::backward_input(din.data(), doutput.data(), weight.data(), lowered(g),
                                           [&](float* planes, const float* dcol, int64_t ld, int64_t channels) {
                                             cpu::col2im(planes, dcol, g, channels, ld);
                                           });
           },
           [&] {
             if (dw)
               cpu::depthwise::backward_input(din.data(), doutput.data(), weight.data(), g);
             else
               cpu::direct::backward_input(din.data(), doutput.data(), weight.data(), g);
           }},
          {"backward_weight",
           [&] {
             cpu::lowering::backward_weight(dwt.data(), db.data(), doutput.data(), input.data(), lowered(g), unfold);
           },
           [&] {
             if (dw)
               cpu::depthwise::backward_weight(dwt.data(), db.data(), doutput.data(), input.data(), g);
             else
               cpu::direct::backward_weight(dwt.data(), db.data(), doutput.data(), input.data(), g);
           }},
      };
      for (const Pass& pass : passes) {
        if (!only.empty() && (std::string(shape.name) + " " + pass.name).find(only) == std::string::npos) continue;
        double ms_old, ms_new;
        time_pair(pass.old, pass.now, repeats, ms_old, ms_new);
        std::printf("%-3d %-5lld %-22s %-15s %10.3f %10.3f %9.1f %9.1f %6.2fx\n", t, static_cast<long long>(g.N),
                    shape.name, pass.name, ms_old, ms_new, gflop / ms_old * 1e3, gflop / ms_new * 1e3, ms_old / ms_new);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
