// interpreter/check/context.hpp — what every part of the checker shares: the merged policy
// being checked, the Program being built, the name indexes, and the scopes of locals.
// Private to interpreter/check/.
#pragma once

#include "interpreter/load/load.hpp"
#include "interpreter/program/program.hpp"
#include "lang/diagnostic.hpp"
#include "runtime/eval_error.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace cpl::check_detail {

// A value that is a field of a case record (`case.provider_role`, `line.code`), whose values
// the case schema bounds (check.impossible_value). `each`: the field of every record of a
// list (`limbs.limb`); `element`: one element of a list field (`m` of `for m in
// line.modifiers`).
struct CaseField {
    std::uint32_t shape;
    std::uint32_t index;
    bool each = false;
    bool element = false;
    bool date_from = false; // a date computed from the field's (`add_years(service_date, 1)`)
};

/// What the elements of `field` (a list, or the values of `each`) are, as a field.
inline std::optional<CaseField> element_of(const std::optional<CaseField>& field) {
    if (!field || field->element) return std::nullopt;
    return CaseField{field->shape, field->index, false, !field->each};
}

/// The constant values a local takes, when they are known before any case: a look-up by it
/// is judged by them (`for c in [95860, 95999]`, then `allowed[c]`).
struct Constants {
    std::optional<Value> value = std::nullopt;   // always this value (`let c = 95999`)
    std::optional<Value> each_of = std::nullopt; // each element of this list in turn
    // Of a list: each of its elements is one of these (`[95860, if c then 95999]`).
    std::optional<Value> elements = std::nullopt;
};

struct Local {
    std::string name;
    std::uint32_t slot;
    TypeP type;
    std::optional<CaseField> field = std::nullopt; // a loop variable over a case field's values
    // What is known of its value before any case: a `let` of a constant is that constant
    // (Constants::value), a loop over a constant list takes its elements (Constants::each_of).
    Constants constants = {};
    bool case_text = false;        // Typed::case_text of the value it was bound to
    bool elements_of_case = false; // Typed::elements_of_case of the list it was bound to
    bool size_of_case = false;     // Typed::size_of_case of the list it was bound to
};

struct Scope {
    std::vector<Local> locals;
    std::uint32_t next_slot = 0;
    std::uint32_t frame_size = 0;
    bool in_edit = false;
    bool constant_only = false; // table values: no case, no definitions
    bool requirement = false;   // a `require`: constant by design, so no check.constant_condition
    std::optional<std::uint32_t> line_slot; // the `for line in claim` variable, in edits

    std::uint32_t push(std::string name, TypeP type, std::optional<CaseField> field = std::nullopt,
                       Constants constants = {}, bool case_text = false) {
        std::uint32_t slot = next_slot++;
        frame_size = std::max(frame_size, next_slot);
        locals.push_back({std::move(name), slot, std::move(type), field, constants, case_text});
        return slot;
    }
    void pop() {
        locals.pop_back();
        --next_slot;
    }
};

struct Typed {
    Node node;
    TypeP type;
    // The value is a bool setting's, through `not`, `and`, `or`: a switch a payer flips by
    // restating the setting, so a condition made of it is not "constant"
    // (check.constant_condition).
    bool is_switch = false;
    // The value is a field of a case record (CaseField).
    using Field = CaseField;
    std::optional<Field> field = std::nullopt;
    // A text made from a case field's (`lower(m.name)`): it may be any text.
    bool case_text = false;
    // A list some of whose elements are a case's fields or texts made from them
    // (`[95860, line.code]`): a loop over it takes values the case chooses.
    bool elements_of_case = false;
    // A list whose length the case chooses, though its elements may be known constants
    // (`[category(d) for d in case.diagnoses]`): `join` or `count` of it may be anything.
    bool size_of_case = false;
    // A local whose values are known constants (Local::constants).
    Constants constants = {};
};

// `"{k}"`: the text of one value and nothing else, which is that value when it is a text.
inline bool is_text_of_one(const Node& n) {
    return n.op == Op::Interpolate && n.kids.size() == 1 && n.text.size() == 2 &&
           n.text[0].empty() && n.text[1].empty();
}

/// Whether `t` is a case's field or a text made from one: a value the case chooses.
inline bool of_case(const Typed& t) {
    return t.case_text || (t.field && !t.field->each);
}

/// Whether `t`'s value comes from the case in a way the checker does not enumerate: of_case,
/// a field of any kind (a list's: `count(case.diagnoses)`), a list holding a case's value, or
/// the case, the claim or the date of service themselves (values_of_case); or a list whose
/// length it chooses (`join` of it may be any text).
inline bool values_of_case(const Typed& t) {
    if (of_case(t) || t.field || t.elements_of_case) return true;
    Op op = t.node.op;
    return op == Op::CaseRoot || op == Op::Claim || op == Op::Supported || op == Op::ServiceDate;
}
inline bool depends_on_case(const Typed& t) {
    return values_of_case(t) || t.size_of_case;
}

