// A tiny check harness for the ctest executables: CHECK(cond) records a failure with its line;
// main() returns the failure count. Errors thrown by striate are failures unless expected.
#pragma once
#include <cmath>
#include <functional>
#include <iostream>
#include <string>

inline int& failures() {
  static int count = 0;
  return count;
}

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::cerr << __FILE__ << ":" << __LINE__ << ": CHECK failed: " #cond "\n"; \
      ++failures();                                                              \
    }                                                                            \
  } while (0)

#define CHECK_NEAR(a, b, tol) CHECK(std::fabs(static_cast<double>(a) - static_cast<double>(b)) <= (tol))

// Checks that fn throws ErrorType whose message contains `fragment`.
template <typename ErrorType>
void check_throws(const std::function<void()>& fn, const std::string& fragment, const char* where) {
  try {
    fn();
  } catch (const ErrorType& e) {
    if (std::string(e.what()).find(fragment) == std::string::npos) {
      std::cerr << where << ": message '" << e.what() << "' lacks '" << fragment << "'\n";
      ++failures();
    }
    return;
  } catch (const std::exception& e) {
    std::cerr << where << ": wrong exception type: " << e.what() << "\n";
    ++failures();
    return;
  }
  std::cerr << where << ": expected an exception containing '" << fragment << "'\n";
  ++failures();
}
#define CHECK_THROWS(ErrorType, expr, fragment) \
  check_throws<ErrorType>([&] { (void)(expr); }, fragment, (std::string(__FILE__) + ":" + std::to_string(__LINE__)).c_str())

inline int report(const char* name) {
  if (failures()) std::cerr << name << ": " << failures() << " check(s) failed\n";
  else std::cout << name << ": all checks passed\n";
  return failures() ? 1 : 0;
}
