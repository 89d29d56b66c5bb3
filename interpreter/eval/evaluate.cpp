// interpreter/eval/evaluate.cpp — walks a resolved Program over one case: rules, then edits
// over the claim the rules built. Expressions are evaluated by interpreter/program/expressions.
#include "interpreter/eval/evaluate.hpp"

#include "interpreter/program/expressions.hpp"
#include "runtime/schema.hpp"

#include <chrono>
#include <fmt/format.h>

namespace cpl {

namespace {

// Memory an Evaluator reuses from case to case (one per thread), so evaluating a case
// allocates nothing on the heap for its working state once warmed up.
struct Scratch {
    ExpressionScratch expressions;
    std::vector<std::string> trail;
    std::vector<std::uint8_t> let_cached;
    std::vector<Value> let_values;
};

std::string_view service_date(const Value& case_record) {
    return case_record.kind == Kind::Record ? case_record.items[case_field::date_of_service].str()
                                            : std::string_view{};
}

struct LineState {
    Line line;
    bool removed = false;
    int submitted = -1; // index of the submitted line it stands for, when reviewing
};

class Evaluator {
public:
    Evaluator(const Program& program, Arena& arena, Value case_record,
              const EvaluateOptions& options, Scratch& scratch)
        : program_(program), context_{arena,
                                      service_date(case_record).empty() ? today()
                                                                        : service_date(case_record),
                                      case_record},
          expr_(program, context_, scratch.expressions),
          date_assumed_(service_date(case_record).empty()),
          explain_(options.explain || !options.why_not.empty()), profile_(options.profile),
          coverage_(options.coverage), why_not_(options.why_not), trail_(scratch.trail),
          let_cached_(scratch.let_cached), let_values_(scratch.let_values) {
        if (coverage_) context_.rows_seen = &coverage_->rows;
        trail_.clear();
    }

    Result run() {
        Result result;
        result.policy = program_.name;
        result.layered = program_.layers.size() > 1;
        if (context_.case_record.kind == Kind::Record)
            result.case_id = context_.case_record.items[case_field::id].str();
        std::size_t index = 0;
        if (date_assumed_ && program_.dated && context_.case_record.kind == Kind::Record) {
            static const RuleCode as_of = [] {
                RuleCode r;
                r.name = "date_of_service";
                r.cite = "contract: a case without a date is evaluated as of today";
                return r;
            }();
            rule_ = &as_of;
            Edit e = make_edit("info", "");
            e.message = context_.arena.copy(
                fmt::format("the case has no date_of_service: evaluated as of {}", context_.date));
            edits_.push_back(std::move(e));
        }
        for (const auto& rule : program_.rules)
            timed(index++, [&] { run_rule(rule); });
        // With a submitted claim, what the study supports is what the rules built: the edits
        // are payment policy (caps, pairs, modifiers) and apply to the submitted claim.
        Value submitted = context_.case_record.kind == Kind::Record
                              ? context_.case_record.items[case_field::claim]
                              : Value{};
        if (submitted.kind == Kind::List && submitted.size > 0)
            review(result, submitted, index);
        else
            run_edits(index);
        for (auto& state : lines_)
            result.lines.push_back(std::move(state.line));
        result.edits = std::move(edits_);
        result.documentation = std::move(documentation_);
        if (!why_not_.empty()) result.why_not = why_not(result);
        return result;
    }

private:
    void run_edits(std::size_t first_index) {
        std::size_t index = first_index;
        for (const auto& edit : program_.edits) {
            timed(index++, [&] {
                // Rebuilt only when a line changed: most edits change nothing.
                if (claim_dirty_) {
                    context_.claim = claim_value();
                    claim_dirty_ = false;
                }
                if (!context_.reviewing) context_.supported = context_.claim;
                run_rule(edit);
                compact();
            });
        }
    }

