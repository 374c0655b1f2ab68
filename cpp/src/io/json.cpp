// The strict JSON pull reader and string escaping declared in json.h: RFC 8259's grammar exactly
// (no comments, trailing commas, leading zeros, NaN, single quotes or raw control characters),
// UTF-8 checked inside strings, surrogate pairs joined and lone surrogates refused.
#include "json.h"

#include <cstdio>

namespace striate::io {

namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The length of the UTF-8 sequence starting at bytes[0] (Unicode's table of well-formed
// sequences), or 0 when it is malformed or cut off by `available`.
size_t utf8_sequence_length(const unsigned char* bytes, size_t available) {
  unsigned char lead = bytes[0];
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char second_low = 0x80, second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) second_high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) second_high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (bytes[1] < second_low || bytes[1] > second_high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (bytes[i] < 0x80 || bytes[i] > 0xBF) return 0;
  }
  return length;
}

void append_utf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

}  // namespace

const char* json_type_name(JsonType type) {
  switch (type) {
    case JsonType::Object: return "an object";
    case JsonType::Array: return "an array";
    case JsonType::String: return "a string";
    case JsonType::Number: return "a number";
    case JsonType::True: return "true";
    case JsonType::False: return "false";
    case JsonType::Null: return "null";
  }
  return "?";
}

bool is_valid_utf8(std::string_view bytes, size_t* bad_offset) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t length = utf8_sequence_length(data + i, bytes.size() - i);
    if (length == 0) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += length;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string shorten_for_message(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(text.substr(0, cut)) + "...";
}

std::optional<uint64_t> json_number_as_uint64(std::string_view number) {
  if (number.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : number) {
    if (!is_digit(c)) return std::nullopt;
    if (__builtin_mul_overflow(value, uint64_t{10}, &value)) return std::nullopt;
    if (__builtin_add_overflow(value, static_cast<uint64_t>(c - '0'), &value)) return std::nullopt;
  }
  return value;
}

// ---- the reader ------------------------------------------------------------------------

std::string JsonReader::found() const {
  if (position_ >= text_.size()) return "the end of the text";
  unsigned char c = static_cast<unsigned char>(text_[position_]);
  char description[16];
  if (c >= 0x20 && c < 0x7F) {
    std::snprintf(description, sizeof(description), "'%c'", c);
  } else {
    std::snprintf(description, sizeof(description), "byte 0x%02x", c);
  }
  return description;
}

void JsonReader::fail(const std::string& expected) const {
  throw JsonError("expected " + expected + ", found " + found(), position_);
}

void JsonReader::skip_whitespace() {
  while (position_ < text_.size() && is_whitespace(text_[position_])) ++position_;
}

JsonType JsonReader::peek() {
  skip_whitespace();
  if (position_ >= text_.size()) fail("a value");
  char c = text_[position_];
  switch (c) {
    case '{': return JsonType::Object;
    case '[': return JsonType::Array;
    case '"': return JsonType::String;
    case 't': return JsonType::True;
    case 'f': return JsonType::False;
    case 'n': return JsonType::Null;
    default:
      if (c == '-' || is_digit(c)) return JsonType::Number;
      fail("a value");
  }
}

void JsonReader::begin_object() {
  if (peek() != JsonType::Object) fail("an object");
  if (stack_.size() >= static_cast<size_t>(kMaxDepth)) fail("at most " + std::to_string(kMaxDepth) + " nested levels");
  ++position_;
  stack_.push_back(Container{true, false, {}});
}

void JsonReader::begin_array() {
  if (peek() != JsonType::Array) fail("an array");
  if (stack_.size() >= static_cast<size_t>(kMaxDepth)) fail("at most " + std::to_string(kMaxDepth) + " nested levels");
  ++position_;
  stack_.push_back(Container{false, false, {}});
}

bool JsonReader::next_member(bool is_object) {
  if (stack_.empty() || stack_.back().is_object != is_object) {
    throw std::logic_error("JsonReader: next_key/next_element called outside its container");
  }
  Container& top = stack_.back();
  const char closing = is_object ? '}' : ']';
  skip_whitespace();
  if (position_ < text_.size() && text_[position_] == closing) {
    ++position_;
    stack_.pop_back();
    return false;
  }
  if (top.has_members) {
    if (position_ >= text_.size() || text_[position_] != ',') {
      fail(is_object ? "',' or '}'" : "',' or ']'");
    }
    ++position_;
  }
  top.has_members = true;
  return true;
}

