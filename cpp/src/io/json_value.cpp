// io::Json: the tree value, its compact writer and its parser over the strict JsonReader.
#include "striate/io/json_value.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "json.h"
#include "striate/core/error.h"

namespace striate::io {

Json::Json(const std::vector<int64_t>& values) : kind_(Kind::Array) {
  for (int64_t value : values) array_.emplace_back(value);
}

Json::Json(const std::vector<double>& values) : kind_(Kind::Array) {
  for (double value : values) array_.emplace_back(value);
}

Json Json::array(Array items) {
  Json json;
  json.kind_ = Kind::Array;
  json.array_ = std::move(items);
  return json;
}

Json Json::object(Object members) {
  Json json;
  json.kind_ = Kind::Object;
  json.object_ = std::move(members);
  return json;
}

const char* Json::kind_name() const {
  switch (kind_) {
    case Kind::Null: return "null";
    case Kind::Bool: return "a bool";
    case Kind::Int: return "an integer";
    case Kind::Number: return "a number";
    case Kind::String: return "a string";
    case Kind::Array: return "an array";
    case Kind::Object: return "an object";
  }
  return "?";
}

bool Json::as_bool(const std::string& what) const {
  STRIATE_CHECK(kind_ == Kind::Bool, what, ": expected a bool, got ", kind_name());
  return bool_;
}

int64_t Json::as_int(const std::string& what) const {
  STRIATE_CHECK(kind_ == Kind::Int, what, ": expected an integer, got ", kind_name());
  return int_;
}

double Json::as_number(const std::string& what) const {
  STRIATE_CHECK(is_number(), what, ": expected a number, got ", kind_name());
  return kind_ == Kind::Int ? static_cast<double>(int_) : number_;
}

const std::string& Json::as_string(const std::string& what) const {
  STRIATE_CHECK(kind_ == Kind::String, what, ": expected a string, got ", kind_name());
  return string_;
}

const Json::Array& Json::as_array(const std::string& what) const {
  STRIATE_CHECK(kind_ == Kind::Array, what, ": expected an array, got ", kind_name());
  return array_;
}

const Json::Object& Json::as_object(const std::string& what) const {
  STRIATE_CHECK(kind_ == Kind::Object, what, ": expected an object, got ", kind_name());
  return object_;
}

Json::Array& Json::items() {
  STRIATE_CHECK(kind_ == Kind::Array, "Json::items: not an array but ", kind_name());
  return array_;
}

Json::Object& Json::members() {
  STRIATE_CHECK(kind_ == Kind::Object, "Json::members: not an object but ", kind_name());
  return object_;
}

const Json* Json::find(const std::string& key) const {
  if (kind_ != Kind::Object) return nullptr;
  for (const auto& member : object_) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

Json& Json::set(const std::string& key, Json value) {
  members().emplace_back(key, std::move(value));
  return *this;
}

Json& Json::push_back(Json value) {
  items().push_back(std::move(value));
  return *this;
}

std::string Json::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

void Json::dump_to(std::string& out) const {
  switch (kind_) {
    case Kind::Null: out += "null"; return;
    case Kind::Bool: out += bool_ ? "true" : "false"; return;
    case Kind::Int: out += std::to_string(int_); return;
    case Kind::Number: {
      STRIATE_CHECK(std::isfinite(number_), "Json::dump: ", number_,
                    " is not a finite number (JSON has no inf or nan)");
      // The shortest text that reads back as the same double, whatever the C locale says.
      char buffer[64];
      auto result = std::to_chars(buffer, buffer + sizeof(buffer), number_);
      std::string text(buffer, result.ptr);
      // Keep a number a number when read back (Python's json reads "2" as int).
      if (text.find_first_of(".eE") == std::string::npos) text += ".0";
      out += text;
      return;
    }
    case Kind::String: append_json_string(out, string_); return;
    case Kind::Array: {
      out += '[';
      for (size_t i = 0; i < array_.size(); ++i) {
        if (i > 0) out += ',';
        array_[i].dump_to(out);
      }
      out += ']';
      return;
    }
    case Kind::Object: {
      out += '{';
      for (size_t i = 0; i < object_.size(); ++i) {
        if (i > 0) out += ',';
        append_json_string(out, object_[i].first);
        out += ':';
        object_[i].second.dump_to(out);
      }
      out += '}';
      return;
    }
  }
}

namespace {

Json read_value(JsonReader& reader) {
  switch (reader.peek()) {
    case JsonType::Object: {
      Json json = Json::object();
      reader.begin_object();
      std::string key;
      while (reader.next_key(key)) json.set(key, read_value(reader));
      return json;
    }
    case JsonType::Array: {
      Json json = Json::array();
      reader.begin_array();
      while (reader.next_element()) json.push_back(read_value(reader));
      return json;
    }
    case JsonType::String: return Json(reader.read_string());
    case JsonType::Number: {
      std::string text(reader.read_number());
      if (text.find_first_of(".eE") == std::string::npos) {
        errno = 0;
        char* end = nullptr;
        long long value = std::strtoll(text.c_str(), &end, 10);
        if (errno == 0 && end == text.c_str() + text.size()) return Json(static_cast<int64_t>(value));
      }
      double value = 0.0;
      auto result = std::from_chars(text.data(), text.data() + text.size(), value);
      if (result.ec == std::errc::result_out_of_range) {
        throw ValueError("Json::parse: the number " + shorten_for_message(text, 40) + " is out of range");
      }
      return Json(value);
    }
    default: break;
  }
  JsonType literal = reader.read_literal();
  if (literal == JsonType::Null) return Json();
  return Json(literal == JsonType::True);
}

}  // namespace

Json Json::parse(const std::string& text, const std::string& what) {
  STRIATE_CHECK(is_valid_utf8(text), what, ": not valid UTF-8");
  try {
    JsonReader reader(text);
    Json json = read_value(reader);
    reader.end_document();
    return json;
  } catch (const JsonError& error) {
    throw ValueError(what + ": invalid JSON at byte " + std::to_string(error.offset()) + ": " + error.what());
  }
}

}  // namespace striate::io
