// interpreter/case/case_reader.hpp — inside the case reader; private to interpreter/case/.
// The reader's state and the JSON primitives every part of it uses on every value (inline
// here). case.cpp walks the case schema, case_muscles.cpp reads muscles, case_errors.cpp words
// what is wrong.
#pragma once

#include "interpreter/case/case.hpp"
#include "lang/utf8.hpp"
#include "runtime/ascii.hpp"
#include "runtime/string_index.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <simdjson.h>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

namespace od = simdjson::ondemand;

// --- Wording (case_errors.cpp) ----------------------------------------------------------------

std::string in_quotes(std::string_view text);
/// `"a", "b" or "c"`.
std::string one_of(std::span<const std::string_view> options);
/// `"a", "b", "c"`, for listing the fields of an object.
std::string listing(std::span<const std::string_view> names);
/// `; did you mean "x"?`, or "" when no candidate is close.
std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates);

/// The depth of the deepest JSON path in a record of `shape`: a field, an index when it is
/// a list, then the path within a record. Finite: no shape contains itself.
constexpr std::size_t path_depth(std::uint32_t shape) {
    std::size_t deepest = 0;
    for (const auto& field : case_schema::schema_of(shape).fields) {
        std::size_t depth = field.spec.list ? 2 : 1;
        if (field.spec.read == case_schema::Read::Record ||
            field.spec.read == case_schema::Read::Muscle)
            depth += path_depth(field.spec.shape);
        deepest = std::max(deepest, depth);
    }
    return deepest;
}

struct CaseReader::Impl {
    // Thrown on the first bad value; carries the error without the case id.
    struct Failure {
        CaseError error;
        bool malformed = false; // the text is not JSON: where the parser stopped says where
    };
    struct Segment {
        std::string_view field; // no text at all (a null data()) for a list index
        std::size_t index = 0;
    };
    // The JSON path being read. The schema bounds its depth (path_depth), so it is a fixed
    // array: a push is a store, not a call.
    struct Path {
        std::array<Segment, path_depth(shape_case) + 1> items; // + 1: fail_at names a field
        std::size_t count = 0;
        void push_back(Segment segment) {
            assert(count < items.size());
            items[count++] = segment;
        }
        void pop_back() { --count; }
        void clear() { count = 0; }
        std::size_t size() const { return count; }
        const Segment& operator[](std::size_t i) const { return items[i]; }
        const Segment* begin() const { return items.data(); }
        const Segment* end() const { return items.data() + count; }
    };
    // A unique option given in the list being read (mark_unique).
    struct Mark {
        const case_schema::Spec* spec;
        const char* option; // the option's own text, so a pointer compare suffices
        std::size_t index;  // the list element that gave it
    };

    const MuscleIndex* muscles;
    std::vector<std::string_view> muscle_names; // for did-you-mean

    simdjson::ondemand::parser parser;
    std::unique_ptr<char[]> buffer; // the input, copied with simdjson's padding
    std::size_t capacity = 0;
    std::size_t length = 0;

    Arena* arena = nullptr;
    Path path;
    std::vector<Value> scratch; // list items under construction, a stack shared by all lists
    std::vector<std::uint32_t> muscle_order; // refuse_repeated_muscles, reused
    std::string lower;                       // a muscle name, lower-cased for look-up
    std::string_view case_id;                // in the arena, once read

    // What read_fields needs of each shape's rows (case_schema.hpp), laid out for the walk.
    struct ShapePlan {
        std::vector<std::string_view> names; // in field order
        std::vector<Value> absent;           // each field's value when it is not given
        std::uint32_t required = 0;          // the fields that must be given
    };
    std::vector<ShapePlan> plans; // by shape id - shape_claim_line
    // The unique options given so far: those from marks_base on belong to the list being read.
    std::vector<Mark> marks;
    std::size_t marks_base = 0;

    explicit Impl(const MuscleIndex* index);

    /// Field `i`'s bit in the set of fields given (read_fields' `seen`).
    static constexpr std::uint32_t bit(std::uint32_t field) { return 1u << field; }

    // --- The document and the schema walk (case.cpp) ---------------------------------------

    std::variant<Value, CaseError> read(std::string_view json, Arena& into);
    Value read_case(od::document& doc);
    std::string recover_id();
    template <typename Item> Value read_list(od::value& v, const char* expected, Item&& item);
    Value* read_fields(od::object& object, const case_schema::ShapeSchema& shape,
                       std::uint32_t& seen);
    Value read_record(od::object& object, const case_schema::ShapeSchema& shape);
    Value read_field(od::value& v, const case_schema::Spec& spec);