bool JsonReader::next_key(std::string& key) {
  if (!next_member(true)) return false;
  skip_whitespace();
  size_t key_offset = position_;
  if (position_ >= text_.size() || text_[position_] != '"') fail("a string key");
  key = read_string();
  if (!stack_.back().keys.insert(key).second) {
    throw JsonError("duplicate key \"" + shorten_for_message(key) + "\"", key_offset);
  }
  skip_whitespace();
  if (position_ >= text_.size() || text_[position_] != ':') fail("':'");
  ++position_;
  return true;
}

bool JsonReader::next_element() { return next_member(false); }

uint32_t JsonReader::read_hex4() {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    if (position_ >= text_.size()) fail("4 hexadecimal digits after \\u");
    char c = text_[position_];
    uint32_t digit;
    if (is_digit(c)) {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      fail("4 hexadecimal digits after \\u");
    }
    value = value * 16 + digit;
    ++position_;
  }
  return value;
}

std::string JsonReader::read_string() {
  if (peek() != JsonType::String) fail("a string");
  ++position_;
  std::string out;
  while (true) {
    if (position_ >= text_.size()) fail("'\"' closing the string");
    unsigned char c = static_cast<unsigned char>(text_[position_]);
    if (c == '"') {
      ++position_;
      return out;
    }
    if (c < 0x20) fail("an escaped control character");
    if (c != '\\') {
      size_t length = utf8_sequence_length(reinterpret_cast<const unsigned char*>(text_.data()) + position_,
                                           text_.size() - position_);
      if (length == 0) fail("UTF-8 text");
      out.append(text_.data() + position_, length);
      position_ += length;
      continue;
    }
    ++position_;
    if (position_ >= text_.size()) fail("an escape sequence");
    char escape = text_[position_++];
    switch (escape) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t code_point = read_hex4();
        if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
          position_ -= 6;
          fail("a high surrogate before a low one");
        }
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          if (text_.substr(position_, 2) != "\\u") fail("a low surrogate (\\uDC00-\\uDFFF) after a high one");
          position_ += 2;
          uint32_t low = read_hex4();
          if (low < 0xDC00 || low > 0xDFFF) {
            position_ -= 6;
            fail("a low surrogate (\\uDC00-\\uDFFF) after a high one");
          }
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, code_point);
        break;
      }
      default: --position_; fail("one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
    }
  }
}

std::string_view JsonReader::read_number() {
  if (peek() != JsonType::Number) fail("a number");
  size_t start = position_;
  auto at = [&](size_t i) { return i < text_.size() ? text_[i] : '\0'; };
  if (at(position_) == '-') ++position_;
  if (at(position_) == '0') {
    ++position_;
  } else if (is_digit(at(position_))) {
    while (is_digit(at(position_))) ++position_;
  } else {
    fail("a digit");
  }
  if (at(position_) == '.') {
    ++position_;
    if (!is_digit(at(position_))) fail("a digit after '.'");
    while (is_digit(at(position_))) ++position_;
  }
  if (at(position_) == 'e' || at(position_) == 'E') {
    ++position_;
    if (at(position_) == '+' || at(position_) == '-') ++position_;
    if (!is_digit(at(position_))) fail("a digit in the exponent");
    while (is_digit(at(position_))) ++position_;
  }
  if (is_digit(at(position_))) fail("no digit after a leading zero");
  return text_.substr(start, position_ - start);
}

JsonType JsonReader::read_literal() {
  JsonType type = peek();
  const char* literal = type == JsonType::True ? "true" : type == JsonType::False ? "false" : "null";
  if (type != JsonType::True && type != JsonType::False && type != JsonType::Null) fail("true, false or null");
  std::string_view word(literal);
  if (text_.substr(position_, word.size()) != word) fail(std::string(literal));
  position_ += word.size();
  return type;
}

void JsonReader::end_document() {
  if (!stack_.empty()) throw std::logic_error("JsonReader: end_document called inside a container");
  skip_whitespace();
  if (position_ != text_.size()) fail("the end of the text");
}

}  // namespace striate::io
