// The input of a libFuzzer target as a file: the readers take paths, so each input is written to an
// in-memory file (memfd) and read back through /proc/self/fd/N, a regular file with no disk I/O.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace striate_fuzz {

// Replaces the content of the process's one in-memory file with `data` and returns its path.
inline std::string as_file(const uint8_t* data, size_t size, int slot = 0) {
  static int fds[4] = {-1, -1, -1, -1};
  int& fd = fds[slot];
  if (fd < 0) {
    fd = memfd_create("striate-fuzz", 0);
    if (fd < 0) {
      std::perror("memfd_create");
      std::abort();
    }
  }
  if (ftruncate(fd, 0) != 0 || (size > 0 && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))) {
    std::perror("writing the fuzz input");
    std::abort();
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

// Reads every byte of a buffer, so that a tensor claiming more memory than it owns is caught by ASan.
inline uint64_t touch(const void* data, size_t nbytes) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  uint64_t sum = 0;
  for (size_t i = 0; i < nbytes; ++i) sum += bytes[i];
  return sum;
}

}  // namespace striate_fuzz