    // Review (contract, section 3): the claim the study supports is what the rules built;
    // the edits then run over the submitted claim, with `supported` naming the former and
    // `reviewing` true, and every change is a verdict on a line.
    void review(Result& result, Value submitted, std::size_t first_index) {
        std::vector<Line> supported_lines;
        for (auto& state : lines_)
            supported_lines.push_back(std::move(state.line));
        context_.supported = claim_value_of(supported_lines);
        context_.reviewing = true;
        edits_.clear();
        lines_.clear();
        for (std::uint32_t i = 0; i < submitted.size; ++i) {
            const Value* fields = submitted.items[i].items;
            LineState state;
            state.line.code = fields[claim_line_field::code].str();
            state.line.units = fields[claim_line_field::units].number;
            for (const auto& m : fields[claim_line_field::modifiers].list())
                state.line.modifiers.push_back(m.str());
            state.line.rule = "submitted";
            state.submitted = static_cast<int>(i);
            ReviewLine verdict;
            verdict.code = state.line.code;
            verdict.units = state.line.units;
            verdict.modifiers = state.line.modifiers;
            result.review.push_back(std::move(verdict));
            lines_.push_back(std::move(state));
        }
        review_ = &result.review;
        claim_dirty_ = true;
        run_edits(first_index + 0);
        for (auto& verdict : result.review)
            verdict.status = verdict.status.empty() ? "accepted" : verdict.status;
        for (const auto& state : lines_) {
            ReviewLine& verdict = result.review[static_cast<std::size_t>(state.submitted)];
            verdict.units_allowed = state.line.units;
            if (verdict.status == "accepted" &&
                (state.line.units != verdict.units || state.line.modifiers != verdict.modifiers))
                verdict.status = "adjusted";
        }
        // A payable line is explained by the rule that supports its code.
        for (auto& state : lines_) {
            for (const auto& line : supported_lines) {
                if (line.code != state.line.code) continue;
                state.line.rule = line.rule;
                state.line.cite = line.cite;
                state.line.layer = line.layer;
                if (explain_) state.line.because = line.because;
                break;
            }
        }
        for (const auto& line : supported_lines) {
            bool billed =
                std::any_of(lines_.begin(), lines_.end(),
                            [&](const LineState& s) { return s.line.code == line.code; }) ||
                std::any_of(result.review.begin(), result.review.end(),
                            [&](const ReviewLine& r) { return r.code == line.code; });
            if (!billed) result.unbilled.push_back(line);
        }
        result.reviewed = true;
    }

    // Records a verdict reason against the submitted line `line` stands for.
    void note_reason(int line, std::string_view status, const Edit& edit) {
        if (!review_ || line < 0) return;
        int submitted = lines_[static_cast<std::size_t>(line)].submitted;
        if (submitted < 0) return;
        ReviewLine& verdict = (*review_)[static_cast<std::size_t>(submitted)];
        verdict.reasons.push_back({edit.rule, edit.message, edit.cite});
        if (status == "denied") verdict.status = "denied";
    }

    // --- coverage ---

    void mark_fired() {
        std::size_t index = rule_index_;
        if (coverage_->fired.size() <= index)
            coverage_->fired.resize(program_.rules.size() + program_.edits.size());
        if (index < coverage_->fired.size()) coverage_->fired[index] = true;
    }

    // --- why not ---

    // Whether a bill clause can produce `code`: the code itself, or a look-up in a table
    // one of whose values is the code.
    static bool may_bill(const ClauseCode& c, std::string_view code) {
        if (c.kind != ast::ClauseKind::Bill) return false;
        const Node& n = c.expr;
        if (n.op == Op::Const) return n.constant.kind == Kind::String && n.constant.str() == code;
        if (n.op == Op::Index && n.kids[0].op == Op::Const &&
            n.kids[0].constant.kind == Kind::Table)
            for (const auto& row : n.kids[0].constant.table->rows)
                if (row.value.kind == Kind::String && row.value.str() == code) return true;
        return false;
    }

