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

/// A JSON value held as a tree; a value type (copies are deep).
class Json {
 public:
  /// The kind of a value: Int holds an integer, Number a double.
  enum class Kind { Null, Bool, Int, Number, String, Array, Object };
  /// An array's elements.
  using Array = std::vector<Json>;
  /// An object's members, in insertion order.
  using Object = std::vector<std::pair<std::string, Json>>;

  /// null.
  Json() = default;
  /// null.
  Json(std::nullptr_t) {}
  /// A bool.
  /// @param value the value.
  Json(bool value) : kind_(Kind::Bool), bool_(value) {}
  /// An integer.
  /// @param value the value.
  Json(int value) : kind_(Kind::Int), int_(value) {}
  /// An integer.
  /// @param value the value.
  Json(int64_t value) : kind_(Kind::Int), int_(value) {}
  /// A number.
  /// @param value the value.
  Json(double value) : kind_(Kind::Number), number_(value) {}
  /// A string.
  /// @param value the value (not null).
  Json(const char* value) : kind_(Kind::String), string_(value) {}
  /// A string.
  /// @param value the value.
  Json(std::string value) : kind_(Kind::String), string_(std::move(value)) {}
  /// An array of integers.
  /// @param values the elements.
  Json(const std::vector<int64_t>& values);
  /// An array of numbers.
  /// @param values the elements.
  Json(const std::vector<double>& values);
  /// An array.
  /// @param items the elements (default none).
  /// @return the value.
  static Json array(Array items = {});
  /// An object.
  /// @param members the members in order (default none).
  /// @return the value.
  static Json object(Object members = {});

  /// @return the kind.
  Kind kind() const { return kind_; }
  /// @return whether the value is null.
  bool is_null() const { return kind_ == Kind::Null; }
  /// @return whether the value is a bool.
  bool is_bool() const { return kind_ == Kind::Bool; }
  /// @return whether the value is an integer.
  bool is_int() const { return kind_ == Kind::Int; }
  /// An integer or a number with a fraction or exponent.
  /// @return whether the value is an integer or a number.
  bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Number; }
  /// @return whether the value is a string.
  bool is_string() const { return kind_ == Kind::String; }
  /// @return whether the value is an array.
  bool is_array() const { return kind_ == Kind::Array; }
  /// @return whether the value is an object.
  bool is_object() const { return kind_ == Kind::Object; }
  /// "null", "a bool", "an integer", "a number", "a string", "an array", "an object".
  /// @return the kind's name, for messages.
  const char* kind_name() const;

  /// Unchecked reads: the caller tested the kind first (each asserts it and raises ValueError
  /// otherwise, naming `what`).
  /// @param what what the value is, for the message (default "value").
  /// @return the bool.
  /// @throws ValueError for another kind.
  bool as_bool(const std::string& what = "value") const;
  /// The integer.
  /// @param what what the value is, for the message (default "value").
  /// @return the integer.
  /// @throws ValueError for another kind.
  int64_t as_int(const std::string& what = "value") const;
  /// The number (an integer converted).
  /// @param what what the value is, for the message (default "value").
  /// @return the number.
  /// @throws ValueError for another kind.
  double as_number(const std::string& what = "value") const;
  /// The string.
  /// @param what what the value is, for the message (default "value").
  /// @return the string.
  /// @throws ValueError for another kind.
  const std::string& as_string(const std::string& what = "value") const;
  /// The array's elements.
  /// @param what what the value is, for the message (default "value").
  /// @return the elements.
  /// @throws ValueError for another kind.
  const Array& as_array(const std::string& what = "value") const;
  /// The object's members.
  /// @param what what the value is, for the message (default "value").
  /// @return the members.
  /// @throws ValueError for another kind.
  const Object& as_object(const std::string& what = "value") const;
  /// The array's elements, mutable.
  /// @return the elements.
  /// @throws ValueError unless an array.
  Array& items();  // the array's elements (raises unless an array)
  /// The object's members, mutable.
  /// @return the members.
  /// @throws ValueError unless an object.
  Object& members();  // the object's members (raises unless an object)

  /// Objects: the member named `key`, or nullptr.
  /// @param key the member's name.
  /// @return the member's value, or nullptr (also for non-objects).
  const Json* find(const std::string& key) const;
  /// Appends a member (objects) or an element (arrays).
  /// @param key the member's name.
  /// @param value the member's value.
  /// @return *this.
  /// @throws ValueError unless an object.
  Json& set(const std::string& key, Json value);
  /// Appends an element to an array.
  /// @param value the element.
  /// @return *this.
  /// @throws ValueError unless an array.
  Json& push_back(Json value);

  /// Compact JSON text of the value.
  /// @return the text.
  std::string dump() const;
  /// Appends dump() to `out`.
  /// @param out the text to append to.
  void dump_to(std::string& out) const;
  /// Parses `text` strictly; errors raise ValueError starting with `what` and giving the offset.
  /// @param text the JSON text.
  /// @param what the context for error messages.
  /// @return the value.
  /// @throws ValueError for malformed JSON, repeated keys or too deep nesting.
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
