// runtime/value.hpp — run-time values. A Value is 16 bytes and owns nothing: strings,
// lists and record fields live in an Arena (the case's, or the program's for constants).
#pragma once

#include "runtime/arena.hpp"
#include "runtime/string_index.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cpl {

enum class Kind : std::uint8_t { Number, Bool, String, List, Record, Table };

struct TableData;

/// What is known of a string's letters when it was made, so that `lower` need not look at
/// them again on every call (names are lowered many times a case). Zero: nothing known.
enum LetterCase : std::uint8_t {
    letters_lower = 1,         // no A to Z in it: lower(s) is s
    letters_lowered_after = 2, // a lower-cased copy of its `size` bytes follows it
};

struct Value {
    Kind kind = Kind::Bool;
    std::uint8_t letters = 0; // LetterCase bits of a string (in what was padding)
    std::uint32_t size = 0;   // string length, list length, or record shape id
    union {
        std::int64_t number;
        bool boolean;
        const char* chars;
        const Value* items; // list elements, or record fields in shape order
        const TableData* table;
    };

    Value() : number(0) {}
    static Value of_number(std::int64_t n) {
        Value v;
        v.kind = Kind::Number;
        v.number = n;
        return v;
    }
    static Value of_bool(bool b) {
        Value v;
        v.kind = Kind::Bool;
        v.boolean = b;
        return v;
    }
    static Value of_string(std::string_view s) {
        Value v;
        v.kind = Kind::String;
        v.chars = s.data();
        v.size = static_cast<std::uint32_t>(s.size());
        return v;
    }
    static Value of_list(const Value* items, std::size_t n) {
        Value v;
        v.kind = Kind::List;
        v.items = items;
        v.size = static_cast<std::uint32_t>(n);
        return v;
    }
    static Value of_record(std::uint32_t shape, const Value* fields) {
        Value v;
        v.kind = Kind::Record;
        v.items = fields;
        v.size = shape;
        return v;
    }
    static Value of_table(const TableData* t) {
        Value v;
        v.kind = Kind::Table;
        v.table = t;
        return v;
    }

    std::string_view str() const { return {chars, size}; }
    std::span<const Value> list() const { return {items, size}; }
};

/// `s` copied into `arena` as a string Value whose lower-cased form is known: itself, or a
/// copy made now beside it (up to 64 bytes; a longer text is copied alone). For strings that
/// are lowered often: a case's names and texts, and a program's constants.
Value string_with_letters(Arena& arena, std::string_view s);

/// The field names of one record shape. Shapes are numbered by the Program.
struct Shape {
    std::string name; // e.g. "extremity"; "" for a record literal's shape
    std::vector<std::string> fields;
    int field_index(std::string_view field) const {
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (fields[i] == field) return static_cast<int>(i);
        return -1;
    }
};

struct TableRowData {
    std::vector<Value> keys;   // keys[0] is the canonical key; a range of strings: {low, high}
    bool is_range = false;     // a range row: of numbers (low..high) or of strings (string_range)
    bool string_range = false; // keys hold the bounds, compared character by character
    std::int64_t low = 0, high = 0; // a range of numbers; high == INT64_MAX when open-ended
    Value value;
    std::string cite;
    std::string layer;       // the policy that wrote this row
    std::string from, until; // dates of service the row holds for ("" for open)
    bool holds(std::string_view date) const {
        return (from.empty() || date >= from) && (until.empty() || date < until);
    }
};

/// A table, compiled for look-up by key.
struct TableData {
    std::string name;
    std::string doc;
    std::string cite;
    std::string source; // the data file its rows were read from, with its version ("" if none)
    std::vector<TableRowData> rows;
    StringIndex<std::uint32_t> by_string;
    std::unordered_map<std::int64_t, std::uint32_t> by_number;
    std::vector<std::uint32_t> range_rows;
    std::size_t longest_string_key = 0; // bounds prefix look-ups (prefix_rows)