    std::vector<std::string> why_not(const Result& result) {
        std::vector<std::string> out;
        for (const auto& code : why_not_) {
            bool billed = std::any_of(result.lines.begin(), result.lines.end(),
                                      [&](const Line& l) { return l.code == code; });
            if (billed) {
                out.push_back(fmt::format("{}: it is billed (see its line)", code));
                continue;
            }
            std::vector<std::string> reasons;
            for (const auto& e : result.edits)
                if (e.code == code && e.severity == "deny")
                    reasons.push_back(fmt::format("edit {} removed it: {}", e.rule, e.message));
            for (const auto& rule : program_.rules) {
                if (!std::any_of(rule.clauses.begin(), rule.clauses.end(),
                                 [&](const ClauseCode& c) { return may_bill(c, code); }))
                    continue;
                std::string name =
                    rule.doc.empty() ? rule.name : fmt::format("{} ({})", rule.name, rule.doc);
                if (!rule.effective.holds(context_.date)) {
                    reasons.push_back(
                        fmt::format("rule {} is not in effect on {}", name, context_.date));
                    continue;
                }
                auto stop = std::find_if(stops_.begin(), stops_.end(),
                                         [&](const auto& s) { return s.first == &rule; });
                if (stop != stops_.end())
                    reasons.push_back(
                        fmt::format("rule {} did not apply: {} does not hold", name, stop->second));
                else
                    reasons.push_back(fmt::format("rule {} applied but billed another code", name));
            }
            if (reasons.empty())
                reasons.push_back(fmt::format("no rule of policy {} bills it", program_.name));
            out.push_back(fmt::format("{}: {}", code, fmt::join(reasons, "; ")));
        }
        return out;
    }

    template <typename F> void timed(std::size_t index, F&& body) {
        rule_index_ = index;
        if (!profile_) return body();
        auto start = std::chrono::steady_clock::now();
        body();
        auto elapsed = std::chrono::steady_clock::now() - start;
        if (profile_->nanoseconds.size() <= index) profile_->nanoseconds.resize(index + 1);
        profile_->nanoseconds[index] += static_cast<double>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
    }

    // --- rules and edits ---

    void run_rule(const RuleCode& rule) {
        if (!rule.effective.holds(context_.date)) return;
        const RuleCode* winner = nullptr;
        for (const auto& exception : rule.exceptions) {
            if (!exception.effective.holds(context_.date) || !guard_holds(exception)) continue;
            if (!winner) {
                winner = &exception;
                continue;
            }
            // Two exceptions hold on this case: the first declared wins, and the claim says so.
            rule_ = &exception;
            Edit e = make_edit("warn", "");
            e.message = context_.arena.copy(fmt::format(
                "exceptions `{}` and `{}` to {} `{}` both apply; `{}` (declared first) decided",
                winner->name, exception.name, rule.kind == ast::RuleKind::Rule ? "rule" : "edit",
                rule.name, winner->name));
            edits_.push_back(std::move(e));
        }
        run_clauses(winner ? *winner : rule);
    }

    // An exception wins when the `let`/`when` clauses before its first action all hold.
    bool guard_holds(const RuleCode& rule) {
        bool holds = true;
        expr_.in_frame(rule.frame_size, [&] {
            for (const auto& clause : rule.clauses) {
                if (clause.kind == ast::ClauseKind::Let)
                    expr_.local(clause.slot) = expr_.eval(clause.expr);
                else if (clause.kind == ast::ClauseKind::When) {
                    if (!expr_.truth(clause.expr)) {
                        holds = false;
                        break;
                    }
                } else
                    break;
            }
            return Value{};
        });
        return holds;
    }

    Value invariant_let(std::size_t index, const ClauseCode& c) {
        if (let_cached_.size() <= index) {
            let_cached_.resize(index + 1, 0);
            let_values_.resize(index + 1);
        }
        if (!let_cached_[index]) {
            let_values_[index] = expr_.eval(c.expr);
            let_cached_[index] = 1;
        }
        return let_values_[index];
    }

    void run_clauses(const RuleCode& rule) {
        rule_ = &rule;
        trail_.clear();
        let_cached_.clear();
        expr_.in_frame(rule.frame_size, [&] {
            exec(rule, 0, -1);
            return Value{};
        });
    }

