// interpreter/eval/evaluate.cpp — walks a resolved Program over one case: definitions on
// demand (memoised), then rules, then edits over the claim the rules built.
// INVARIANT (slots resolved): names are slots; nothing here looks a name up by string,
// except fields of values whose type the checker could not know (DynamicMember).
#include "interpreter/eval/evaluate.hpp"

#include "runtime/schema.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <limits>

namespace cpl {

namespace {

constexpr std::int64_t max_range = 10'000;
constexpr std::uint32_t max_call_depth = 256;

// Memory an Evaluator reuses from case to case (one per thread), so evaluating a case
// allocates nothing on the heap for its working state once warmed up.
struct Scratch {
    std::vector<Value> locals;
    std::vector<Value> def_values;
    std::vector<std::uint8_t> def_done;
    std::vector<std::string> trail;
    std::vector<std::uint8_t> let_cached;
    std::vector<Value> let_values;

    // Results of function definitions by their arguments, for this case only: definitions
    // are pure, so `complete(limb)` asked by three rules is computed once. Direct-mapped:
    // a collision just recomputes.
    struct Memo {
        std::uint64_t generation = 0;
        std::uint32_t def = 0;
        std::uint32_t argc = 0;
        Value args[2];
        Value result;
    };
    static constexpr std::size_t memo_size = 512;
    std::vector<Memo> memo = std::vector<Memo>(memo_size);
    std::uint64_t generation = 0;
};

// Today's date (UTC) as YYYY-MM-DD; CPL_TODAY overrides it so tests are reproducible.
std::string_view today() {
    static const std::string value = [] {
        if (const char* fixed = std::getenv("CPL_TODAY")) return std::string(fixed);
        std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        char text[11];
        std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
        return std::string(text);
    }();
    return value;
}

bool same_value(const Value& a, const Value& b) {
    return a.kind == b.kind && a.size == b.size && a.number == b.number;
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
        : program_(program), arena_(arena), case_(case_record),
          explain_(options.explain || !options.why_not.empty()), profile_(options.profile),
          coverage_(options.coverage), why_not_(options.why_not), scratch_(scratch),
          locals_(scratch.locals), def_values_(scratch.def_values), def_done_(scratch.def_done),
          trail_(scratch.trail), let_cached_(scratch.let_cached), let_values_(scratch.let_values) {
        def_values_.resize(program.defs.size());
        def_done_.assign(program.defs.size(), 0);
        if (locals_.size() < program.max_frame + 64) locals_.resize(program.max_frame + 64);
        trail_.clear();
        ++scratch_.generation;
        if (case_.kind == Kind::Record) date_ = case_.items[case_field::date_of_service].str();
        if (date_.empty()) {
            date_ = today();
            date_assumed_ = true;
        }
    }

    Result run() {
        Result result;
        result.policy = program_.name;
        result.layered = program_.layers.size() > 1;
        if (case_.kind == Kind::Record) result.case_id = case_.items[case_field::id].str();
        std::size_t index = 0;
        if (date_assumed_ && program_.dated && case_.kind == Kind::Record) {
            static const RuleCode as_of = [] {
                RuleCode r;
                r.name = "date_of_service";
                r.cite = "contract: a case without a date is evaluated as of today";
                return r;
            }();
            rule_ = &as_of;
            Edit e = make_edit("info", "");
            e.message = arena_.copy(
                fmt::format("the case has no date_of_service: evaluated as of {}", date_));
            edits_.push_back(std::move(e));
        }
        for (const auto& rule : program_.rules)
            timed(index++, [&] { run_rule(rule); });
        // With a submitted claim, what the study supports is what the rules built: the edits
        // are payment policy (caps, pairs, modifiers) and apply to the submitted claim.
        Value submitted = case_.kind == Kind::Record ? case_.items[case_field::claim] : Value{};
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

    Value eval(const Node& n) {
        switch (n.op) {
        case Op::Const:
            return n.constant;
        case Op::Local:
            return locals_[frame_ + n.slot];
        case Op::Def:
            return def(n.slot, n.span);
        case Op::CallDef:
            return call_def(n);
        case Op::CaseRoot:
            return case_;
        case Op::Claim:
            return claim_;
        case Op::Supported:
            return supported_;
        case Op::Reviewing:
            return Value::of_bool(reviewing_);
        case Op::DatedSetting:
            return dated_setting(n);
        case Op::ServiceDate:
            return Value::of_string(date_);
        case Op::Member: {
            Value object = eval(n.kids[0]);
            if (object.kind != Kind::Record) fail(n, "eval.type", "expected a record here");
            return object.items[n.slot];
        }
        case Op::MapMember: {
            Value list = expect_list(n.kids[0]);
            Value* out = arena_.make_array<Value>(list.size);
            for (std::uint32_t i = 0; i < list.size; ++i)
                out[i] = list.items[i].items[n.slot];
            return Value::of_list(out, list.size);
        }
        case Op::DynamicMember:
            return dynamic_member(n, eval(n.kids[0]));
        case Op::Index:
            return index(n);
        case Op::Not:
            return Value::of_bool(!truth(n.kids[0]));
        case Op::Neg:
            return Value::of_number(checked(n, 0, number(n.kids[0]), Op::Sub));
        case Op::And:
            return Value::of_bool(truth(n.kids[0]) && truth(n.kids[1]));
        case Op::Or:
            return Value::of_bool(truth(n.kids[0]) || truth(n.kids[1]));
        case Op::Eq:
            return Value::of_bool(equal(eval(n.kids[0]), eval(n.kids[1]), program_.shapes));
        case Op::Ne:
            return Value::of_bool(!equal(eval(n.kids[0]), eval(n.kids[1]), program_.shapes));
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
            return ordering(n);
        case Op::In:
            return Value::of_bool(contains(n));
        case Op::NotIn:
            return Value::of_bool(!contains(n));
        case Op::Range:
            return range(n);
        case Op::Add:
            return add(n);
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod:
            return Value::of_number(checked(n, number(n.kids[0]), number(n.kids[1]), n.op));
        case Op::If:
            return truth(n.kids[0]) ? eval(n.kids[1]) : eval(n.kids[2]);
        case Op::List: {
            Value* out = arena_.make_array<Value>(n.kids.size());
            for (std::size_t i = 0; i < n.kids.size(); ++i)
                out[i] = eval(n.kids[i]);
            return Value::of_list(out, n.kids.size());
        }
        case Op::Comprehension:
            return comprehension(n);
        case Op::Record: {
            Value* out = arena_.make_array<Value>(n.kids.size());
            for (std::size_t i = 0; i < n.kids.size(); ++i)
                out[i] = eval(n.kids[i]);
            return Value::of_record(n.slot, out);
        }
        case Op::Builtin:
            return builtin(n);
        case Op::Interpolate:
            return interpolate(n);
        }
        return {};
    }

private:
    void run_edits(std::size_t first_index) {
        std::size_t index = first_index;
        for (const auto& edit : program_.edits) {
            timed(index++, [&] {
                // Rebuilt only when a line changed: most edits change nothing.
                if (claim_dirty_) {
                    claim_ = claim_value();
                    claim_dirty_ = false;
                }
                if (!reviewing_) supported_ = claim_;
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
        supported_ = claim_value_of(supported_lines);
        reviewing_ = true;
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

    void mark_row(const TableData* table, const TableRowData* row) {
        if (!coverage_ || !row) return;
        if (coverage_->rows.size() < program_.tables.size())
            coverage_->rows.resize(program_.tables.size());
        for (std::size_t t = 0; t < program_.tables.size(); ++t) {
            if (program_.tables[t].get() != table) continue;
            auto& rows = coverage_->rows[t];
            if (rows.size() < table->rows.size()) rows.resize(table->rows.size());
            rows[static_cast<std::size_t>(row - table->rows.data())] = true;
        }
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
                if (!rule.effective.holds(date_)) {
                    reasons.push_back(fmt::format("rule {} is not in effect on {}", name, date_));
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

    [[noreturn]] void fail(const Node& n, std::string code, std::string message) {
        throw EvalError{std::move(code), n.span, std::move(message)};
    }

    std::string text(const Value& v) { return to_text(v, program_.shapes); }

    bool truth(const Node& n) {
        Value v = eval(n);
        if (v.kind != Kind::Bool)
            fail(n, "eval.type", fmt::format("expected true or false, got {}", text(v)));
        return v.boolean;
    }

    std::int64_t number(const Node& n) {
        Value v = eval(n);
        if (v.kind != Kind::Number)
            fail(n, "eval.type", fmt::format("expected a number, got {}", text(v)));
        return v.number;
    }

    Value expect_list(const Node& n) {
        Value v = eval(n);
        if (v.kind != Kind::List)
            fail(n, "eval.type", fmt::format("expected a list, got {}", text(v)));
        return v;
    }

    std::int64_t checked(const Node& n, std::int64_t a, std::int64_t b, Op op) {
        std::int64_t out = 0;
        bool overflow = false;
        switch (op) {
        case Op::Sub:
            overflow = __builtin_sub_overflow(a, b, &out);
            break;
        case Op::Mul:
            overflow = __builtin_mul_overflow(a, b, &out);
            break;
        case Op::Div:
        case Op::Mod:
            if (b == 0) fail(n, "eval.division_by_zero", "division by zero");
            if (a == std::numeric_limits<std::int64_t>::min() && b == -1)
                overflow = true;
            else
                out = op == Op::Div ? a / b : a % b;
            break;
        default:
            overflow = __builtin_add_overflow(a, b, &out);
            break;
        }
        if (overflow) fail(n, "eval.overflow", "arithmetic overflow");
        return out;
    }

    Value def(std::uint32_t slot, Span at = {}) {
        if (def_done_[slot]) return def_values_[slot];
        const DefCode& d = program_.defs[slot];
        call_span_ = at;
        Value v = in_frame(d.frame_size, [&] { return eval(d.body); });
        def_values_[slot] = v;
        def_done_[slot] = 1;
        return v;
    }

    template <typename F>
    Value in_frame(std::uint32_t size, F&& body, const Value* args = nullptr,
                   std::uint32_t argc = 0) {
        if (++depth_ > max_call_depth)
            throw EvalError{
                "eval.too_deep", call_span_,
                fmt::format("definitions call each other more than {} deep", max_call_depth)};
        std::size_t base = top_;
        std::size_t need = base + std::max(size, argc);
        if (locals_.size() < need) locals_.resize(need * 2);
        for (std::uint32_t i = 0; i < argc; ++i)
            locals_[base + i] = args[i];
        std::size_t saved = frame_;
        frame_ = base;
        top_ = need;
        Value v = body();
        frame_ = saved;
        top_ = base;
        --depth_;
        return v;
    }

    Value call_def(const Node& n) {
        const DefCode& d = program_.defs[n.slot];
        call_span_ = n.span;
        std::uint32_t argc = static_cast<std::uint32_t>(n.kids.size());
        Value* args = arena_.make_array<Value>(argc);
        for (std::uint32_t i = 0; i < argc; ++i)
            args[i] = eval(n.kids[i]);
        if (argc > 2)
            return in_frame(
                d.frame_size, [&] { return eval(d.body); }, args, argc);
        std::size_t hash = n.slot * 0x9E3779B97F4A7C15ull;
        for (std::uint32_t i = 0; i < argc; ++i)
            hash ^= (static_cast<std::size_t>(args[i].number) + args[i].size +
                     static_cast<std::size_t>(args[i].kind)) *
                        0xC2B2AE3D27D4EB4Full +
                    (hash << 6);
        Scratch::Memo& memo = scratch_.memo[(hash >> 7) % Scratch::memo_size];
        if (memo.generation == scratch_.generation && memo.def == n.slot && memo.argc == argc &&
            (argc < 1 || same_value(memo.args[0], args[0])) &&
            (argc < 2 || same_value(memo.args[1], args[1])))
            return memo.result;
        Value result = in_frame(
            d.frame_size, [&] { return eval(d.body); }, args, argc);
        memo = {scratch_.generation,
                n.slot,
                argc,
                {argc > 0 ? args[0] : Value{}, argc > 1 ? args[1] : Value{}},
                result};
        return result;
    }

    Value dated_setting(const Node& n) {
        const SettingCode& setting = program_.settings[n.slot];
        for (auto it = setting.versions.rbegin(); it != setting.versions.rend(); ++it)
            if (it->effective.holds(date_)) return it->value;
        fail(n, "eval.no_setting_value",
             fmt::format("setting `{}` has no value for the date of service {}", setting.name,
                         date_));
    }

    Value dynamic_member(const Node& n, Value object) {
        const std::string& field = n.text[0];
        if (object.kind == Kind::List) {
            Value* out = arena_.make_array<Value>(object.size);
            for (std::uint32_t i = 0; i < object.size; ++i)
                out[i] = dynamic_member(n, object.items[i]);
            return Value::of_list(out, object.size);
        }
        if (object.kind != Kind::Record)
            fail(n, "eval.type", fmt::format("`.{}` needs a record, got {}", field, text(object)));
        int index = program_.shapes[object.size].field_index(field);
        if (index < 0)
            fail(n, "eval.unknown_field", fmt::format("{} has no field `{}`", text(object), field));
        return object.items[index];
    }

    // A table look-up on this case's date of service, recorded for coverage.
    const TableRowData* find_row(const TableData* table, const Value& key) {
        const TableRowData* row = table->find(key, date_);
        mark_row(table, row);
        return row;
    }

    Value index(const Node& n) {
        Value object = eval(n.kids[0]);
        Value key = eval(n.kids[1]);
        if (object.kind == Kind::Table) {
            const TableRowData* row = find_row(object.table, key);
            if (!row)
                fail(n, "eval.missing_key",
                     fmt::format("table `{}` has no row for {}", object.table->name,
                                 to_text(key, program_.shapes, true)));
            return row->value;
        }
        if (object.kind != Kind::List)
            fail(n, "eval.type",
                 fmt::format("`[…]` needs a list or a table, got {}", text(object)));
        if (key.kind != Kind::Number || key.number < 0 || key.number >= object.size)
            fail(n, "eval.index",
                 fmt::format("position {} is outside the list (it has {} elements; the first is 0)",
                             text(key), object.size));
        return object.items[key.number];
    }

    Value ordering(const Node& n) {
        Value a = eval(n.kids[0]);
        Value b = eval(n.kids[1]);
        if (a.kind != b.kind || (a.kind != Kind::Number && a.kind != Kind::String))
            fail(n, "eval.type", fmt::format("cannot compare {} with {}", text(a), text(b)));
        int c = compare(a, b);
        switch (n.op) {
        case Op::Lt:
            return Value::of_bool(c < 0);
        case Op::Le:
            return Value::of_bool(c <= 0);
        case Op::Gt:
            return Value::of_bool(c > 0);
        default:
            return Value::of_bool(c >= 0);
        }
    }

    bool contains(const Node& n) {
        Value item = eval(n.kids[0]);
        Value container = eval(n.kids[1]);
        if (container.kind == Kind::Table) return find_row(container.table, item) != nullptr;
        if (container.kind != Kind::List)
            fail(n, "eval.type",
                 fmt::format("`in` needs a list or a table, got {}", text(container)));
        for (const auto& v : container.list())
            if (equal(item, v, program_.shapes)) return true;
        return false;
    }

    // `a..b` over numbers, or over codes of the same length and all digits (95907..95913).
    Value range(const Node& n) {
        Value a = eval(n.kids[0]);
        Value b = eval(n.kids[1]);
        auto all_digits = [](std::string_view s) {
            return !s.empty() &&
                   std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        bool codes = a.kind == Kind::String && b.kind == Kind::String && a.size == b.size &&
                     all_digits(a.str()) && all_digits(b.str()) && a.size <= 9;
        if (!(a.kind == Kind::Number && b.kind == Kind::Number) && !codes)
            fail(n, "eval.range",
                 fmt::format("a range needs two numbers or two numeric codes, got {} and {}",
                             text(a), text(b)));
        std::int64_t low = codes ? std::stoll(std::string(a.str())) : a.number;
        std::int64_t high = codes ? std::stoll(std::string(b.str())) : b.number;
        if (high < low) return Value::of_list(nullptr, 0);
        if (high - low >= max_range)
            fail(n, "eval.range", fmt::format("the range has more than {} values", max_range));
        std::size_t count = static_cast<std::size_t>(high - low + 1);
        Value* out = arena_.make_array<Value>(count);
        for (std::size_t i = 0; i < count; ++i) {
            std::int64_t v = low + static_cast<std::int64_t>(i);
            out[i] = codes ? Value::of_string(arena_.copy(fmt::format("{:0{}}", v, a.size)))
                           : Value::of_number(v);
        }
        return Value::of_list(out, count);
    }

    Value add(const Node& n) {
        Value a = eval(n.kids[0]);
        Value b = eval(n.kids[1]);
        if (a.kind == Kind::Number && b.kind == Kind::Number)
            return Value::of_number(checked(n, a.number, b.number, Op::Add));
        if (a.kind == Kind::String && b.kind == Kind::String)
            return Value::of_string(arena_.copy(std::string(a.str()) + std::string(b.str())));
        if (a.kind == Kind::List && b.kind == Kind::List) {
            Value* out = arena_.make_array<Value>(a.size + b.size);
            std::copy(a.items, a.items + a.size, out);
            std::copy(b.items, b.items + b.size, out + a.size);
            return Value::of_list(out, a.size + b.size);
        }
        fail(n, "eval.type", fmt::format("`+` cannot combine {} and {}", text(a), text(b)));
    }

    Value comprehension(const Node& n) {
        Value source = expect_list(n.kids[0]);
        Value* out = arena_.make_array<Value>(source.size);
        std::size_t count = 0;
        for (const auto& item : source.list()) {
            locals_[frame_ + n.slot] = item;
            if (n.kids.size() > 2 && !truth(n.kids[2])) continue;
            out[count++] = eval(n.kids[1]);
        }
        return Value::of_list(out, count);
    }

    Value builtin(const Node& n) {
        Value args[8];
        std::size_t argc = std::min<std::size_t>(n.kids.size(), 8);
        for (std::size_t i = 0; i < argc; ++i)
            args[i] = eval(n.kids[i]);
        BuiltinContext ctx{arena_, program_.shapes, n.span, date_};
        return n.builtin->fn({args, argc}, ctx);
    }

    Value interpolate(const Node& n) {
        std::string out = n.text[0];
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
            out += text(eval(n.kids[i]));
            out += n.text[i + 1];
        }
        return Value::of_string(arena_.copy(out));
    }

    // --- rules and edits ---

    void run_rule(const RuleCode& rule) {
        if (!rule.effective.holds(date_)) return;
        const RuleCode* winner = nullptr;
        for (const auto& exception : rule.exceptions) {
            if (!exception.effective.holds(date_) || !guard_holds(exception)) continue;
            if (!winner) {
                winner = &exception;
                continue;
            }
            // Two exceptions hold on this case: the first declared wins, and the claim says so.
            rule_ = &exception;
            Edit e = make_edit("warn", "");
            e.message = arena_.copy(fmt::format(
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
        in_frame(rule.frame_size, [&] {
            for (const auto& clause : rule.clauses) {
                if (clause.kind == ast::ClauseKind::Let)
                    locals_[frame_ + clause.slot] = eval(clause.expr);
                else if (clause.kind == ast::ClauseKind::When) {
                    if (!truth(clause.expr)) {
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
            let_values_[index] = eval(c.expr);
            let_cached_[index] = 1;
        }
        return let_values_[index];
    }

    void run_clauses(const RuleCode& rule) {
        rule_ = &rule;
        trail_.clear();
        let_cached_.clear();
        in_frame(rule.frame_size, [&] {
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
                Value list = expect_list(c.expr);
                for (std::uint32_t k = 0; k < list.size; ++k) {
                    if (c.over_claim && lines_[claim_map_[k]].removed) continue;
                    locals_[frame_ + c.slot] = list.items[k];
                    std::size_t mark = trail_.size();
                    if (explain_)
                        trail_.push_back(fmt::format("{}: {}", c.source, text(list.items[k])));
                    exec(rule, i + 1, c.over_claim ? static_cast<int>(claim_map_[k]) : line);
                    trail_.resize(mark);
                }
                return;
            }
            case K::Let:
                locals_[frame_ + c.slot] = c.invariant ? invariant_let(i, c) : eval(c.expr);
                if (explain_)
                    trail_.push_back(
                        fmt::format("{} → {}", c.source, text(locals_[frame_ + c.slot])));
                break;
            case K::When:
                if (!truth(c.expr)) {
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
                document(keep(eval(c.expr)));
                break;
            case K::AddModifier:
                add_modifier(c, line);
                break;
            case K::RemoveModifier:
                remove_modifier(c, line);
                break;
            case K::Because:
                // Plain words for the reader, computed only when someone asks why.
                if (explain_) trail_.push_back(text(eval(c.expr)));
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
                    fmt::format("{} is {}", source_of(n.kids[0]), summary(eval(n.kids[0]))));
            if (n.kids[1].op != Op::Const && n.kids[1].op != Op::Def)
                facts.push_back(
                    fmt::format("{} is {}", source_of(n.kids[1]), summary(eval(n.kids[1]))));
            break;
        default:
            break;
        }
        std::vector<std::uint32_t> defs;
        collect_defs(n, defs);
        for (auto slot : defs)
            facts.push_back(fmt::format("{} is {}", program_.defs[slot].name, summary(def(slot))));
        std::string source = c.source.starts_with("when ") ? c.source.substr(5) : c.source;
        return facts.empty() ? source : fmt::format("{} ({})", source, fmt::join(facts, "; "));
    }

    static void collect_defs(const Node& n, std::vector<std::uint32_t>& out) {
        if (n.op == Op::Def && std::find(out.begin(), out.end(), n.slot) == out.end())
            out.push_back(n.slot);
        for (const auto& kid : n.kids)
            collect_defs(kid, out);
    }

    // Values as a coder names them: a claim line by code and units, a case record by its
    // shape's label in the case schema (a limb by its name, a study by side, nerve and
    // type); long lists cut short.
    std::string summary(const Value& v) {
        if (v.kind == Kind::List) {
            std::vector<std::string> items;
            for (std::uint32_t i = 0; i < v.size && i < 8; ++i)
                items.push_back(summary(v.items[i]));
            if (v.size > 8) items.push_back(fmt::format("and {} more", v.size - 8));
            return fmt::format("[{}]", fmt::join(items, ", "));
        }
        if (v.kind != Kind::Record) return to_text(v, program_.shapes, false);
        if (v.size == shape_line)
            return fmt::format("{} x{}", v.items[line_field::code].str(),
                               v.items[line_field::units].number);
        if (auto label = record_label(v)) return *label;
        return to_text(v, program_.shapes, true);
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
        return arena_.copy(text(v));
    }

    void bill(const ClauseCode& c) {
        Value code = eval(c.expr);
        if (code.kind != Kind::String || code.size == 0)
            fail(c.expr, "eval.type",
                 fmt::format("a billed code must be a code, got {}", text(code)));
        std::int64_t units = c.units ? number(*c.units) : 1;
        if (units < 0)
            fail(*c.units, "eval.negative_units",
                 fmt::format("units cannot be negative ({})", units));
        if (units == 0) return;
        std::vector<std::string_view> modifiers;
        if (c.modifiers) {
            Value list = expect_list(*c.modifiers);
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
        std::int64_t limit = number(c.expr);
        LineState& state = lines_[static_cast<std::size_t>(line)];
        if (state.line.units <= limit) return;
        std::int64_t removed = state.line.units - std::max<std::int64_t>(limit, 0);
        Edit e = make_edit("deny", state.line.code);
        // The edit's description says why there is a limit; the numbers say what it did.
        std::string_view why =
            rule_->doc.empty() ? std::string_view(rule_->name) : std::string_view(rule_->doc);
        e.message = arena_.copy(
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
        e.message = keep(eval(c.expr));
        note_reason(line, removes_line ? "denied" : "accepted", e);
        edits_.push_back(std::move(e));
        if (removes_line && line >= 0) lines_[static_cast<std::size_t>(line)].removed = true;
    }

    void add_modifier(const ClauseCode& c, int line) {
        std::string_view modifier = keep(eval(c.expr));
        auto& modifiers = lines_[static_cast<std::size_t>(line)].line.modifiers;
        if (std::find(modifiers.begin(), modifiers.end(), modifier) != modifiers.end()) return;
        modifiers.push_back(modifier);
        claim_dirty_ = true;
        note_modifier_change(line, fmt::format("modifier {} added", modifier));
    }

    void remove_modifier(const ClauseCode& c, int line) {
        std::string_view modifier = keep(eval(c.expr));
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
        e.message = arena_.copy(message);
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
        Value* out = arena_.make_array<Value>(lines.size());
        std::size_t n = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const Line& line = *lines[i];
            Value* fields = arena_.make_array<Value>(line_field::count);
            fields[line_field::code] = Value::of_string(line.code);
            fields[line_field::units] = Value::of_number(line.units);
            Value* modifiers = arena_.make_array<Value>(line.modifiers.size());
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
    Arena& arena_;
    Value case_;
    Value claim_;
    bool claim_dirty_ = true;
    Span call_span_; // the definition reference being evaluated, for eval.too_deep
    std::size_t rule_index_ = 0;
    std::string_view date_;
    bool date_assumed_ = false;
    Value supported_;
    bool reviewing_ = false;
    std::vector<ReviewLine>* review_ = nullptr;
    bool explain_;
    RuleProfile* profile_;
    Coverage* coverage_;
    const std::vector<std::string>& why_not_;
    std::vector<std::pair<const RuleCode*, std::string>>
        stops_; // where each rule stopped, under explain
    Scratch& scratch_;
    std::vector<Value>& locals_;
    std::size_t frame_ = 0;
    std::size_t top_ = 0;
    std::uint32_t depth_ = 0;
    std::vector<Value>& def_values_;
    std::vector<std::uint8_t>& def_done_;
    const RuleCode* rule_ = nullptr;
    std::vector<std::string>& trail_;
    std::vector<std::uint8_t>& let_cached_; // invariant lets computed in this run of a rule
    std::vector<Value>& let_values_;
    std::vector<LineState> lines_;
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

Value evaluate_constant(const Program& program, const Node& node) {
    Scratch scratch;
    static const EvaluateOptions none;
    Evaluator evaluator(program, *program.constants, Value{}, none, scratch);
    return evaluator.eval(node);
}

} // namespace cpl
