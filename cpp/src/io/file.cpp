// POSIX implementations of AtomicFileWriter (temporary file, fsync, rename, folder fsync) and
// MappedFile (stat first, non-blocking open, mmap).
#include "file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "striate/core/error.h"

namespace striate::io {

namespace {

std::string folder_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

[[noreturn]] void raise(const std::string& operation, const std::string& path, const std::string& problem) {
  throw IOError(operation + ": '" + path + "': " + problem);
}

std::string base_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Whether `name` is "<base>.tmp-" followed by 12 hex digits (a temporary file of that target).
bool is_temp_name_of(const std::string& name, const std::string& base) {
  const std::string prefix = base + ".tmp-";
  if (name.size() != prefix.size() + 12 || name.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Removes the temporary files of `path` that killed saves left behind. A writer holds an
// exclusive flock on its temporary file from creation to rename, and the kernel drops the lock
// when the process dies: a file whose lock can be taken belongs to no live writer.
void sweep_orphans(const std::string& path, const std::string& own_temp) {
  const std::string folder = folder_of(path), base = base_of(path);
  DIR* directory = ::opendir(folder.c_str());
  if (directory == nullptr) return;
  while (const dirent* entry = ::readdir(directory)) {
    const std::string name = entry->d_name;
    if (!is_temp_name_of(name, base)) continue;
    const std::string candidate = folder + "/" + name;
    if (candidate == own_temp) continue;
    int fd = ::open(candidate.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat info;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      // Still the same file under that name (not replaced since the open)?
      struct stat now;
      if (::lstat(candidate.c_str(), &now) == 0 && now.st_ino == info.st_ino && now.st_dev == info.st_dev) {
        ::unlink(candidate.c_str());
      }
    }
    ::close(fd);
  }
  ::closedir(directory);
}

}  // namespace

// ---- AtomicFileWriter ------------------------------------------------------------------

AtomicFileWriter::AtomicFileWriter(std::string path, std::string operation)
    : path_(std::move(path)), operation_(std::move(operation)) {
  if (path_.empty()) raise(operation_, path_, "expected a file path, got an empty string");
  std::random_device entropy;
  std::mt19937_64 draw((uint64_t{entropy()} << 32) ^ entropy() ^ static_cast<uint64_t>(getpid()));
  for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
    char suffix[24];
    std::snprintf(suffix, sizeof(suffix), ".tmp-%012llx", static_cast<unsigned long long>(draw() & 0xFFFFFFFFFFFFull));
    temp_path_ = path_ + suffix;
    // 0666 filtered by the umask, as any newly created file; O_EXCL so no existing file is reused.
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && errno != EEXIST) {
      int error_number = errno;
      raise(operation_, path_, "cannot create a file in '" + folder_of(path_) + "': " + std::strerror(error_number));
    }
    if (fd_ >= 0) {
      // The lock marks the file as a live writer's (sweep_orphans); another save's sweep may
      // have removed it between the open and the lock, so check that the name is still ours.
      struct stat opened, named;
      bool ours = ::flock(fd_, LOCK_EX) == 0 && ::fstat(fd_, &opened) == 0 &&
                  ::lstat(temp_path_.c_str(), &named) == 0 && opened.st_ino == named.st_ino &&
                  opened.st_dev == named.st_dev;
      if (!ours) {
        ::close(fd_);
        fd_ = -1;
      }
    }
  }
  if (fd_ < 0) raise(operation_, path_, "cannot create a temporary file next to it (names taken)");
  // Replacing a file keeps its permissions (a checkpoint made private stays private).
  struct stat existing;
  if (::stat(path_.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) ::fchmod(fd_, existing.st_mode & 07777);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_path_.c_str());
  }
}

void AtomicFileWriter::fail(const std::string& what, int error_number) const {
  raise(operation_, path_, what + ": " + std::strerror(error_number));
}

void AtomicFileWriter::write(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    // write() moves at most about 2 GiB at a time on Linux; ask for 1 GiB pieces.
    ssize_t written = ::write(fd_, bytes, std::min<size_t>(size, size_t{1} << 30));
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", errno);
    }
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFileWriter::commit() {
  if (::fsync(fd_) != 0) fail("cannot flush to disk", errno);
  int fd = fd_;
  fd_ = -1;  // closed below whatever happens; the temporary file is removed on failure
  // Renamed while still open and locked, so no other save's sweep takes it for an orphan; the
  // data is on disk (fsync above), so the close cannot lose any.
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    int error_number = errno;
    ::unlink(temp_path_.c_str());
    ::close(fd);
    fail("cannot replace it", error_number);
  }
  ::close(fd);
  sweep_orphans(path_, temp_path_);
  // The rename is durable only once the folder's entry is on disk. Some file systems cannot
  // fsync a folder (EINVAL); the data itself is on disk either way.
  int folder = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    int result = ::fsync(folder);
    int error_number = errno;
    ::close(folder);
    if (result != 0 && error_number != EINVAL) fail("cannot flush its folder to disk", error_number);
  }
}

// ---- MappedFile ------------------------------------------------------------------------

MappedFile::MappedFile(const std::string& path, const std::string& operation) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    int error_number = errno;
    raise(operation, path, std::strerror(error_number));
  }
  if (!S_ISREG(info.st_mode))
    raise(operation, path, std::string("expected a regular file, found ") + file_kind(info.st_mode));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    int error_number = errno;
    raise(operation, path, std::strerror(error_number));
  }
  // Check again on what was opened: the path may have been replaced since the stat().
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    raise(operation, path, std::string("expected a regular file, found ") + file_kind(info.st_mode));
  }
  size_ = static_cast<size_t>(info.st_size);
  if (size_ > 0) {
    void* mapping = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      int error_number = errno;
      ::close(fd);
      raise(operation, path, std::string("cannot map it into memory: ") + std::strerror(error_number));
    }
    data_ = static_cast<const unsigned char*>(mapping);
    ::madvise(mapping, size_, MADV_SEQUENTIAL);  // a hint for read-ahead; failure changes nothing
  }
  ::close(fd);  // the mapping keeps the file's pages reachable on its own
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<unsigned char*>(data_), size_);
}

}  // namespace striate::io