/// The value `node` always has, known before any case: a constant, or a `let` of one
/// (`constants`, what the checker knows of it); null when the case decides.
inline const Value* known_value(const Node& node, const Constants& constants) {
    return node.op == Op::Const ? &node.constant : constants.value ? &*constants.value : nullptr;
}

/// What a loop over `source` takes (Constants::each_of), when `source` is a constant list.
inline Constants loop_constants(const Typed& source) {
    const Value* list = known_value(source.node, source.constants);
    if (list && list->kind == Kind::List) return {std::nullopt, *list};
    return {std::nullopt, source.constants.elements};
}

/// A loop's variable over `source`, of type `element`: the field each value is, the constants
/// it takes, whether the case chooses its values.
inline std::uint32_t push_element(Scope& scope, std::string name, TypeP element,
                                  const Typed& source) {
    return scope.push(std::move(name), std::move(element), element_of(source.field),
                      loop_constants(source), source.elements_of_case);
}

/// What a `let` of `value` is known to be: a constant, or what the local it copies is.
inline Constants let_constants(const Typed& value) {
    if (value.node.op == Op::Const && value.node.constant.kind != Kind::Table)
        return {value.node.constant, std::nullopt};
    return value.constants;
}

/// The dates both hold (an empty `from` or `until`: open on that side); none when
/// `from >= until`.
inline Effective overlap(const Effective& a, const Effective& b) {
    Effective out{std::max(a.from, b.from), a.until};
    if (out.until.empty() || (!b.until.empty() && b.until < out.until)) out.until = b.until;
    return out;
}

/// Whether `table` has a row for `key` on every date of service. Which rows hold changes only
/// at a row's `from` or `until`, so a dated table is asked at the first date and at each.
/// `in_force`: only the dates the look-up runs on (a rule `from "2026-01-01"` never asks a
/// row for an earlier date).
inline bool always_found(const TableData& table, const Value& key, const Effective& in_force = {}) {
    if (!table.find(key, in_force.from.empty() ? "0000-00-00" : in_force.from)) return false;
    if (!table.dated) return true;
    auto found_at = [&](const std::string& date) {
        return date.empty() || !in_force.holds(date) || table.find(key, date);
    };
    return std::all_of(table.rows.begin(), table.rows.end(), [&](const TableRowData& row) {
        return found_at(row.from) && found_at(row.until);
    });
}

/// A constant's values one by one: a list's elements, or the one value it is.
inline std::span<const Value> values_of(const Value& v) {
    return v.kind == Kind::List ? v.list() : std::span<const Value>(&v, 1);
}

/// A string literal's text, interpolations left out.
inline std::string plain(const ast::StringLit& s) {
    std::string out;
    for (const auto& part : s.parts)
        if (const auto* text = std::get_if<std::string>(&part)) out += *text;
    return out;
}

inline bool is_text(const TypeP& t) {
    return t->kind == TypeKind::String || t->kind == TypeKind::Code;
}
inline bool known(const TypeP& t) {
    return t->kind != TypeKind::Any;
}

class CheckContext {
public:
    CheckContext(const MergedPolicy& merged, Diagnostics& diagnostics)
        : merged_(merged), diagnostics_(diagnostics), program_(std::make_unique<Program>()) {}
    virtual ~CheckContext() = default;

protected:
    static Effective effective(const ast::Effective& e) {
        return {e.from ? e.from->text : "", e.until ? e.until->text : ""};
    }

    Program& p() { return *program_; }

    /// The dates of service the code being checked runs on: the policy's, and the rule's.
    Effective in_force() const { return overlap(in_force_, program_->service_dates); }
    Effective in_force_; // the rule's or edit's being checked (none: a definition's)

    Diagnostic& error(std::string code, Span span, std::string message) {
        return diagnostics_.error(std::move(code), span, std::move(message));
    }
    Diagnostic& warning(std::string code, Span span, std::string message) {
        return diagnostics_.warning(std::move(code), span, std::move(message));
    }

    /// ` from 2023-01-01 until 2024-01-01`, as a value's dates are written ("" when none).
    static std::string dates_written(const ast::Effective& e) {
        std::string out;
        if (e.from) out += " from " + e.from->text;
        if (e.until) out += " until " + e.until->text;
        return out;
    }

