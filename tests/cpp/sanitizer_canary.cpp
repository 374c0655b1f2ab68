// A planted bug, built with the same sanitizer flags as the library (STRIATE_SANITIZE): ctest
// expects the sanitizer's report, proving that the sanitized build catches one. Not linked to striate.
//   sanitizer_canary address    reads one element past a heap array (ASan: heap-buffer-overflow)
//   sanitizer_canary undefined  overflows a signed int (UBSan: signed integer overflow)
#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  volatile int index = argc + 8;  // 10, not known at compile time
  if (std::strcmp(argv[1], "address") == 0) {
    std::vector<int>* values = new std::vector<int>(10, 1);
    int out_of_bounds = values->data()[index];
    std::printf("read %d past the end: the sanitizer missed it\n", out_of_bounds);
    delete values;
    return 0;
  }
  if (std::strcmp(argv[1], "undefined") == 0) {
    volatile int big = 2147483647 - 5;
    int overflowed = big + index;
    std::printf("computed %d: the sanitizer missed it\n", overflowed);
    return 0;
  }
  return 2;
}