    void exec(const RuleCode& rule, std::size_t i, int line) {
        using K = ast::ClauseKind;
        for (; i < rule.clauses.size(); ++i) {
            const ClauseCode& c = rule.clauses[i];
            switch (c.kind) {
            case K::For: {
                Value list = expr_.expect_list(c.expr);
                for (std::uint32_t k = 0; k < list.size; ++k) {
                    if (c.over_claim && lines_[claim_map_[k]].removed) continue;
                    expr_.local(c.slot) = list.items[k];
                    std::size_t mark = trail_.size();
                    if (explain_)
                        trail_.push_back(
                            fmt::format("{}: {}", c.source, expr_.text(list.items[k])));
                    exec(rule, i + 1, c.over_claim ? static_cast<int>(claim_map_[k]) : line);
                    trail_.resize(mark);
                }
                return;
            }
            case K::Let:
                expr_.local(c.slot) = c.invariant ? invariant_let(i, c) : expr_.eval(c.expr);
                if (explain_)
                    trail_.push_back(
                        fmt::format("{} → {}", c.source, expr_.text(expr_.local(c.slot))));
                break;
            case K::When:
                if (!expr_.truth(c.expr)) {
                    if (explain_) stops_.emplace_back(rule_, explain_condition(c));
                    return;
                }
                if (explain_) trail_.push_back(explain_condition(c));
                break;
            case K::Bill:
                bill(c);
                break;
            case K::Cap:
                cap(c, line);
                break;
            case K::Deny:
                edit("deny", c, line, true);
                break;
            case K::Warn:
                edit("warn", c, line, false);
                break;
            case K::Info:
                edit("info", c, line, false);
                break;
            case K::Document:
                document(keep(expr_.eval(c.expr)));
                break;
            case K::AddModifier:
                add_modifier(c, line);
                break;
            case K::RemoveModifier:
                remove_modifier(c, line);
                break;
            case K::Because:
                // Plain words for the reader, computed only when someone asks why.
                if (explain_) trail_.push_back(expr_.text(expr_.eval(c.expr)));
                break;
            }
        }
    }

    // A condition as written, then the facts it rests on: each side of a comparison and
    // every definition it names, summarised for a reader.
    std::string explain_condition(const ClauseCode& c) {
        const Node& n = c.expr;
        std::vector<std::string> facts;
        switch (n.op) {
        case Op::Eq:
        case Op::Ne:
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::In:
        case Op::NotIn:
            if (n.kids[0].op != Op::Def)
                facts.push_back(
                    fmt::format("{} is {}", source_of(n.kids[0]), summary(expr_.eval(n.kids[0]))));
            if (n.kids[1].op != Op::Const && n.kids[1].op != Op::Def)
                facts.push_back(
                    fmt::format("{} is {}", source_of(n.kids[1]), summary(expr_.eval(n.kids[1]))));
            break;
        default:
            break;
        }
        std::vector<std::uint32_t> defs;
        collect_defs(n, defs);
        for (auto slot : defs)
            facts.push_back(
                fmt::format("{} is {}", program_.defs[slot].name, summary(expr_.def(slot))));
        std::string source = c.source.starts_with("when ") ? c.source.substr(5) : c.source;
        return facts.empty() ? source : fmt::format("{} ({})", source, fmt::join(facts, "; "));
    }

    static void collect_defs(const Node& n, std::vector<std::uint32_t>& out) {
        if (n.op == Op::Def && std::find(out.begin(), out.end(), n.slot) == out.end())
            out.push_back(n.slot);
        for (const auto& kid : n.kids)
            collect_defs(kid, out);
    }

    // Values as a coder names them: a limb by its name, a muscle by its name, a study by
    // nerve, type and side; long lists cut short.
    std::string summary(const Value& v) {
        if (v.kind == Kind::List) {
            std::vector<std::string> items;
            for (std::uint32_t i = 0; i < v.size && i < 8; ++i)
                items.push_back(summary(v.items[i]));
            if (v.size > 8) items.push_back(fmt::format("and {} more", v.size - 8));
            return fmt::format("[{}]", fmt::join(items, ", "));
        }
        if (v.kind != Kind::Record) return to_text(v, program_.shapes, false);
        switch (v.size) {
        case shape_extremity:
            return std::string(v.items[extremity_field::limb].str());
        case shape_muscle:
            return std::string(v.items[muscle_field::name].str());
        case shape_sided_muscle:
            return fmt::format("{} ({})", v.items[sided_muscle_field::name].str(),
                               v.items[sided_muscle_field::side].str());
        case shape_nerve_study:
            return fmt::format("{} {} {}", v.items[nerve_study_field::side].str(),
                               v.items[nerve_study_field::nerve].str(),
                               v.items[nerve_study_field::type].str());
        case shape_line:
        case shape_claim_line:
            return fmt::format("{} x{}", v.items[line_field::code].str(),
                               v.items[line_field::units].number);
        default:
            return to_text(v, program_.shapes, true);
        }
    }

