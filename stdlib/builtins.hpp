// stdlib/builtins.hpp — built-in functions: one registry of rows (name, signature, doc,
// implementation). The checker reads arity and types from it; docs/stdlib.md lists it.
// Adding a built-in = one row in builtins.cpp + one function + one test row.
#pragma once

#include "runtime/eval_error.hpp"
#include "runtime/types.hpp"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace cpl {

struct BuiltinContext {
    Arena& arena;
    const std::vector<Shape>& shapes;
    Span span;                  // the call, for errors
    std::string_view date = {}; // the date of service, for dated tables
    /// When set (`cpl test --coverage`, `--explain`), told of every table row a built-in
    /// returns, as a look-up `t[key]` records the row it finds.
    void (*row_returned)(void* to, const TableData& table, const TableRowData& row) = nullptr;
    void* row_returned_to = nullptr;
};

using BuiltinFn = Value (*)(std::span<const Value> args, BuiltinContext& ctx);
using ResultTypeFn = TypeP (*)(std::span<const TypeP> args);

/// What one argument must be: its kind (Any: anything) and, for a list, the kind of its
/// elements (`sum` takes numbers, so `sum([l.code …])` is an error before any case runs).
struct BuiltinParam {
    TypeKind kind;
    TypeKind element = TypeKind::Any;
    TypeKind or_kind = TypeKind::Any; // a second kind it may be instead (`count`: a table)
    bool claim_lines = false;         // a list of claim lines, as `line` or `claim` holds them
    // Not explicit, so that a row writes a plain kind as `K::List`.
    BuiltinParam(TypeKind k, TypeKind e = TypeKind::Any) : kind(k), element(e) {}
    /// A list or a table (`count`, the second of `intersects`).
    static BuiltinParam list_or_table() {
        BuiltinParam p(TypeKind::List);
        p.or_kind = TypeKind::Table;
        return p;
    }
    /// A list of claim lines (`units_of`).
    static BuiltinParam lines() {
        BuiltinParam p(TypeKind::List, TypeKind::Record);
        p.claim_lines = true;
        return p;
    }
};

struct Builtin {
    std::string_view name;
    std::string_view signature; // as shown to authors, e.g. "count(list) -> number"
    std::string_view doc;
    std::vector<BuiltinParam> params; // what each argument must be
    ResultTypeFn result;
    BuiltinFn fn;
};

const std::vector<Builtin>& builtins();
const Builtin* find_builtin(std::string_view name);

/// Throws EvalError located at the call.
[[noreturn]] void builtin_error(const BuiltinContext& ctx, std::string message);

// Implementations, grouped by family (builtins_collections.cpp, builtins_text.cpp).
/// What `count(v)` and `lower(v)` are when that needs no work: a list's size; a text known to
/// be lower case (a case's names and a program's texts are marked so when made), itself. Null
/// otherwise. The built-ins start with them, and their nodes answer with them without the
/// built-in's call (interpreter/program/dispatch.cpp).
inline std::optional<Value> count_at_once(const Value& v) {
    if (v.kind != Kind::List) return std::nullopt;
    return Value::of_number(static_cast<std::int64_t>(v.size));
}
inline std::optional<Value> lower_at_once(const Value& v) {
    if (v.kind != Kind::String || !(v.letters & letters_lower)) return std::nullopt;
    return v;
}
Value builtin_count(std::span<const Value>, BuiltinContext&);
Value builtin_sum(std::span<const Value>, BuiltinContext&);
Value builtin_min(std::span<const Value>, BuiltinContext&);
Value builtin_max(std::span<const Value>, BuiltinContext&);
Value builtin_distinct(std::span<const Value>, BuiltinContext&);
Value builtin_flatten(std::span<const Value>, BuiltinContext&);
Value builtin_intersects(std::span<const Value>, BuiltinContext&);
Value builtin_any(std::span<const Value>, BuiltinContext&);
Value builtin_all(std::span<const Value>, BuiltinContext&);
Value builtin_sort(std::span<const Value>, BuiltinContext&);
Value builtin_keys(std::span<const Value>, BuiltinContext&);
Value builtin_row_key(std::span<const Value>, BuiltinContext&);
Value builtin_key_any_case(std::span<const Value>, BuiltinContext&);
Value builtin_entries(std::span<const Value>, BuiltinContext&);
Value builtin_units_of(std::span<const Value>, BuiltinContext&);
Value builtin_prefix_rows(std::span<const Value>, BuiltinContext&);
Value builtin_starts_with(std::span<const Value>, BuiltinContext&);
Value builtin_lower(std::span<const Value>, BuiltinContext&);
Value builtin_join(std::span<const Value>, BuiltinContext&);
Value builtin_code(std::span<const Value>, BuiltinContext&);
Value builtin_year(std::span<const Value>, BuiltinContext&);
Value builtin_days_between(std::span<const Value>, BuiltinContext&);
Value builtin_add_days(std::span<const Value>, BuiltinContext&);
Value builtin_add_years(std::span<const Value>, BuiltinContext&);

} // namespace cpl