    // The readers of the kinds of value (case_schema::Read) that are more than a primitive.
    Value read_text(od::value& v, const case_schema::Form* form);
    Value read_one_of(od::value& v, const case_schema::Spec& spec);
    void mark_unique(const case_schema::Spec& spec, std::string_view option);
    void refuse_repeats(const Value& list);
    Value read_date(od::value& v);
    Value read_count(od::value& v, std::int64_t max);
    Value read_muscle(od::value& v);                        // case_muscles.cpp
    void refuse_repeated_muscles(const Value& list);        // case_muscles.cpp
    void refuse_muscle_of_elsewhere(std::string_view name); // case_muscles.cpp

    // --- Failing (case_errors.cpp) ---------------------------------------------------------

    std::string render_path() const;
    [[noreturn]] void fail(std::string message, std::string help = {});
    // Fails at `field` of the object at the current path.
    [[noreturn]] void fail_at(std::string_view field, std::string message, std::string help = {});
    // `help`: what to do, when the reader knows (text after a case that is another case).
    [[noreturn]] void fail_json(simdjson::error_code code, std::string help = {});
    std::string where_parsing_stopped(od::document& doc) const;
    std::string where_json_fails() const;
    void refuse_text_after_case();
    [[noreturn]] void fail_unknown(std::string_view what, std::string_view s,
                                   std::span<const std::string_view> options);

    // --- JSON values -----------------------------------------------------------------------

    void check(simdjson::error_code code) {
        if (code != simdjson::SUCCESS) fail_json(code);
    }

    od::json_type type_of(od::value& v) {
        od::json_type type;
        check(v.type().get(type));
        return type;
    }

    [[gnu::always_inline]] std::string_view get_string(od::value& v,
                                                       const char* expected = "expected a string") {
        std::string_view s;
        simdjson::error_code code = v.get_string().get(s);
        // Not a string: asked for its type first, as a value of any other kind is, so that
        // text that is not JSON at all is reported as such. Most values are strings, and for
        // them the type is not asked apart.
        if (code == simdjson::INCORRECT_TYPE && type_of(v) != od::json_type::string) fail(expected);
        check(code);
        return s;
    }

    // A name is compared as written: "median " would be a nerve apart from "median", and
    // count as one more (a complete limb, a higher band code). So spaces around it are
    // refused, a no-break or zero-width one pasted from a document too (hidden_or_blank).
    std::string_view get_name(od::value& v) {
        std::string_view s = get_string(v);
        if (s.empty()) fail("must not be empty");
        // Most names begin and end with a letter: no call for them.
        auto plain = [](char c) { return c > ' ' && c < 0x7F; };
        if (plain(s.front()) && plain(s.back())) return s;
        if (auto before = blank_prefix(s); before > 0 || blank_suffix(s) > 0) {
            if (before == s.size()) fail("must not be blank");
            std::string_view name = s.substr(before);
            name.remove_suffix(blank_suffix(name));
            fail(in_quotes(s) + " has spaces before or after it", "write " + in_quotes(name));
        }
        return s;
    }

    Value copy(std::string_view s) { return string_with_letters(*arena, s); }

    bool get_bool(od::value& v) {
        if (type_of(v) != od::json_type::boolean) fail("expected true or false");
        bool b = false;
        check(v.get_bool().get(b));
        return b;
    }

    /// One of `options` (returned as the option itself, so the value needs no copy).
    std::string_view get_enum(od::value& v, std::string_view what,
                              std::span<const std::string_view> options) {
        std::string_view s = get_string(v);
        // Options are a few bytes: compared inline, not by a call to memcmp each.
        for (auto option : options)
            if (s.size() == option.size() &&
                same_bytes(s.data(), option.data(), static_cast<std::uint32_t>(s.size())))
                return option;
        fail_unknown(what, s, options);
    }

    /// The fields of a new record of `shape`, each as it is when absent. (A loop, not a
    /// memcpy call: records have a handful of fields.)
    Value* new_fields(std::uint32_t shape) {
        const std::vector<Value>& absent = plans[shape - shape_claim_line].absent;
        Value* fields = arena->make_array<Value>(absent.size());
        for (std::size_t i = 0; i < absent.size(); ++i)
            new (fields + i) Value(absent[i]);
        return fields;
    }

    /// The muscle table's muscle for `name` (matched ignoring case), or null; leaves the
    /// lower-cased name in `lower` when it is null.
    const MuscleIndex::Muscle* find_muscle(std::string_view name) {
        return muscles ? muscles->find(name, lower) : nullptr;
    }

    od::object get_object(od::value& v, const char* expected = "expected an object") {
        if (type_of(v) != od::json_type::object) fail(expected);
        od::object object;
        check(v.get_object().get(object));
        return object;
    }
};

} // namespace cpl