    /// `12000` → `12_000`: how a five-digit number is written so that it is not a code.
    static std::string digits_grouped(std::string_view digits) {
        std::string out;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0) out += '_';
            out += digits[i];
        }
        return out;
    }

    /// An error raised while computing a constant when the policy is checked: the budget's
    /// words ("the case needs more than …") name no case there.
    Diagnostic& constant_error(const EvalError& e) {
        std::string message = e.message;
        if (message.starts_with("the case needs "))
            message.replace(0, std::string_view("the case needs ").size(),
                            "computing it when the policy is checked needs ");
        return error(e.code, e.span, std::move(message));
    }

    /// `file:line:column` where `span` begins, as diagnostics name a place.
    std::string where(Span span) const {
        const SourceFile& file = merged_.sources->get(span.file);
        Location at = file.locate(span.begin);
        return fmt::format("{}:{}:{}", file.path(), at.line, at.column);
    }

    /// The line `span` begins on, in its file.
    std::size_t line_of(Span span) const {
        return merged_.sources->get(span.file).locate(span.begin).line;
    }

    /// The covered text of `span`, and `span` without the blanks and comments after it (the
    /// last expression of a declaration runs on to the next), so that a caret or a quote shows
    /// what was written.
    std::string_view covered(Span span) const {
        std::string_view text = merged_.sources->get(span.file).text();
        return std::string_view(text.data() + span.begin, span.end - span.begin);
    }
    Span as_written(Span span) const {
        span.end = span.begin + static_cast<std::uint32_t>(code_length(covered(span)));
        return span;
    }

    /// The text of `span` as written, without the blanks after it.
    std::string source_text(Span span) const {
        std::string_view out = covered(span);
        while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back())))
            out.remove_suffix(1);
        return std::string(out);
    }

    static std::string shape_key(const std::vector<std::string>& fields) {
        std::string key;
        for (const auto& f : fields)
            key += f + ",";
        return key;
    }

    std::string type_name(const TypeP& t) { return describe(t, p().shapes); }
    /// A record of shape `s` with its shape's field types (the case's, a claim line's, a
    /// declared type's): a record literal's type carries its own.
    TypeP shape_type(std::uint32_t s) { return record_of(s, p().shape_types.at(s)); }

    const MergedPolicy& merged_;
    Diagnostics& diagnostics_;
    std::unique_ptr<Program> program_;
    std::unordered_map<std::string, std::uint32_t> setting_index_, table_index_, def_index_,
        shape_ids_;
    std::unordered_map<std::string, TypeP> table_types_;
    // The merged row each row of a compiled table came from, to point at a key as written.
    std::unordered_map<const TableData*, std::vector<const MergedRow*>> rows_written_by_;
    // The `remove`s of each compiled table that took a row away.
    std::unordered_map<const TableData*, std::vector<MergedTable::Removal>> removals_of_;
    // Keys already reported as never found (check.impossible_value), once each, and the
    // tables whose keys were judged against a field (table, field's shape and index, its
    // elements meant, keys as prefixes), once each.
    std::set<std::pair<const TableData*, std::string>> keys_never_found_;
    std::set<std::tuple<const TableData*, std::uint32_t, std::uint32_t, bool, bool>> keys_judged_;
    std::vector<int> def_state_;
    std::vector<bool> def_switch_; // a definition whose value is a switch (see Typed)
    // A definition of no parameters whose value the case chooses (Typed::case_text of
    // `def dx_count = count(case.diagnoses)`), or a list whose elements it chooses
    // (Typed::elements_of_case of `def dx = case.diagnoses`), or whose length it chooses
    // (Typed::size_of_case).
    std::vector<bool> def_case_text_, def_elements_of_case_, def_size_of_case_;
    // What is known of a definition's value before any case (`if b then 95860 else 95999`),
    // whatever its arguments: its parameters have no known values inside its body.
    std::vector<Constants> def_constants_;
    std::vector<bool> setting_used_; // read by some expression (check.unused_setting)
    std::vector<bool> table_used_;   // read by some expression (check.unused_table)
    // By table: how often an expression names it, and how many of those are a look-up by a
    // text in lower case (`lower(n) in t`, `t[lower(n)]`, `row_key(t, lower(n))`), the first
    // of them kept: when every one is, a key with a capital letter is never found.
    std::vector<std::uint32_t> table_named_;
    struct LowerLookups {
        std::uint32_t count = 0;
        Span key;
    };
    std::unordered_map<const TableData*, LowerLookups> lower_lookups_;
    std::vector<bool> def_used_; // named by some expression (check.unused_definition)
    // A setting given a value of another type than its declaration's (check.setting_type):
    // a requirement reading it is not judged on that value, reported there already.
    std::set<std::uint32_t> settings_mistyped_;
    // The same of a table with a key or value of another type than the table's: by name.
    std::set<std::string, std::less<>> tables_mistyped_;
    // The sum after `..`, while it is compiled: a type error in it is likely the precedence
    // of `..` (`95907..95913 + [95937]` is `95907..(95913 + [95937])`).
    const ast::Expr* range_end_ = nullptr;
    const ast::Expr* range_start_ = nullptr;
};

} // namespace cpl::check_detail
