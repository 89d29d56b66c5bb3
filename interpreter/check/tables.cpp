// interpreter/check/tables.cpp — tables, their keys and their values (see tables.hpp).
//
// The types a table holds are those of its declaration: the key kind most of the declaring
// layer's own rows use (or its data file's key column), and the value type most of the
// declaring layer's rows have. Every row of every layer — a payer's added or replaced rows,
// a `replace table`, a `remove` — is checked against them, so a row of the wrong type is an
// error at the row, never a row that silently matches nothing or fails at run time.
#include "interpreter/check/tables.hpp"

#include "interpreter/check/in_force.hpp"
#include "interpreter/program/expressions.hpp"
#include "lang/codes.hpp"
#include "lang/dates.hpp"
#include "lang/suggest.hpp"

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace cpl::check_detail {

namespace {

// Whether an error's stand-in (a constant marked `marker`) is anywhere in `n`.
bool has_poisoned(const Node& n, std::uint32_t marker) {
    if (n.op == Op::Const && n.slot == marker) return true;
    return std::any_of(n.kids.begin(), n.kids.end(),
                       [&](const Node& kid) { return has_poisoned(kid, marker); });
}

using Range = ast::TableKey::Range;

bool upper_or_digit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// An ICD-10-CM code or the start of one (`G56.01`, `G56.0`, `G56`), or a five-character
// procedure code (`95907`, `G0453`).
bool looks_like_code(std::string_view s) {
    if (s.size() == 5 && std::all_of(s.begin(), s.end(), upper_or_digit)) return true;
    if (s.size() < 3 || !(s[0] >= 'A' && s[0] <= 'Z') || !(s[1] >= '0' && s[1] <= '9') ||
        !upper_or_digit(s[2]))
        return false;
    if (s.size() == 3) return true;
    return s[3] == '.' && s.size() <= 8 && std::all_of(s.begin() + 4, s.end(), upper_or_digit);
}

// "G56.00-G56.03", "G57.50–G57.53" (an en or em dash, as a PDF gives it): two codes around a
// dash, which no diagnosis is ever written as.
std::optional<std::pair<std::string, std::string>> range_in_string(const std::string& s) {
    for (std::string_view dash : {"\u2013", "\u2014", "-"}) {
        std::size_t at = s.find(dash);
        if (at == std::string::npos) continue;
        auto trim = [](std::string t) {
            while (!t.empty() && t.back() == ' ')
                t.pop_back();
            while (!t.empty() && t.front() == ' ')
                t.erase(t.begin());
            return t;
        };
        std::string low = trim(s.substr(0, at)), high = trim(s.substr(at + dash.size()));
        if (looks_like_code(low) && looks_like_code(high)) return std::pair{low, high};
    }
    return std::nullopt;
}

// "G56.0-", "G56.0*", "G56.0x": a code prefix ended by a mark that means "and what follows"
// in a code list. Upper-case X is left alone: ICD-10-CM writes it as a placeholder inside
// codes (T36.0X1A).
std::optional<std::pair<std::string, char>> wildcard(const std::string& s) {
    std::string prefix = s;
    char mark = 0;
    while (!prefix.empty() && std::string_view("-*%?x").find(prefix.back()) != std::string::npos)
        mark = prefix.back(), prefix.pop_back();
    if (!mark) return std::nullopt;
    std::string bare = prefix;
    if (!bare.empty() && bare.back() == '.') bare.pop_back();
    if (!looks_like_code(bare)) return std::nullopt;
    return std::pair{bare == prefix ? prefix : bare, mark};
}

} // namespace

bool key_warned_of(const std::string& key) {
    return range_in_string(key) || wildcard(key);
}

TableCompiler::KeyKind TableCompiler::key_kind(const ast::TableKey& key) {
    switch (key.range) {
    case Range::numbers:
        return KeyKind::number;
    case Range::codes:
    case Range::strings:
        return KeyKind::text;
    default:
        break;
    }
    if (!key.literal) return KeyKind::none;
    if (std::holds_alternative<ast::NumberLit>(key.literal->kind)) return KeyKind::number;
    if (std::holds_alternative<ast::BoolLit>(key.literal->kind)) return KeyKind::boolean;
    return KeyKind::text;
}

TableCompiler::KeyTypes TableCompiler::declared_keys(const MergedTable& table) {
    KeyTypes out;
    if (const auto& from = table.decl->rows_from) {
        const std::string& type = from->key.type.text;
        out.kind = type == "number" ? KeyKind::number : KeyKind::text;
        out.words = type == "number" ? "numbers" : type == "code" ? "codes" : "strings";
        // Rows read from a file have no text to quote; a code key is its own example.
        for (const auto& row : table.rows)
            for (const auto& key : row.row->keys)
                if (key.literal)
                    if (const auto* code = std::get_if<ast::CodeLit>(&key.literal->kind))
                        if (out.example.empty()) out.example = code->code;
        return out;
    }
    // The kind most of the declaring layer's keys have (the first seen wins a tie); the
    // merged rows when the declaration writes none.
    std::vector<const ast::TableKey*> keys;
    for (const auto& row : table.decl->rows)
        if (!row.remove)
            for (const auto& key : row.keys)
                keys.push_back(&key);
    if (keys.empty())
        for (const auto& row : table.rows)
            for (const auto& key : row.row->keys)
                keys.push_back(&key);
    std::map<KeyKind, int> count;
    int codes = 0, strings = 0;
    for (const auto* key : keys) {
        KeyKind kind = key_kind(*key);
        ++count[kind];
        if (kind == KeyKind::text) {
            bool code = key->range == Range::codes ||
                        (key->literal && std::holds_alternative<ast::CodeLit>(key->literal->kind));
            ++(code ? codes : strings);
        }
        if (out.kind == KeyKind::none || count[kind] > count[out.kind]) out.kind = kind;
    }
    for (const auto* key : keys)
        if (key_kind(*key) == out.kind) {
            out.example = source_text(key->span);
            break;
        }
    switch (out.kind) {
    case KeyKind::number:
        out.words = "numbers";
        break;
    case KeyKind::boolean:
        out.words = "true and false";
        break;
    case KeyKind::text:
        out.words = strings == 0 ? "codes" : codes == 0 ? "strings" : "codes and strings";
        break;
    default:
        break;
    }
    return out;
}

void TableCompiler::check_key(const MergedTable& table, const KeyTypes& keys,
                              const ast::TableKey& key, const std::string& layer) {
    KeyKind kind = key_kind(key);
    if (keys.kind == KeyKind::none || kind == KeyKind::none || kind == keys.kind) return;
    std::string written = source_text(key.span);
    std::string what = kind == KeyKind::number    ? "the number " + written
                       : kind == KeyKind::boolean ? "the bool " + written
                                                  : written;
    if (key.range != Range::none) what = "the range " + written;
    tables_mistyped_.insert(table.decl->name.text);
    auto& d = error("check.table_key_type", key.span,
                    fmt::format("table `{}` is keyed by {}, but this key is {}",
                                table.decl->name.text, keys.words, what));
    if (kind == KeyKind::number && keys.kind == KeyKind::text && key.range == Range::none) {
        // A number of another length than five is no code in quotes either (`"958870"` is
        // check.impossible_value): say what a code is.
        if (keys.words == "codes" && written.size() != 5)
            d.help = fmt::format("a code has five characters{}",
                                 keys.example.empty() ? "" : ", e.g. `" + keys.example + "`");
        else
            d.help = fmt::format("write it in quotes: \"{}\"", written);
    } else if (kind == KeyKind::text && keys.kind == KeyKind::number && !keys.example.empty()) {
        d.help = fmt::format("the keys of `{}` are counts, e.g. `{}`", table.decl->name.text,
                             keys.example);
    }
    if (layer != table.declared_by)
        d.notes.push_back(
            fmt::format("`{}` declares the table with {} as keys", table.declared_by, keys.words));
}

void TableCompiler::key_warnings(const ast::TableKey& key) {
    if (key.range == Range::codes && !key.high) {
        warning("check.range_key_open_code", key.span,
                fmt::format("the open range `{}..` covers every code from {} up, to {}",
                            key.low_text, key.low_text, std::string(key.low_text.size(), '9')))
            .help = fmt::format("close it, e.g. `{}..{}` (open ranges are for counts, such as "
                                "`13..`)",
                                key.low_text, key.low + 6);
        return;
    }
    const auto* lit = key.literal ? std::get_if<ast::StringLit>(&key.literal->kind) : nullptr;
    if (!lit) return;
    std::string text = plain(*lit);
    if (auto range = range_in_string(text)) {
        warning("check.range_in_string_key", key.span,
                fmt::format("the key \"{}\" is one string, not a range: no diagnosis is written "
                            "this way",
                            text))
            .help = fmt::format("write the range as \"{}\"..\"{}\", or one row per code",
                                range->first, range->second);
    } else if (auto mark = wildcard(text)) {
        warning(
            "check.wildcard_key", key.span,
            fmt::format("the key \"{}\" ends in `{}`, which no code contains", text, mark->second))
            .help = fmt::format("`prefix_rows` already matches every code a key begins: write "
                                "\"{}\"",
                                mark->first);
    }
}

TypeP TableCompiler::declared_value(const MergedTable& table, const std::vector<RowValue>& values) {
    // The type most of the declaring layer's values have (the first seen wins a tie); all
    // rows' when that layer's are gone (`replace table`).
    // A row of `[]` says nothing of its elements: it decides only when no other row can.
    auto empty_list = [](const TypeP& t) {
        return t && t->kind == TypeKind::List && t->element == empty_list_element();
    };
    for (int pass = 0; pass < 3; ++pass) {
        bool own = pass == 0;
        std::map<std::string, int> count;
        TypeP best;
        int best_count = 0;
        for (const auto& v : values) {
            if (!v.ok || (own && v.row->layer != table.declared_by)) continue;
            if (pass < 2 && empty_list(v.type)) continue;
            int n = ++count[type_name(v.type)];
            if (n > best_count) best = v.type, best_count = n;
        }
        if (best) return best;
    }
    return nullptr;
}

namespace {

struct Misfit {
    Span span;
    std::string what;
    std::optional<std::string> help = {};
};

} // namespace

void TableCompiler::check_value(const MergedTable& table, const TypeP& want, const RowValue& row) {
    const std::vector<Shape>& shapes = p().shapes;
    // Walks the value and, where it is written out, its text, to the first part that does
    // not have the table's type.
    std::function<std::optional<Misfit>(const TypeP&, const Value&, const ast::Expr&,
                                        const std::string&)>
        misfit = [&](const TypeP& t, const Value& v, const ast::Expr& e,
                     const std::string& where) -> std::optional<Misfit> {
        if (!t || !known(t)) return std::nullopt;
        auto wrong = [&] {
            // A value's own type cannot tell a code from a string: a list is named as a list.
            // A code written as one (`95937`, unquoted) is named a code, as a setting's is.
            std::string found = v.kind == Kind::List ? "a list"
                                : std::holds_alternative<ast::CodeLit>(e.kind)
                                    ? "a code"
                                    : with_article(type_name(type_of(v, p().shape_types)));
            bool nested = where != "this value";
            return Misfit{e.span, fmt::format("{} is {}{}", where, found,
                                              nested ? ", not " + with_article(type_name(t)) : "")};
        };
        switch (t->kind) {
        case TypeKind::Number:
            if (v.kind != Kind::Number) return wrong();
            return std::nullopt;
        case TypeKind::Bool:
            if (v.kind != Kind::Bool) return wrong();
            return std::nullopt;
        case TypeKind::String:
        case TypeKind::Code:
            if (v.kind != Kind::String) return wrong();
            return std::nullopt;
        case TypeKind::Table:
            if (v.kind != Kind::Table) return wrong();
            return std::nullopt;
        case TypeKind::List: {
            if (v.kind != Kind::List) return wrong();
            const auto* items = std::get_if<ast::ListExpr>(&e.kind);
            for (std::uint32_t i = 0; i < v.size; ++i) {
                bool written = items && items->items.size() == v.size;
                const ast::Expr& item = written ? items->items[i] : e;
                auto m = misfit(t->element, v.items[i], item, "an element of " + where);
                if (!m) continue;
                const auto* range = std::get_if<ast::Binary>(&item.kind);
                if (written && range && range->op == ast::BinaryOp::Range) {
                    // `[95907..95913, 95937]`: the range was meant as its codes.
                    std::vector<std::string> parts, loose;
                    for (const auto& x : items->items) {
                        const auto* b = std::get_if<ast::Binary>(&x.kind);
                        if (b && b->op == ast::BinaryOp::Range) {
                            if (!loose.empty())
                                parts.push_back(fmt::format("[{}]", fmt::join(loose, ", ")));
                            loose.clear();
                            parts.push_back("(" + source_text(x.span) + ")");
                        } else {
                            loose.push_back(source_text(x.span));
                        }
                    }
                    if (!loose.empty())
                        parts.push_back(fmt::format("[{}]", fmt::join(loose, ", ")));
                    m->help = fmt::format("a range is already a list: write `{}`",
                                          fmt::join(parts, " + "));
                }
                return m;
            }
            return std::nullopt;
        }
        case TypeKind::Record: {
            if (v.kind != Kind::Record) return wrong();
            const auto* record = std::get_if<ast::RecordExpr>(&e.kind);
            const Shape& expected = shapes[t->shape];
            if (v.size != t->shape) {
                const Shape& got = shapes[v.size];
                for (std::size_t i = 0; i < got.fields.size(); ++i) {
                    if (expected.field_index(got.fields[i]) >= 0) continue;
                    Misfit m{record && i < record->fields.size() ? record->fields[i].name.span
                                                                 : e.span,
                             fmt::format("{} has a field `{}`", where, got.fields[i])};
                    std::vector<std::string_view> names(expected.fields.begin(),
                                                        expected.fields.end());
                    if (auto guess = closest(got.fields[i], names))
                        m.help = fmt::format("did you mean `{}`?", *guess);
                    return m;
                }
                for (const auto& field : expected.fields)
                    if (got.field_index(field) < 0)
                        return Misfit{e.span, fmt::format("{} has no field `{}`", where, field)};
                return Misfit{e.span, fmt::format("{} writes its fields in another order", where),
                              fmt::format("write them in the order {{{}}}",
                                          fmt::join(expected.fields, ", "))};
            }
            for (std::size_t i = 0; i < expected.fields.size(); ++i) {
                const ast::Expr& field = record && record->fields.size() == expected.fields.size()
                                             ? record->fields[i].value
                                             : e;
                if (auto m = misfit(t->fields.at(i), v.items[i], field,
                                    fmt::format("field `{}` of {}", expected.fields[i], where)))
                    return m;
            }
            return std::nullopt;
        }
        default:
            return std::nullopt;
        }
    };
    auto m = misfit(want, row.value, *row.row->row->value, "this value");
    if (!m) return;
    tables_mistyped_.insert(table.decl->name.text);
    auto& d = error("check.table_value_type", m->span,
                    fmt::format("table `{}` holds {} values, but {}", table.decl->name.text,
                                type_name(want), m->what));
    d.help = m->help;
    if (row.row->layer != table.declared_by)
        d.notes.push_back(
            fmt::format("the rows `{}` writes hold {}", table.declared_by, type_name(want)));
}

namespace {

// "12/31/2025" (month, day, year, as US forms write a date) as "2025-12-31"; "" otherwise.
std::string iso_of_us_date(std::string_view text) {
    unsigned month = 0, day = 0, year = 0;
    char end = 0;
    std::string copy(text);
    if (std::sscanf(copy.c_str(), "%2u/%2u/%4u%c", &month, &day, &year, &end) != 3) return "";
    std::string iso = fmt::format("{:04}-{:02}-{:02}", year, month, day);
    return parse_date(iso) ? iso : "";
}

} // namespace

// A table read from a data file checks each cell by its column's type: a date as YYYY-MM-DD
// (or empty), a procedure code. A row written in a policy over it is held to the same: a
// payer's `deletion_date: "12/31/2025"` never compared as a date (its pair was never in
// force), and `column_1: "958860"` never matched a code.
void TableCompiler::check_columns(const MergedTable& table, const RowValue& row) {
    const auto& from = table.decl->rows_from;
    if (!from || from->value.empty()) return;
    const ast::Expr& written = *row.row->row->value;
    auto cell = [&](const ast::Column& column, const Value& v, const ast::Expr& e) {
        const std::string& type = column.type.text;
        // The file's cell is a whole number from 0: a payer's -1 was read as a limit below
        // any units ("at most -1 units a day") where the file's own -1 is refused.
        if (type == "number" && v.kind == Kind::Number && v.number < 0) {
            tables_mistyped_.insert(table.decl->name.text);
            auto& d = error("check.table_value_type", e.span,
                            fmt::format("`{}` is {}, not a whole number from 0: table `{}` reads "
                                        "column `{}` of `{}` as a number, and this row must "
                                        "hold the same",
                                        column.name.text, v.number, table.decl->name.text,
                                        column.name.text, from->path.text));
            d.help = "the file's numbers are written without a sign, from 0";
            return false;
        }
        if (v.kind != Kind::String) return true; // another kind: check_value says so
        std::string_view text = v.str();
        std::string want, help;
        if (type == "date" && !text.empty() && !parse_date(text)) {
            want = "a date as YYYY-MM-DD (or empty, for none)";
            std::string iso = iso_of_us_date(text);
            help = iso.empty() ? "write a date as YYYY-MM-DD, e.g. \"2025-12-31\""
                               : fmt::format("write it \"{}\"", iso);
        } else if (type == "code" && !is_procedure_code(text)) {
            want = "a procedure code";
            help = "a procedure code is five digits, four digits and F/T/U/M/A, or a letter and "
                   "four digits: 95860, 0766T, G0453";
        }
        if (want.empty()) return true;
        tables_mistyped_.insert(table.decl->name.text);
        auto& d = error("check.table_value_type", e.span,
                        fmt::format("`{}` is \"{}\", not {}: table `{}` reads column `{}` of `{}` "
                                    "as a {}, and this row must hold the same",
                                    column.name.text, text, want, table.decl->name.text,
                                    column.name.text, from->path.text, type));
        d.help = help;
        return false;
    };
    auto element = [&](const Value& v, const ast::Expr& e) {
        if (!from->record) return cell(from->value.front(), v, e);
        if (v.kind != Kind::Record) return true;
        const Shape& shape = p().shapes[v.size];
        const auto* record = std::get_if<ast::RecordExpr>(&e.kind);
        for (const ast::Column& column : from->value) {
            int i = shape.field_index(column.name.text);
            if (i < 0) continue;
            const ast::Expr* field = &e;
            if (record)
                for (const auto& f : record->fields)
                    if (f.name.text == column.name.text) field = &f.value;
            if (!cell(column, v.items[i], *field)) return false;
        }
        return true;
    };
    if (!from->grouped) {
        element(row.value, written);
        return;
    }
    if (row.value.kind != Kind::List) return;
    const auto* items = std::get_if<ast::ListExpr>(&written.kind);
    bool each_written = items && items->items.size() == row.value.size;
    for (std::uint32_t i = 0; i < row.value.size; ++i)
        if (!element(row.value.items[i], each_written ? items->items[i] : written)) return;
}

Typed TableCompiler::row_value(const ast::Expr& written) {
    Scope scope;
    scope.constant_only = true;
    Typed value = expr(written, scope);
    // What reads the case, a definition or a dated setting is an error already; a loop over
    // constants (`[x * 2 for x in [1, 2]]`) is a constant, computed here.
    if (value.node.op != Op::Const && !has_poisoned(value.node, poisoned)) {
        try {
            value = constant(evaluate_constant(p(), value.node), value.type, written.span);
        } catch (const EvalError& e) {
            constant_error(e);
            value = fail(written.span);
        }
    }
    return value;
}

void TableCompiler::tables() {
    for (const auto& t : merged_.tables) {
        auto data = std::make_unique<TableData>();
        data->name = t.decl->name.text;
        data->doc = t.doc();
        data->cite = t.cite() ? t.cite()->text : "";
        data->source = t.source;
        data->fixed_by = t.decl->fixed ? t.declared_by : t.fixed_by;
        data->described_by = t.described_by;
        KeyTypes keys = declared_keys(t);
        std::vector<RowValue> values;
        std::set<const ast::TableKey*> seen;      // each key as written is checked once
        std::vector<const MergedRow*> written_by; // of each row of data->rows
        // The declaring layer's values first: a record takes its fields' types from the first
        // record compiled with the same fields, which must be the declaration's own, not a
        // payer's restatement of its first row (whose mistake would be blamed on every row).
        std::vector<std::optional<Typed>> compiled(t.rows.size());
        for (bool own : {true, false})
            for (std::size_t i = 0; i < t.rows.size(); ++i)
                if ((t.rows[i].layer == t.declared_by) == own)
                    compiled[i] = row_value(*t.rows[i].row->value);
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            const MergedRow& merged_row = t.rows[i];
            const ast::TableRow& row = *merged_row.row;
            bool has_range = std::any_of(row.keys.begin(), row.keys.end(),
                                         [](const auto& k) { return k.range != Range::none; });
            if (has_range && row.keys.size() > 1)
                error("check.range_key_alone", row.span, "a range key must be the row's only key");
            Typed value = std::move(*compiled[i]);
            bool is_constant = value.node.op == Op::Const;
            TableRowData proto;
            proto.layer = merged_row.layer;
            proto.cite = row.cite                ? row.cite->text
                         : merged_row.block_cite ? merged_row.block_cite->text
                                                 : "";
            proto.from = row.effective.from ? row.effective.from->text : "";
            proto.until = row.effective.until ? row.effective.until->text : "";
            proto.value = value.node.constant;
            if (row.effective.dated()) data->dated = p().dated = true;
            TableRowData literals = proto;
            std::size_t first_row = data->rows.size();
            for (const MergedKey& k : merged_row.keys) {
                const ast::TableKey& key = *k.key;
                if (seen.insert(&key).second) {
                    check_key(t, keys, key, merged_row.layer);
                    key_warnings(key);
                }
                TableRowData one = proto;
                if (!k.code.empty()) { // a code of a range of codes is a row of its own
                    one.keys.push_back(string_with_letters(*p().constants, k.code));
                } else if (key.range == Range::numbers) {
                    one.is_range = true;
                    one.low = key.low;
                    one.high = key.high.value_or(std::numeric_limits<std::int64_t>::max());
                } else if (key.range == Range::strings) {
                    one.is_range = one.string_range = true;
                    one.keys.push_back(string_with_letters(*p().constants, key.low_text));
                    one.keys.push_back(string_with_letters(*p().constants, key.high_text));
                } else {
                    Scope key_scope;
                    key_scope.constant_only = true;
                    literals.keys.push_back(expr(*key.literal, key_scope).node.constant);
                    continue;
                }
                data->rows.push_back(std::move(one));
                written_by.push_back(&merged_row);
            }
            if (!literals.keys.empty()) {
                data->rows.push_back(std::move(literals));
                written_by.push_back(&merged_row);
            }
            if (const auto* read = p().settings_folded_at(row.value->span))
                for (std::size_t at = first_row; at < data->rows.size(); ++at)
                    p().row_settings[{data->name, static_cast<std::uint32_t>(at)}] = *read;
            values.push_back({&merged_row, value.node.constant, value.type,
                              is_constant && value.node.slot != poisoned});
        }
        for (const auto& [key, row, layer] : t.unmatched_removes) {
            if (key_kind(*key) != keys.kind && keys.kind != KeyKind::none)
                check_key(t, keys, *key, layer);
            else if (!in_string_range(*data, *key, row->span))
                error("check.unknown_row", row->span,
                      fmt::format("table `{}` has no row with this key to remove",
                                  t.decl->name.text));
        }
        warn_rows_never_applying(*data, written_by);
        rows_written_by_[data.get()] = written_by;
        removals_of_[data.get()] = t.removals;
        TypeP value_type = declared_value(t, values);
        if (value_type)
            for (const auto& v : values)
                if (v.ok) {
                    check_value(t, value_type, v);
                    check_columns(t, v);
                }
        data->index();
        TypeP key_type = keys.kind == KeyKind::number    ? number_type()
                         : keys.kind == KeyKind::boolean ? bool_type()
                         : keys.kind == KeyKind::text
                             ? (keys.words == "codes" ? code_type() : string_type())
                             : nullptr;
        table_types_[data->name] = table_of(value_type ? value_type : any_type(), key_type);
        table_index_[data->name] = static_cast<std::uint32_t>(p().tables.size());
        p().tables.push_back(std::move(data));
    }
}

