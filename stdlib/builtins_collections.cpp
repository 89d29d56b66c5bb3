// stdlib/builtins_collections.cpp — count, sum, min, max, distinct, flatten, any, all,
// sort, keys, entries, units_of.
#include "builtins.hpp"
#include "runtime/budget.hpp"
#include "runtime/shapes.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_set>

namespace cpl {

namespace {

// Every built-in that walks a list spends a step per element from the case's budget, so a
// case's cost counts its work however the policy spells it.
[[noreturn, gnu::noinline]] void not_a_list(BuiltinContext& ctx, std::string_view fn) {
    builtin_error(ctx, fmt::format("`{}` needs a list", fn));
}

// Inline in each built-in (43 calls a case): a kind test and a step, fewer instructions than
// a call; the message is built out of line.
[[gnu::always_inline]] inline std::span<const Value> list_arg(const Value& v, BuiltinContext& ctx,
                                                              std::string_view fn) {
    if (v.kind != Kind::List) not_a_list(ctx, fn);
    Budget::charge_steps(v.size);
    return v.list();
}

std::int64_t number_arg(const Value& v, BuiltinContext& ctx, std::string_view fn) {
    if (v.kind != Kind::Number) builtin_error(ctx, fmt::format("`{}` needs numbers", fn));
    return v.number;
}

Value copy_list(const std::vector<Value>& items, Arena& arena) {
    Value* out = arena.make_array<Value>(items.size());
    std::copy(items.begin(), items.end(), out);
    return Value::of_list(out, items.size());
}

} // namespace

Value builtin_count(std::span<const Value> args, BuiltinContext& ctx) {
    if (auto size = count_at_once(args[0])) return *size;
    if (args[0].kind != Kind::Table) builtin_error(ctx, "`count` needs a list or a table");
    // The rows in force on the date of service, each key once: what `keys` lists.
    const TableData& table = *args[0].table;
    if (!table.dated) return Value::of_number(static_cast<std::int64_t>(table.rows.size()));
    Budget::charge_steps(table.rows.size());
    std::int64_t n = 0;
    for (std::size_t i = 0; i < table.rows.size(); ++i)
        n += table.current(i, ctx.date);
    return Value::of_number(n);
}

Value builtin_sum(std::span<const Value> args, BuiltinContext& ctx) {
    std::int64_t total = 0;
    for (const auto& v : list_arg(args[0], ctx, "sum")) {
        std::int64_t n = number_arg(v, ctx, "sum");
        if (__builtin_add_overflow(total, n, &total)) builtin_error(ctx, "`sum` overflowed");
    }
    return Value::of_number(total);
}

namespace {

// The number of a non-empty list that `better` prefers over all others.
template <typename Better>
Value extreme(std::span<const Value> args, BuiltinContext& ctx, std::string_view fn,
              Better better) {
    auto items = list_arg(args[0], ctx, fn);
    if (items.empty()) builtin_error(ctx, fmt::format("`{}` of an empty list", fn));
    std::int64_t best = number_arg(items[0], ctx, fn);
    for (const auto& v : items)
        if (std::int64_t n = number_arg(v, ctx, fn); better(n, best)) best = n;
    return Value::of_number(best);
}

} // namespace

Value builtin_min(std::span<const Value> args, BuiltinContext& ctx) {
    return extreme(args, ctx, "min", std::less<>{});
}

Value builtin_max(std::span<const Value> args, BuiltinContext& ctx) {
    return extreme(args, ctx, "max", std::greater<>{});
}

// First occurrences, in order. Strings, numbers and booleans are hashed: a case's list may
// hold 100,000 names. Lists and records are compared with the earlier ones (each comparison
// spends from the budget).
namespace {

// Whether `v` is already among `out[0..n)`: what the hash sets of builtin_distinct decide,
// by a scan, which costs less than building the sets for the short lists of a study (the
// muscles of a limb, their nerves).
bool seen_before(const Value* out, std::size_t n, const Value& v, const BuiltinContext& ctx) {
    for (std::size_t i = 0; i < n; ++i) {
        const Value& o = out[i];
        switch (v.kind) {
        case Kind::String:
            if (o.kind == Kind::String && o.str() == v.str()) return true;
            break;
        case Kind::Number:
            if (o.kind == Kind::Number && o.number == v.number) return true;
            break;
        case Kind::Bool:
            if (o.kind == Kind::Bool && o.boolean == v.boolean) return true;
            break;
        default: // a list, record or table: compared with the others of those kinds
            if (o.kind != Kind::String && o.kind != Kind::Number && o.kind != Kind::Bool &&
                equal(o, v, ctx.shapes))
                return true;
        }
    }
    return false;
}

constexpr std::size_t distinct_by_scan = 32; // longer lists are hashed: linear, not quadratic

} // namespace

Value builtin_distinct(std::span<const Value> args, BuiltinContext& ctx) {
    auto items = list_arg(args[0], ctx, "distinct");
    Value* out = ctx.arena.make_array<Value>(items.size());
    std::size_t n = 0;
    if (items.size() <= distinct_by_scan) {
        for (const auto& v : items)
            if (!seen_before(out, n, v, ctx)) out[n++] = v;
        return Value::of_list(out, n);
    }
    std::unordered_set<std::string_view> strings;
    std::unordered_set<std::int64_t> numbers, booleans;
    std::vector<std::size_t> composites; // positions in `out`
    for (const auto& v : items) {
        bool added = false;
        switch (v.kind) {
        case Kind::String:
            added = strings.insert(v.str()).second;
            break;
        case Kind::Number:
            added = numbers.insert(v.number).second;
            break;
        case Kind::Bool:
            added = booleans.insert(v.boolean ? 1 : 0).second;
            break;
        default:
            added = std::none_of(composites.begin(), composites.end(),
                                 [&](std::size_t i) { return equal(out[i], v, ctx.shapes); });
            if (added) composites.push_back(n);
        }
        if (added) out[n++] = v;
    }
    return Value::of_list(out, n);
}

namespace {

bool is_short_string(const Value& v) {
    return v.kind == Kind::String && v.size >= 4 && v.size <= 8;
}

// Whether an element of `a` is in `b` when `b` is a short list of strings of 4 to 8 bytes (a
// code's pairs, a claim's codes: codes are five bytes): each of `b` read once as a word, then
// a word and a length compared for each pair, where equal() reads four words of bytes. None
// when `b` is not such a list.
std::optional<bool> among_short_strings(std::span<const Value> a, std::span<const Value> b) {
    constexpr std::size_t most = 32;
    if (b.size() > most || !std::all_of(b.begin(), b.end(), is_short_string)) return std::nullopt;
    std::uint64_t words[most];
    for (std::size_t i = 0; i < b.size(); ++i)
        words[i] = halves_word(b[i].chars, b[i].size);
    for (const auto& x : a) {
        if (!is_short_string(x)) continue; // no string of 4 to 8 bytes equals it
        std::uint64_t word = halves_word(x.chars, x.size);
        for (std::size_t i = 0; i < b.size(); ++i)
            if (words[i] == word && b[i].size == x.size) return true;
    }
    return false;
}

} // namespace

// One call where `any x in a: x in b` walks a loop of nodes: "is a claim code among a code's
// pairs", "is a limb's level of the other region". Lists of codes and levels are short; past
// a few hundred pairs the strings of the second are hashed.
Value builtin_intersects(std::span<const Value> args, BuiltinContext& ctx) {
    auto a = list_arg(args[0], ctx, "intersects");
    if (args[1].kind == Kind::Table) {
        const TableData& table = *args[1].table;
        Budget::charge_steps(a.size());
        for (const auto& x : a)
            if (const TableRowData* row = table.find(x, ctx.date)) {
                if (ctx.row_returned) ctx.row_returned(ctx.row_returned_to, table, *row);
                return Value::of_bool(true);
            }
        return Value::of_bool(false);
    }
    auto b = list_arg(args[1], ctx, "intersects");
    if (a.size() * b.size() <= 256 ||
        std::any_of(b.begin(), b.end(), [](const Value& v) { return v.kind != Kind::String; })) {
        Budget::charge_steps(a.size() * b.size());
        if (auto found = among_short_strings(a, b)) return Value::of_bool(*found);
        for (const auto& x : a)
            for (const auto& y : b)
                if (equal(x, y, ctx.shapes)) return Value::of_bool(true);
        return Value::of_bool(false);
    }
    Budget::charge_steps(a.size() + b.size());
    std::unordered_set<std::string_view> strings;
    for (const auto& y : b)
        strings.insert(y.str());
    return Value::of_bool(std::any_of(a.begin(), a.end(), [&](const Value& x) {
        return x.kind == Kind::String && strings.count(x.str());
    }));
}

Value builtin_flatten(std::span<const Value> args, BuiltinContext& ctx) {
    auto items = list_arg(args[0], ctx, "flatten");
    std::size_t total = 0;
    for (const auto& v : items)
        total += v.kind == Kind::List ? v.size : 1;
    Value* out = ctx.arena.make_array<Value>(total);
    std::size_t n = 0;
    for (const auto& v : items) {
        if (v.kind == Kind::List)
            for (const auto& inner : v.list())
                out[n++] = inner;
        else
            out[n++] = v;
    }
    return Value::of_list(out, n);
}

Value builtin_any(std::span<const Value> args, BuiltinContext& ctx) {
    for (const auto& v : list_arg(args[0], ctx, "any")) {
        if (v.kind != Kind::Bool) builtin_error(ctx, "`any` needs a list of true/false values");
        if (v.boolean) return Value::of_bool(true);
    }
    return Value::of_bool(false);
}

Value builtin_all(std::span<const Value> args, BuiltinContext& ctx) {
    for (const auto& v : list_arg(args[0], ctx, "all")) {
        if (v.kind != Kind::Bool) builtin_error(ctx, "`all` needs a list of true/false values");
        if (!v.boolean) return Value::of_bool(false);
    }
    return Value::of_bool(true);
}

Value builtin_sort(std::span<const Value> args, BuiltinContext& ctx) {
    auto items = list_arg(args[0], ctx, "sort");
    std::vector<Value> sorted(items.begin(), items.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Value& a, const Value& b) { return compare(a, b) < 0; });
    return copy_list(sorted, ctx.arena);
}

