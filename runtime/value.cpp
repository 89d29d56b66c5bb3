// runtime/value.cpp — equality, ordering, printing and table indexes.
#include "runtime/value.hpp"

#include "lang/format.hpp"
#include "runtime/ascii.hpp"
#include "runtime/budget.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <limits>
#include <map>

namespace cpl {

Value string_with_letters(Arena& arena, std::string_view s) {
    // Names and codes are short; a long text gets no copy (lower looks at it when asked).
    constexpr std::size_t longest_lowered = 64;
    if (s.size() > longest_lowered) return Value::of_string(arena.copy(s));
    if (!has_ascii_upper(s)) {
        Value v = Value::of_string(arena.copy(s));
        v.letters = letters_lower;
        return v;
    }
    char* out = static_cast<char*>(arena.allocate(2 * s.size(), 1));
    std::memcpy(out, s.data(), s.size());
    copy_ascii_lower(s, out + s.size());
    Value v = Value::of_string({out, s.size()});
    v.letters = letters_lowered_after;
    return v;
}

void TableData::index() {
    by_string.clear();
    by_number.clear();
    range_rows.clear();
    longest_string_key = 0;
    short_key_lengths = 0;
    std::size_t string_keys = 0;
    for (const auto& row : rows)
        if (!row.is_range)
            for (const auto& key : row.keys)
                string_keys += key.kind == Kind::String;
    by_string.reserve(string_keys);
    for (std::uint32_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        if (row.is_range) {
            range_rows.push_back(i);
            continue;
        }
        for (const auto& key : row.keys) {
            if (key.kind == Kind::String) {
                by_string.emplace(key.str(), i);
                longest_string_key = std::max<std::size_t>(longest_string_key, key.size);
                if (key.size < 32) short_key_lengths |= std::uint32_t{1} << key.size;
            } else if (key.kind == Kind::Number)
                by_number.emplace(key.number, i);
            else if (key.kind == Kind::Bool)
                by_number.emplace(key.boolean ? 1 : 0, i);
        }
    }
    index_versions();
}

namespace {

// Whether a range row covers `key`: a number within a range of numbers, a string between the
// bounds of a range of strings.
bool in_range(const TableRowData& row, const Value& key) {
    if (row.string_range)
        return key.kind == Kind::String && key.str() >= row.keys[0].str() &&
               key.str() <= row.keys[1].str();
    return key.kind == Kind::Number && key.number >= row.low && key.number <= row.high;
}

} // namespace

std::string range_text(const TableRowData& row) {
    if (row.string_range)
        return fmt::format("\"{}\"..\"{}\"", row.keys[0].str(), row.keys[1].str());
    if (row.high == std::numeric_limits<std::int64_t>::max()) return fmt::format("{}..", row.low);
    return fmt::format("{}..{}", row.low, row.high);
}

const TableRowData* TableData::find_otherwise(const Value& key, std::string_view date) const {
    if (dated) {
        // Few tables are dated, and they are short: scan, so versions of a row can overlap.
        const TableRowData* found = nullptr;
        for (const auto& row : rows) {
            if (!row.holds(date)) continue;
            bool match = false;
            if (row.is_range)
                match = in_range(row, key);
            else
                for (const auto& k : row.keys)
                    if (k.kind == key.kind &&
                        (k.kind == Kind::String ? k.str() == key.str() : k.number == key.number))
                        match = true;
            if (match) found = &row;
        }
        return found;
    }
    // A string was answered by find(). An exact key wins over a range that covers it.
    if (key.kind != Kind::Number) return nullptr;
    if (auto it = by_number.find(key.number); it != by_number.end()) return &rows[it->second];
    return in_ranges(key);
}

void TableData::index_versions() {
    later_versions.assign(dated ? rows.size() : 0, {});
    if (!dated) return;
    // The rows of each key (a range by its bounds), in order: each row's later versions are
    // the rows after it in the groups of its keys.
    std::map<std::string, std::vector<std::uint32_t>> groups;
    for (std::uint32_t i = 0; i < rows.size(); ++i) {
        const TableRowData& row = rows[i];
        auto add = [&](std::string key) {
            auto& group = groups[std::move(key)];
            if (group.empty() || group.back() != i) group.push_back(i);
        };
        if (row.is_range)
            add(row.string_range ? "r\x1f" + std::string(row.keys[0].str()) + "\x1f" +
                                       std::string(row.keys[1].str())
                                 : fmt::format("n\x1f{}\x1f{}", row.low, row.high));
        else
            for (const Value& k : row.keys)
                add(k.kind == Kind::String
                        ? "s\x1f" + std::string(k.str())
                        : fmt::format("{}\x1f{}", static_cast<int>(k.kind),
                                      k.kind == Kind::Bool ? std::int64_t{k.boolean} : k.number));
    }
    for (const auto& [key, group] : groups)
        for (std::size_t a = 0; a < group.size(); ++a)
            for (std::size_t b = a + 1; b < group.size(); ++b)
                later_versions[group[a]].push_back(group[b]);
}

const TableRowData* TableData::in_ranges(const Value& key) const {
    for (auto i : range_rows)
        if (in_range(rows[i], key)) return &rows[i];
    return nullptr;
}

// Lists and records share their elements, so a value a few bytes long may stand for a tree
// of billions of nodes: comparing and printing spend a step per node from the case's budget.
bool equal_composite(const Value& a, const Value& b, const std::vector<Shape>& shapes) {
    Budget::charge_steps();
    if (a.size != b.size) return false;
    if (a.kind == Kind::List) {
        for (std::uint32_t i = 0; i < a.size; ++i)
            if (!equal(a.items[i], b.items[i], shapes)) return false;
        return true;
    }
    // Records. Shapes are interned by field list, so different shapes never hold equal records.
    for (std::size_t i = 0; i < shapes.at(a.size).fields.size(); ++i)
        if (!equal(a.items[i], b.items[i], shapes)) return false;
    return true;
}

int compare(const Value& a, const Value& b) {
    if (a.kind == Kind::Number && b.kind == Kind::Number)
        return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
    if (a.kind == Kind::String && b.kind == Kind::String) {
        int c = a.str().compare(b.str());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    return static_cast<int>(a.kind) - static_cast<int>(b.kind);
}

void append_number(std::string& out, std::int64_t n) {
    std::array<char, 24> digits;
    out.append(digits.data(), std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr);
}

void append_text(std::string& out, const Value& v, const std::vector<Shape>& shapes, bool quote) {
    Budget::charge_steps();
    // The text may be far larger than the value (shared elements): it is memory too.
    Budget::charge_bytes(v.kind == Kind::String ? v.size + 2 : 8);
    switch (v.kind) {
    case Kind::Number:
        append_number(out, v.number);
        return;
    case Kind::Bool:
        out += v.boolean ? "true" : "false";
        return;
    case Kind::String:
        // Quoted, it is written as a policy writes it: `"x\"y"` is one text, not two.
        if (!quote) {
            out += v.str();
            return;
        }
        out += '"';
        append_escaped(out, v.str());
        out += '"';
        return;
    case Kind::Table:
        out += "table ";
        out += v.table->name;
        return;
    case Kind::List:
        out += '[';
        for (std::uint32_t i = 0; i < v.size; ++i) {
            if (i) out += ", ";
            append_text(out, v.items[i], shapes, true);
        }
        out += ']';
        return;
    case Kind::Record: {
        const Shape& shape = shapes.at(v.size);
        out += '{';
        for (std::size_t i = 0; i < shape.fields.size(); ++i) {
            if (i) out += ", ";
            out += shape.fields[i];
            out += ": ";
            append_text(out, v.items[i], shapes, true);
        }
        out += '}';
        return;
    }
    }
}

std::string to_text(const Value& v, const std::vector<Shape>& shapes, bool quote) {
    std::string out;
    append_text(out, v, shapes, quote);
    return out;
}

} // namespace cpl
