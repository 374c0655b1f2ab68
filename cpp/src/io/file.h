// The operating-system side of striate's files: writing a file so that it replaces the old one
// atomically, and mapping a regular file read-only. Errors raise IOError as
// "<operation>: '<path>': <problem>".
//   AtomicFileWriter out(path, "save_safetensors");
//   out.write(bytes, size);
//   out.commit();  // the new content is in place and on disk; without commit nothing changes
//   MappedFile in(path, "load_safetensors");
//   use(in.data(), in.size());
#pragma once
#include <cstddef>
#include <string>

namespace striate::io {

// Writes to a new file next to `path` (same folder, so the rename cannot cross file systems);
// commit() fsyncs it, renames it over `path` and fsyncs the folder, so a reader or a crash at any
// moment sees either the previous file or the complete new one. Destroyed without commit() (an
// exception on the way), it removes the temporary file. A process killed mid-write leaves that
// file behind, named "<path>.tmp-<12 hex digits>"; the next successful save of the same path
// removes such orphans (each writer holds an flock on its temporary file until the rename, which
// the kernel drops when the process dies, so a live writer's file is never taken).
class AtomicFileWriter {
 public:
  AtomicFileWriter(std::string path, std::string operation);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void commit();

 private:
  [[noreturn]] void fail(const std::string& what, int error_number) const;
  std::string path_, temp_path_, operation_;
  int fd_ = -1;
};

// A whole regular file mapped read-only and private. Directories, FIFOs, sockets and devices are
// refused from a stat() before any open() that could block on them (and opened non-blocking, so
// a file swapped for a FIFO in between does not block either).
class MappedFile {
 public:
  MappedFile(const std::string& path, const std::string& operation);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace striate::io