namespace {

// A row's canonical key; a range row is named by its lower bound.
Value canonical_key(const TableRowData& row) {
    return row.is_range && !row.string_range ? Value::of_number(row.low) : row.keys.at(0);
}

} // namespace

Value builtin_keys(std::span<const Value> args, BuiltinContext& ctx) {
    const TableData& table = *args[0].table;
    Budget::charge_steps(table.rows.size());
    Value* out = ctx.arena.make_array<Value>(table.rows.size());
    std::size_t n = 0;
    for (std::size_t i = 0; i < table.rows.size(); ++i)
        if (table.current(i, ctx.date)) out[n++] = canonical_key(table.rows[i]);
    return Value::of_list(out, n);
}

Value builtin_row_key(std::span<const Value> args, BuiltinContext& ctx) {
    const TableRowData* row = args[0].table->find(args[1], ctx.date);
    if (!row || row->is_range || row->keys.empty()) return args[1];
    return row->keys.front();
}

// A case names a muscle in any letter case, as the case reader reads a limb's ("edc", "Fdi",
// "gmax"): the key a table writes it with, found by a scan (rarely asked: after the exact and
// lower-case look-ups fail).
Value builtin_key_any_case(std::span<const Value> args, BuiltinContext& ctx) {
    const TableData& table = *args[0].table;
    std::string_view wanted = args[1].str();
    auto same = [&](std::string_view key) {
        return key.size() == wanted.size() &&
               std::equal(key.begin(), key.end(), wanted.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
               });
    };
    Budget::charge_steps(table.rows.size());
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        const TableRowData& row = table.rows[i];
        if (row.is_range || !table.current(i, ctx.date)) continue;
        for (const Value& key : row.keys)
            if (key.kind == Kind::String && same(key.str())) return key;
    }
    return args[1];
}