    bool dated = false; // some row holds only for some dates: look-ups need the date
    // Bit n: a string key of n bytes (n < 32); prefix_rows looks for no prefix of a length no
    // key has (ICD-10 prefixes are of 3, 5, 6 and 7 bytes). Longer lengths are always tried.
    std::uint32_t short_key_lengths = 0;
    // The policy that fixed it (`fixed table`, its declaration's or a later layer's over its
    // base's): the policies extending that one may not change it. "" when none did.
    std::string fixed_by;
    // The policy whose `replace table` wrote the description or cite it has ("" for its
    // declaration's): cpl diff says so.
    std::string described_by;

    void index();
    /// The row for `key` in force on `date` (the last such row, when versions overlap).
    /// Inline for the commonest look-up, a string in an undated table (a code among a
    /// code's pairs, a root among a region's levels): its index answers, with no call here.
    const TableRowData* find(const Value& key, std::string_view date = {}) const {
        if (key.kind == Kind::String && !dated) {
            // An exact key wins over a range that covers it.
            if (const std::uint32_t* row = by_string.find(key.str())) return &rows[*row];
            return range_rows.empty() ? nullptr : in_ranges(key);
        }
        return find_otherwise(key, date);
    }

    /// Whether row `i` is the version of its keys a look-up finds on `date`: it holds then, and
    /// no later row that holds then has one of its keys (`95866 => 1 from "2023-01-01"` after
    /// `95866 => 4` takes 95866 over). Every row of an undated table is. What `keys`,
    /// `entries`, `count` and `prefix_rows` list of a dated table.
    bool current(std::size_t i, std::string_view date) const {
        if (!dated) return true;
        if (!rows[i].holds(date)) return false;
        if (i >= later_versions.size()) return true; // rows added since index(): none later
        for (std::uint32_t later : later_versions[i])
            if (rows[later].holds(date)) return false;
        return true;
    }

private:
    // Of a dated table, by row: the later rows that share one of its keys (or its range),
    // found once by index(), so that current() reads a key's few versions, not every row.
    std::vector<std::vector<std::uint32_t>> later_versions;
    void index_versions();
    // Dated tables, and numbers (a string of an undated table is answered above).
    const TableRowData* find_otherwise(const Value& key, std::string_view date) const;
    // The first range row that covers `key`.
    const TableRowData* in_ranges(const Value& key) const;
};

/// A range row's key as written: `13..`, `1..4`, `"G56.00".."G56.03"`.
std::string range_text(const TableRowData& row);

/// Lists and records, element by element (each comparison a step of the case's budget).
bool equal_composite(const Value& a, const Value& b, const std::vector<Shape>& shapes);

/// Inline: most comparisons are of codes and names, a few bytes each, in the hottest loops
/// (`x in list`, `==`), where a call and a memcmp cost more than the comparison.
inline bool equal(const Value& a, const Value& b, const std::vector<Shape>& shapes) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case Kind::Number:
        return a.number == b.number;
    case Kind::Bool:
        return a.boolean == b.boolean;
    case Kind::String:
        if (a.size != b.size) return false;
        return a.chars == b.chars || same_bytes(a.chars, b.chars, a.size);
    case Kind::Table:
        return a.table == b.table;
    default:
        return equal_composite(a, b, shapes);
    }
}
/// Orders numbers before strings; strings by bytes. Used by sort() and comparisons.
int compare(const Value& a, const Value& b);

/// Human-readable form: `95860`, `"median"` (quoted only inside lists/records when `quote`).
std::string to_text(const Value& v, const std::vector<Shape>& shapes, bool quote = false);
/// to_text(v) appended to `out`.
void append_text(std::string& out, const Value& v, const std::vector<Shape>& shapes,
                 bool quote = false);
/// A whole number's digits appended to `out`: std::to_chars, not a format call (interpolated
/// counts, the JSON of units, a line's number).
void append_number(std::string& out, std::int64_t n);

} // namespace cpl
