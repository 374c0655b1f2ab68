// The error hierarchy and the STRIATE_CHECK family: validate user input at the entry of an op and
// throw a typed error whose message names the op, the argument, what was expected and what came.
//   STRIATE_CHECK(x.dim() == 4, "conv2d: expected input of shape (N, C, H, W), got ", x.sizes());
// The Python bindings map each type to the matching Python exception (see python/src/errors.cpp).
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace striate {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class ValueError : public Error {  // -> ValueError
 public:
  using Error::Error;
};
class ShapeError : public ValueError {  // -> ValueError
 public:
  using ValueError::ValueError;
};
class TypeError : public Error {  // -> TypeError
 public:
  using Error::Error;
};
class IndexError : public Error {  // -> IndexError
 public:
  using Error::Error;
};
class KeyError : public Error {  // -> KeyError (an unknown name in a keyed collection)
 public:
  using Error::Error;
};
class OutOfMemory : public Error {  // -> MemoryError
 public:
  using Error::Error;
};
class IOError : public Error {  // -> OSError
 public:
  using Error::Error;
};
class NotImplementedError : public Error {  // -> NotImplementedError
 public:
  using Error::Error;
};
class RuntimeError : public Error {  // -> RuntimeError (state errors: backward twice, ...)
 public:
  using Error::Error;
};
class Interrupted : public Error {  // -> KeyboardInterrupt (a pending Ctrl-C stopped a long loop)
 public:
  using Error::Error;
};

namespace detail {
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

}  // namespace striate

#define STRIATE_CHECK_AS(ErrorType, cond, ...)              \
  do {                                                      \
    if (!(cond)) {                                          \
      throw ErrorType(::striate::detail::str(__VA_ARGS__)); \
    }                                                       \
  } while (0)

#define STRIATE_CHECK(cond, ...) STRIATE_CHECK_AS(::striate::ValueError, cond, __VA_ARGS__)
#define STRIATE_CHECK_SHAPE(cond, ...) STRIATE_CHECK_AS(::striate::ShapeError, cond, __VA_ARGS__)
#define STRIATE_CHECK_TYPE(cond, ...) STRIATE_CHECK_AS(::striate::TypeError, cond, __VA_ARGS__)
#define STRIATE_CHECK_INDEX(cond, ...) STRIATE_CHECK_AS(::striate::IndexError, cond, __VA_ARGS__)
#define STRIATE_CHECK_STATE(cond, ...) STRIATE_CHECK_AS(::striate::RuntimeError, cond, __VA_ARGS__)
#define STRIATE_NOT_IMPLEMENTED(...) throw ::striate::NotImplementedError(::striate::detail::str(__VA_ARGS__))