Value builtin_entries(std::span<const Value> args, BuiltinContext& ctx) {
    const TableData& table = *args[0].table;
    Budget::charge_steps(table.rows.size());
    Value* out = ctx.arena.make_array<Value>(table.rows.size());
    std::size_t n = 0;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        if (!table.current(i, ctx.date)) continue;
        const TableRowData& row = table.rows[i];
        Value* fields = ctx.arena.make_array<Value>(entry_field::count);
        fields[entry_field::key] = canonical_key(row);
        fields[entry_field::value] = row.value;
        out[n++] = Value::of_record(shape_entry, fields);
    }
    return Value::of_list(out, n);
}

Value builtin_units_of(std::span<const Value> args, BuiltinContext& ctx) {
    std::int64_t total = 0;
    for (const auto& line : list_arg(args[0], ctx, "units_of")) {
        if (line.kind != Kind::Record || (line.size != shape_line && line.size != shape_claim_line))
            builtin_error(ctx, "`units_of` needs a list of claim lines");
        if (equal(line.items[0], args[1], ctx.shapes) &&
            __builtin_add_overflow(total, line.items[1].number, &total))
            builtin_error(ctx, "`units_of` overflowed");
    }
    return Value::of_number(total);
}

} // namespace cpl

namespace cpl {

// One hash look-up per prefix length of the string, instead of a scan of every row.
Value builtin_prefix_rows(std::span<const Value> args, BuiltinContext& ctx) {
    if (args[0].kind != Kind::Table || args[1].kind != Kind::String)
        builtin_error(ctx, "`prefix_rows` needs a table and a string");
    const TableData& table = *args[0].table;
    std::string_view text = args[1].str();
    // The rows found, in the case's arena: at most one a prefix length and one a range row,
    // or of a dated table any of its rows (a diagnosis is asked about several times a case:
    // no heap allocation each time).
    std::size_t most =
        table.dated ? table.rows.size()
                    : std::min(text.size(), table.longest_string_key) + table.range_rows.size();
    auto* found = ctx.arena.make_array<std::uint32_t>(most);
    std::size_t count = 0;
    auto in_force = [&](std::uint32_t i) { return table.current(i, ctx.date); };
    if (table.dated) {
        // The index keeps one version of a key; a dated table, short, is read row by row for
        // the version in force (a payer's `"G56.0" => false from …` over the base's row).
        Budget::charge_steps(table.rows.size());
        for (std::uint32_t i = 0; i < table.rows.size(); ++i) {
            const TableRowData& row = table.rows[i];
            if (row.is_range || !in_force(i)) continue;
            for (const Value& key : row.keys)
                if (key.kind == Kind::String && text.starts_with(key.str())) {
                    found[count++] = i;
                    break;
                }
        }
    } else {
        // No key is longer than the longest one: a long string costs no more than a short one.
        std::size_t longest = std::min(text.size(), table.longest_string_key);
        Budget::charge_steps(longest);
        for (std::size_t length = 1; length <= longest; ++length)
            if (length >= 32 || (table.short_key_lengths >> length & 1))
                if (const std::uint32_t* row = table.by_string.find(text.substr(0, length)))
                    found[count++] = *row;
    }
    // A range of strings ("G56.00".."G56.03") answers for every string between its bounds.
    for (auto i : table.range_rows) {
        const TableRowData& row = table.rows[i];
        if (row.string_range && text >= row.keys[0].str() && text <= row.keys[1].str() &&
            in_force(i))
            found[count++] = i;
    }
    std::sort(found, found + count);
    count = static_cast<std::size_t>(std::unique(found, found + count) - found);
    Value* out = ctx.arena.make_array<Value>(count);
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = table.rows[found[i]].value;
        if (ctx.row_returned) ctx.row_returned(ctx.row_returned_to, table, table.rows[found[i]]);
    }
    return Value::of_list(out, count);
}

} // namespace cpl
