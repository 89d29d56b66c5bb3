// interpreter/eval/claim.cpp — the claim being built: billed lines (merged by code and
// modifiers), removed lines compacted away, and the claim as a value for edits to read.
#include "interpreter/case/case_schema.hpp"
#include "interpreter/eval/case_state.hpp"

#include <fmt/format.h>

namespace cpl {

namespace {

// One `line` record per line (`line_of` each element of `lines`), positions counted from 0.
template <typename Lines, typename LineOf>
Value lines_value(Arena& arena, const Lines& lines, LineOf line_of) {
    Value* out = arena.make_array<Value>(lines.size());
    std::size_t n = 0;
    for (const auto& element : lines) {
        const Line& line = line_of(element);
        Value* fields = arena.make_array<Value>(line_field::count);
        fields[line_field::code] = Value::of_string(line.code);
        fields[line_field::units] = Value::of_number(line.units);
        Value* modifiers = arena.make_array<Value>(line.modifiers.size());
        for (std::size_t m = 0; m < line.modifiers.size(); ++m)
            modifiers[m] = Value::of_string(line.modifiers[m]);
        fields[line_field::modifiers] = Value::of_list(modifiers, line.modifiers.size());
        fields[line_field::rule] = Value::of_string(line.rule);
        fields[line_field::position] = Value::of_number(static_cast<std::int64_t>(n));
        out[n++] = Value::of_record(shape_line, fields);
    }
    return Value::of_list(out, n);
}

} // namespace

// A line with the same code and the same modifiers as an existing one merges into it (the
// units add up: false, and the line unchanged, when they overflow); otherwise it is added at
// the end, in the name of the running rule.
bool add_line(CaseState& s, std::string_view code, std::int64_t units,
              std::vector<std::string_view> modifiers) {
    for (auto& state : s.lines) {
        if (state.line.code == code && state.line.modifiers == modifiers) {
            std::int64_t total = 0;
            if (__builtin_add_overflow(state.line.units, units, &total)) return false;
            state.line.units = total;
            s.claim_dirty = true;
            if (s.explain) add_because(s, state.line.because);
            return true;
        }
    }
    if (s.coverage) mark_fired(s);
    LineState state;
    state.line.code = code;
    state.line.units = units;
    state.line.modifiers = std::move(modifiers);
    state.line.rule = s.rule->name;
    state.line.cite = s.rule->cite;
    state.line.layer = s.rule->layer;
    state.line.replaces = s.rule->replaces;
    state.line.sources = &s.rule->sources;
    state.line.cited_by = s.rule;
    if (s.explain) add_because(s, state.line.because);
    s.lines.push_back(std::move(state));
    s.claim_dirty = true;
    return true;
}

// The claim as edits see it: one `line` record per live line.
Value claim_value(CaseState& s) {
    return lines_value(s.context.arena, s.lines,
                       [](const LineState& state) -> const Line& { return state.line; });
}

Value claim_value_of(CaseState& s, const std::vector<Line>& lines) {
    return lines_value(s.context.arena, lines,
                       [](const Line& line) -> const Line& { return line; });
}

void refuse_more_than_a_line(const Line& line) {
    if (line.units > case_schema::max_line_units)
        throw EvalError{"eval.impossible_line", line.cited_by ? line.cited_by->span : Span{},
                        fmt::format("{} units of {} after the edits (billed by `{}`): a claim line "
                                    "carries at most {}",
                                    line.units, line.code, line.rule, case_schema::max_line_units)};
}

void compact(CaseState& s) {
    if (std::erase_if(s.lines, [](const LineState& state) { return state.removed; }) > 0)
        s.claim_dirty = true;
}

} // namespace cpl
