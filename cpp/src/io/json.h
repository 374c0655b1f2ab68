// A small strict JSON (RFC 8259) reader and the string escaping for writing it, for the headers of
// striate's files. The reader pulls values in document order with no tree in between, so what it
// allocates is what the caller keeps; every deviation from the grammar raises JsonError with the
// byte offset.
//   JsonReader json(text);
//   json.begin_object();
//   std::string key;
//   while (json.next_key(key)) { if (json.peek() == JsonType::String) use(json.read_string()); ... }
//   json.end_document();
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace striate::io {

// A grammar error (or a repeated key); what() says what was expected and what was found, offset()
// the byte where.
class JsonError : public std::runtime_error {
 public:
  JsonError(const std::string& message, size_t offset) : std::runtime_error(message), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

enum class JsonType { Object, Array, String, Number, True, False, Null };
const char* json_type_name(JsonType type);  // "an object", "a string", ...

class JsonReader {
 public:
  // Containers nested deeper than this raise (a recursion bound, far above any header's needs).
  static constexpr int kMaxDepth = 64;

  explicit JsonReader(std::string_view text) : text_(text) {}

  // The type of the next value (skipping whitespace); raises when no value starts there.
  JsonType peek();

  // Objects: begin_object() consumes '{'; each next_key() consumes the separator and one key with
  // its ':' and returns true, or consumes the closing '}' and returns false. The caller reads the
  // member's value before the next call. Keys repeated within one object raise.
  void begin_object();
  bool next_key(std::string& key);
  // Arrays: the same with '[' and ']'; next_element() returns false at the end.
  void begin_array();
  bool next_element();

  // Scalars; each raises when the next value is of another type.
  std::string read_string();       // unescaped, UTF-8
  std::string_view read_number();  // the number's text, checked against the grammar
  // true, false or null: consumes the literal and returns its type.
  JsonType read_literal();

  // Consumes the rest: only whitespace may follow the top-level value.
  void end_document();
  size_t offset() const { return position_; }

 private:
  struct Container {
    bool is_object;
    bool has_members;
    std::unordered_set<std::string> keys;  // an object's keys so far (the duplicate check)
  };
  void skip_whitespace();
  [[noreturn]] void fail(const std::string& expected) const;
  std::string found() const;  // a short description of the text at position_
  bool next_member(bool is_object);
  uint32_t read_hex4();

  std::string_view text_;
  size_t position_ = 0;
  std::vector<Container> stack_;
};

// The number's value when its text is a non-negative integer that fits 64 bits (no sign, fraction
// or exponent); std::nullopt otherwise.
std::optional<uint64_t> json_number_as_uint64(std::string_view number);

// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF); on failure `bad_offset` receives the offset of the first bad byte.
bool is_valid_utf8(std::string_view bytes, size_t* bad_offset = nullptr);

// At most `max_bytes` of `text`, cut at a UTF-8 character boundary, with "..." when cut: quotes
// names and numbers from a file in error messages without copying megabytes into them.
std::string shorten_for_message(std::string_view text, size_t max_bytes = 200);

// Appends `value` as a JSON string literal (quotes, escapes for '"', '\\' and control characters;
// other UTF-8 is written as is). `value` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view value);

}  // namespace striate::io