// A string key to remove that a range of strings holds: the range has no string just before or
// after it to end a part at, so it is removed only whole (a range of numbers gives the key up,
// interpreter/load/rows.cpp). Said so, naming the range, in place of "no row".
bool TableCompiler::in_string_range(const TableData& data, const ast::TableKey& key, Span at) {
    if (!key.literal) return false;
    Scope key_scope;
    key_scope.constant_only = true;
    Value text = expr(*key.literal, key_scope).node.constant;
    if (text.kind != Kind::String) return false;
    for (const auto& row : data.rows) {
        if (!row.string_range || compare(row.keys[0], text) > 0 || compare(text, row.keys[1]) > 0)
            continue;
        auto& d = error("check.unknown_row", at,
                        fmt::format("`{}` is in `{}`'s range `{}` of table `{}`: a range of "
                                    "strings is removed only whole",
                                    to_text(text, p().shapes, true), row.layer, range_text(row),
                                    data.name));
        d.help = fmt::format("`remove {}` and write its keys that stay as rows of their own",
                             range_text(row));
        return true;
    }
    return false;
}

// Rows the policy being checked wrote that never apply (in_force.hpp): each key's versions, in
// the order the table's look-up takes the last, are compared; a range row only with the
// policy's own dates.
void TableCompiler::warn_rows_never_applying(const TableData& data,
                                             const std::vector<const MergedRow*>& written_by) {
    // A table the policy being checked did not write has nothing to report.
    const std::string& checked = merged_.layers.back();
    if (std::none_of(written_by.begin(), written_by.end(),
                     [&](const MergedRow* r) { return r->layer == checked; }))
        return;
    std::map<std::string, std::vector<std::size_t>> by_key;
    for (std::size_t i = 0; i < data.rows.size(); ++i) {
        const TableRowData& row = data.rows[i];
        if (row.is_range)
            by_key["range " + std::to_string(i)].push_back(i);
        else
            for (const Value& key : row.keys)
                by_key[to_text(key, p().shapes, true)].push_back(i);
    }
    std::set<std::size_t> warned;
    for (const auto& entry : by_key) {
        const std::vector<std::size_t>& rows = entry.second; // (a lambda below reads it)
        std::vector<Effective> dates;
        for (std::size_t i : rows)
            dates.push_back({data.rows[i].from, data.rows[i].until});
        auto shown = [&](std::size_t v) {
            const ast::TableRow& written = *written_by[rows[v]]->row;
            return fmt::format("the row `{}` (line {})", source_text(written.span),
                               line_of(written.span));
        };
        for (std::size_t v = 0; v < rows.size(); ++v) {
            const MergedRow& merged = *written_by[rows[v]];
            if (merged.layer != checked || warned.count(rows[v])) continue;
            if (auto never = never_applies(dates, v, p().service_dates)) {
                warned.insert(rows[v]);
                warning("check.never_applies", merged.row->span,
                        fmt::format("this row of `{}` never applies: {}", data.name,
                                    never->why(dates[v], p().service_dates, shown)))
                    .help = never->help();
            }
        }
    }
}

} // namespace cpl::check_detail
