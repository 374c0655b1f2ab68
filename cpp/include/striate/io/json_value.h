// io::Json, a JSON value held as a tree (null, bool, integer, number, string, array, object with
// ordered keys), for the architecture and checkpoint metadata of striate's files. Parsing goes
// through the strict streaming reader (RFC 8259, depth-bounded, repeated keys refused); dump()
// writes compact JSON that Python's json module reads back.
//   io::Json config = io::Json::object({{"type", "Linear"}, {"in_features", 4}});
//   std::string text = config.dump();
//   io::Json again = io::Json::parse(text, "load_model: 'net.striate': architecture");
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace striate::io {

class Json {
 public:
  enum class Kind { Null, Bool, Int, Number, String, Array, Object };
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool value) : kind_(Kind::Bool), bool_(value) {}
  Json(int value) : kind_(Kind::Int), int_(value) {}
  Json(int64_t value) : kind_(Kind::Int), int_(value) {}
  Json(double value) : kind_(Kind::Number), number_(value) {}
  Json(const char* value) : kind_(Kind::String), string_(value) {}
  Json(std::string value) : kind_(Kind::String), string_(std::move(value)) {}
  Json(const std::vector<int64_t>& values);
  Json(const std::vector<double>& values);
  static Json array(Array items = {});
  static Json object(Object members = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  // An integer or a number with a fraction or exponent.
  bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Number; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_object() const { return kind_ == Kind::Object; }
  // "null", "a bool", "an integer", "a number", "a string", "an array", "an object".
  const char* kind_name() const;

  // Unchecked reads: the caller tested the kind first (each asserts it and raises ValueError
  // otherwise, naming `what`).
  bool as_bool(const std::string& what = "value") const;
  int64_t as_int(const std::string& what = "value") const;
  double as_number(const std::string& what = "value") const;
  const std::string& as_string(const std::string& what = "value") const;
  const Array& as_array(const std::string& what = "value") const;
  const Object& as_object(const std::string& what = "value") const;
  Array& items();     // the array's elements (raises unless an array)
  Object& members();  // the object's members (raises unless an object)

  // Objects: the member named `key`, or nullptr.
  const Json* find(const std::string& key) const;
  // Appends a member (objects) or an element (arrays).
  Json& set(const std::string& key, Json value);
  Json& push_back(Json value);

  std::string dump() const;
  void dump_to(std::string& out) const;
  // Parses `text` strictly; errors raise ValueError starting with `what` and giving the offset.
  static Json parse(const std::string& text, const std::string& what);

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  int64_t int_ = 0;
  double number_ = 0.0;
  std::string string_;
  Array array_;
  Object object_;
};

}  // namespace striate::io