    std::string source_of(const Node& n) {
        const std::string& all = program_.sources->get(n.span.file).text();
        if (n.span.end > all.size() || n.span.begin > n.span.end) return "";
        std::string_view s(all.data() + n.span.begin, n.span.end - n.span.begin);
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
            s.remove_suffix(1);
        return std::string(s);
    }

    std::string_view keep(const Value& v) {
        if (v.kind == Kind::String) return v.str();
        return context_.arena.copy(expr_.text(v));
    }

    void bill(const ClauseCode& c) {
        Value code = expr_.eval(c.expr);
        if (code.kind != Kind::String || code.size == 0)
            Expressions::fail(
                c.expr, "eval.type",
                fmt::format("a billed code must be a code, got {}", expr_.text(code)));
        std::int64_t units = c.units ? expr_.number(*c.units) : 1;
        if (units < 0)
            Expressions::fail(*c.units, "eval.negative_units",
                              fmt::format("units cannot be negative ({})", units));
        if (units == 0) return;
        std::vector<std::string_view> modifiers;
        if (c.modifiers) {
            Value list = expr_.expect_list(*c.modifiers);
            for (const auto& m : list.list())
                modifiers.push_back(keep(m));
        }
        for (auto& state : lines_) {
            if (state.line.code == code.str() && state.line.modifiers == modifiers) {
                claim_dirty_ = true;
                state.line.units += units;
                if (explain_) add_because(state.line.because);
                return;
            }
        }
        if (coverage_) mark_fired();
        LineState state;
        state.line.code = code.str();
        state.line.units = units;
        state.line.modifiers = std::move(modifiers);
        state.line.rule = rule_->name;
        state.line.cite = rule_->cite;
        state.line.layer = rule_->layer;
        state.line.replaces = rule_->replaces;
        if (explain_) add_because(state.line.because);
        lines_.push_back(std::move(state));
        claim_dirty_ = true;
    }

    void add_because(std::vector<std::string>& because) {
        if (!because.empty())
            because.push_back(fmt::format("and, by rule {}:", rule_->name));
        else if (!rule_->doc.empty())
            because.push_back(rule_->doc);
        because.insert(because.end(), trail_.begin(), trail_.end());
    }

    void cap(const ClauseCode& c, int line) {
        std::int64_t limit = expr_.number(c.expr);
        LineState& state = lines_[static_cast<std::size_t>(line)];
        if (state.line.units <= limit) return;
        std::int64_t removed = state.line.units - std::max<std::int64_t>(limit, 0);
        Edit e = make_edit("deny", state.line.code);
        // The edit's description says why there is a limit; the numbers say what it did.
        std::string_view why =
            rule_->doc.empty() ? std::string_view(rule_->name) : std::string_view(rule_->doc);
        e.message = context_.arena.copy(
            limit > 0
                ? fmt::format("{}: {} units of {} exceed the limit of {}; {} removed", why,
                              state.line.units, state.line.code, limit, removed)
                : fmt::format("{}: {} is not payable, the line is removed", why, state.line.code));
        note_reason(line, limit <= 0 ? "denied" : "adjusted", e);
        edits_.push_back(std::move(e));
        if (limit <= 0)
            state.removed = true;
        else
            state.line.units = limit;
        claim_dirty_ = true;
    }

    Edit make_edit(std::string_view severity, std::string_view code) {
        Edit e;
        e.severity = severity;
        e.rule = rule_->name;
        e.code = code;
        e.cite = rule_->cite;
        e.layer = rule_->layer;
        e.replaces = rule_->replaces;
        if (explain_) {
            if (!rule_->doc.empty()) e.because.push_back(rule_->doc);
            e.because.insert(e.because.end(), trail_.begin(), trail_.end());
        }
        if (coverage_) mark_fired();
        return e;
    }

    void edit(std::string_view severity, const ClauseCode& c, int line, bool removes_line) {
        std::string_view code =
            line >= 0 ? lines_[static_cast<std::size_t>(line)].line.code : std::string_view{};
        Edit e = make_edit(severity, code);
        e.message = keep(expr_.eval(c.expr));
        note_reason(line, removes_line ? "denied" : "accepted", e);
        edits_.push_back(std::move(e));
        if (removes_line && line >= 0) lines_[static_cast<std::size_t>(line)].removed = true;
    }

    void add_modifier(const ClauseCode& c, int line) {
        std::string_view modifier = keep(expr_.eval(c.expr));
        auto& modifiers = lines_[static_cast<std::size_t>(line)].line.modifiers;
        if (std::find(modifiers.begin(), modifiers.end(), modifier) != modifiers.end()) return;
        modifiers.push_back(modifier);
        claim_dirty_ = true;
        note_modifier_change(line, fmt::format("modifier {} added", modifier));
    }

    void remove_modifier(const ClauseCode& c, int line) {
        std::string_view modifier = keep(expr_.eval(c.expr));
        auto& modifiers = lines_[static_cast<std::size_t>(line)].line.modifiers;
        auto it = std::find(modifiers.begin(), modifiers.end(), modifier);
        if (it == modifiers.end()) return;
        modifiers.erase(it);
        claim_dirty_ = true;
        note_modifier_change(line, fmt::format("modifier {} removed", modifier));
    }

    // On review a changed modifier adjusts the submitted line: say so on the line and in edits.
    void note_modifier_change(int line, std::string message) {
        if (!review_) return;
        Edit e = make_edit("info", lines_[static_cast<std::size_t>(line)].line.code);
        e.message = context_.arena.copy(message);
        note_reason(line, "adjusted", e);
        edits_.push_back(std::move(e));
    }

    // `text` already lives in the program or the case arena (keep()): no copy is needed.
    void document(std::string_view text) {
        if (std::find(documentation_.begin(), documentation_.end(), text) == documentation_.end())
            documentation_.push_back(text);
    }

    // The claim as edits see it: one `line` record per live line.
    Value claim_value() {
        claim_map_.clear();
        line_ptrs_.clear();
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            claim_map_.push_back(static_cast<std::uint32_t>(i));
            line_ptrs_.push_back(&lines_[i].line);
        }
        return lines_value(line_ptrs_);
    }

    Value claim_value_of(const std::vector<Line>& source) {
        line_ptrs_.clear();
        for (const auto& line : source)
            line_ptrs_.push_back(&line);
        return lines_value(line_ptrs_);
    }

    Value lines_value(const std::vector<const Line*>& lines) {
        Value* out = context_.arena.make_array<Value>(lines.size());
        std::size_t n = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const Line& line = *lines[i];
            Value* fields = context_.arena.make_array<Value>(line_field::count);
            fields[line_field::code] = Value::of_string(line.code);
            fields[line_field::units] = Value::of_number(line.units);
            Value* modifiers = context_.arena.make_array<Value>(line.modifiers.size());
            for (std::size_t m = 0; m < line.modifiers.size(); ++m)
                modifiers[m] = Value::of_string(line.modifiers[m]);
            fields[line_field::modifiers] = Value::of_list(modifiers, line.modifiers.size());
            fields[line_field::rule] = Value::of_string(line.rule);
            fields[line_field::position] = Value::of_number(static_cast<std::int64_t>(n));
            out[n++] = Value::of_record(shape_line, fields);
        }
        return Value::of_list(out, n);
    }

    void compact() {
        if (std::erase_if(lines_, [](const LineState& s) { return s.removed; }) > 0)
            claim_dirty_ = true;
    }

    const Program& program_;
    ExpressionContext context_;
    Expressions expr_;
    bool date_assumed_;
    std::size_t rule_index_ = 0;
    std::vector<ReviewLine>* review_ = nullptr;
    bool explain_;
    RuleProfile* profile_;
    Coverage* coverage_;
    const std::vector<std::string>& why_not_;
    std::vector<std::pair<const RuleCode*, std::string>>
        stops_; // where each rule stopped, under explain
    const RuleCode* rule_ = nullptr;
    std::vector<std::string>& trail_;
    std::vector<std::uint8_t>& let_cached_; // invariant lets computed in this run of a rule
    std::vector<Value>& let_values_;
    std::vector<LineState> lines_;
    bool claim_dirty_ = true;
    std::vector<std::uint32_t> claim_map_;
    std::vector<const Line*> line_ptrs_;
    std::vector<Edit> edits_;
    std::vector<std::string_view> documentation_;
};

} // namespace

Result evaluate(const Program& program, const Value& case_record, Arena& arena,
                const EvaluateOptions& options) {
    thread_local Scratch scratch;
    return Evaluator(program, arena, case_record, options, scratch).run();
}

} // namespace cpl
