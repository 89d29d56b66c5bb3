// interpreter/program/expressions.cpp — evaluating one expression over one case; also
// folds constants for the checker (evaluate_constant).
#include "interpreter/program/expressions.hpp"

#include "interpreter/program/reads.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <limits>

namespace cpl {

namespace {

constexpr std::int64_t max_range = 10'000;

bool same_value(const Value& a, const Value& b) {
    return a.kind == b.kind && a.size == b.size && a.number == b.number;
}

[[gnu::always_inline]] inline std::size_t memo_hash(std::uint32_t def, const Value* args,
                                                    std::uint32_t argc) {
    std::size_t hash = def * 0x9E3779B97F4A7C15ull;
    for (std::uint32_t i = 0; i < argc; ++i)
        hash ^= (static_cast<std::size_t>(args[i].number) + args[i].size +
                 static_cast<std::size_t>(args[i].kind)) *
                    0xC2B2AE3D27D4EB4Full +
                (hash << 6);
    // Mixed so that linear probing finds short runs: the arguments' pointers share high bits.
    hash ^= hash >> 29;
    hash *= 0xBF58476D1CE4E5B9ull;
    return hash ^ (hash >> 32);
}

} // namespace

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

Expressions::Expressions(const Program& program, ExpressionContext& context,
                         ExpressionScratch& scratch)
    : program_(program), context_(context), scratch_(scratch),
      own_budget_(Budget::current() ? nullptr : std::make_unique<Budget>()),
      budget_(Budget::current()), calls_{context.arena, program.shapes, {}},
      costs_(context.definition_costs) {
    scratch_.def_values.resize(program.defs.size());
    scratch_.def_done.assign(program.defs.size(), 0);
    if (scratch_.locals.size() < program.max_frame + 64)
        scratch_.locals.resize(program.max_frame + 64);
    // The outermost frame (a constant folded at check time has no other) starts at 0.
    frame_locals_ = scratch_.locals.data();
    ++scratch_.generation;
    scratch_.memo_used = 0;
    scratch_.text.clear(); // what an interpolation left when the case before failed inside it
}

void Expressions::fail(const Node& n, std::string code, std::string message) {
    throw EvalError{std::move(code), n.span, std::move(message)};
}

void Expressions::wrong_kind(const Node& n, std::string_view expected, const Value& got) const {
    fail(n, "eval.type", fmt::format("expected {}, got {}", expected, text(got)));
}

void Expressions::too_deep(const Node& at) const {
    too_deep(at.span);
}

void Expressions::too_deep(Span at) const {
    throw EvalError{
        "eval.too_deep", at,
        fmt::format("definitions and expressions nest more than {} deep here", max_eval_depth)};
}

std::string Expressions::text(const Value& v) const {
    return to_text(v, program_.shapes);
}

std::int64_t Expressions::checked(const Node& n, std::int64_t a, std::int64_t b, Op op) {
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

Value Expressions::def(std::uint32_t slot, Span at) {
    auto* used = context_.rows_used;
    if (scratch_.def_done[slot]) {
        // The rows it looked up count for whoever reads it now, too.
        if (used && slot < scratch_.def_rows.size())
            used->insert(used->end(), scratch_.def_rows[slot].begin(),
                         scratch_.def_rows[slot].end());
        return scratch_.def_values[slot];
    }
    call_at_ = at;
    std::size_t first = used ? used->size() : 0;
    Value v = run_body(slot);
    scratch_.def_values[slot] = v;
    scratch_.def_done[slot] = 1;
    if (used) {
        if (scratch_.def_rows.size() < program_.defs.size())
            scratch_.def_rows.resize(program_.defs.size());
        scratch_.def_rows[slot].assign(used->begin() + static_cast<std::ptrdiff_t>(first),
                                       used->end());
    }
    return v;
}

// A call of one or two arguments, from the memo when this case made it before. Under
// --explain a call is computed again rather than remembered, so that the rows it looks up are
// recorded for each rule that asks.
[[gnu::always_inline]] inline Value Expressions::remembered(const Node& n, const Value* args,
                                                            std::uint32_t argc) {
    // Set here, after the arguments (calls among them set it too) and only when the body runs.
    if (context_.rows_used) {
        call_at_ = n.span;
        return run_body(n.slot, args, argc);
    }
    std::size_t hash = memo_hash(n.slot, args, argc);
    ExpressionScratch::Memo* memo = memo_slot(n.slot, args, argc, hash);
    if (memo->generation == scratch_.generation) return memo->result;
    std::size_t size = scratch_.memo.size();
    call_at_ = n.span;
    Value result = run_body(n.slot, args, argc);
    if (scratch_.memo_used + 1 > scratch_.memo.size() / 2) grow_memo();
    // The definitions the body called may have taken the slot, or grown the table.
    if (scratch_.memo.size() != size || memo->generation == scratch_.generation)
        memo = memo_slot(n.slot, args, argc, hash);
    ++scratch_.memo_used;
    // Only what a later look-up compares: the argument slots past argc are never read.
    memo->generation = scratch_.generation;
    memo->def = n.slot;
    memo->argc = argc;
    for (std::uint32_t i = 0; i < argc; ++i)
        memo->args[i] = args[i];
    memo->result = result;
    return result;
}

// Any number of arguments: a call of three or more (never remembered), or one link() has not
// reached.
Value Expressions::call_def(const Node& n) {
    std::uint32_t argc = static_cast<std::uint32_t>(n.kids.size());
    // The arguments live here until the frame takes them (the case's arena kept every call's).
    union Small {
        Value values[8];
        Small() {}
    } small;
    Value* args = argc <= 8 ? small.values : context_.arena.make_array<Value>(argc);
    for (std::uint32_t i = 0; i < argc; ++i)
        new (&args[i]) Value(run(n.kids[i]));
    if (argc > 2) {
        call_at_ = n.span; // as in remembered: set when the body runs, after the arguments
        return run_body(n.slot, args, argc);
    }
    return remembered(n, args, argc);
}

// Most calls have one or two arguments: their number known, the memo's hash and probe are
// compiled for it, with no loop over them.
template <std::uint32_t N> Value Expressions::call_def_of(const Node& n) {
    Value args[N];
    for (std::uint32_t i = 0; i < N; ++i)
        args[i] = run(n.kids[i]);
    return remembered(n, args, N);
}
template Value Expressions::call_def_of<1>(const Node& n);
template Value Expressions::call_def_of<2>(const Node& n);

// A body run timed and its steps counted, with what the definitions it computed spent taken
// from its own (a definition asked inside another is the inner one's cost). Out of line: only
// `cpl bench --profile` comes here.
[[gnu::noinline]] Value Expressions::costed_body(std::uint32_t slot, const Value* args,
                                                 std::uint32_t argc) {
    std::vector<DefinitionCosts::Cost>& costs = costs_->defs;
    if (costs.size() < program_.defs.size()) costs.resize(program_.defs.size());
    Spent outer = inner_spent_;
    inner_spent_ = {};
    std::uint64_t steps = budget_->steps_spent();
    auto start = std::chrono::steady_clock::now();
    Value v;
    try {
        v = body_in_frame(program_.defs[slot], args, argc);
    } catch (...) {
        // This call is not counted; the calls inside it that finished were. The case may
        // still go on (a `because` that cannot be worded is explained as such).
        inner_spent_ = outer;
        throw;
    }
    double ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    std::uint64_t spent = budget_->steps_spent() - steps;
    DefinitionCosts::Cost& cost = costs[slot];
    ++cost.computed;
    cost.total_ns += ns;
    cost.own_ns += ns - inner_spent_.ns;
    cost.total_steps += spent;
    cost.own_steps += spent - inner_spent_.steps;
    inner_spent_ = {outer.ns + ns, outer.steps + spent};
    return v;
}

// The entry of this case for the call, or the empty slot where it goes.
inline ExpressionScratch::Memo* Expressions::memo_slot(std::uint32_t def, const Value* args,
                                                       std::uint32_t argc, std::size_t hash) {
    if (scratch_.memo.empty()) scratch_.memo.resize(ExpressionScratch::memo_first_size);
    std::size_t mask = scratch_.memo.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        ExpressionScratch::Memo& m = scratch_.memo[i];
        if (m.generation != scratch_.generation) return &m;
        if (m.def == def && m.argc == argc && (argc < 1 || same_value(m.args[0], args[0])) &&
            (argc < 2 || same_value(m.args[1], args[1])))
            return &m;
    }
}

void Expressions::grow_memo() {
    std::vector<ExpressionScratch::Memo> old(scratch_.memo.size() * 2);
    old.swap(scratch_.memo);
    for (const auto& m : old) {
        if (m.generation != scratch_.generation) continue;
        *memo_slot(m.def, m.args, m.argc, memo_hash(m.def, m.args, m.argc)) = m;
    }
}

Value Expressions::dated_setting(const Node& n) {
    const SettingCode& setting = program_.settings[n.slot];
    if (const SettingVersionCode* version = version_on(setting, context_.date))
        return version->value;
    fail(n, "eval.no_setting_value",
         fmt::format("setting `{}` has no value for the date of service {}", setting.name,
                     context_.date));
}

Value Expressions::dynamic_member(const Node& n, Value object) {
    const std::string& field = n.text[0];
    if (object.kind == Kind::List) {
        budget_->step(object.size);
        Value* out = context_.arena.make_array<Value>(object.size);
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
const TableRowData* Expressions::find_row(const TableData* table, const Value& key) {
    const TableRowData* row = table->find(key, context_.date);
    if (context_.rows_seen && row) mark_seen(*table, *row);
    return row;
}

void Expressions::mark_seen(const TableData& table, const TableRowData& row) {
    auto& seen = *context_.rows_seen;
    if (seen.size() < program_.tables.size()) seen.resize(program_.tables.size());
    for (std::size_t t = 0; t < program_.tables.size(); ++t) {
        if (program_.tables[t].get() != &table) continue;
        auto& rows = seen[t];
        if (rows.size() < table.rows.size()) rows.resize(table.rows.size());
        rows[static_cast<std::size_t>(&row - table.rows.data())] = true;
    }
}

// A row a built-in returned (`prefix_rows`): looked up, for coverage, and its value read, as
// `t[key]`'s is, for an explanation.
void Expressions::row_returned(const TableData& table, const TableRowData& row) {
    if (context_.rows_seen) mark_seen(table, row);
    if (context_.rows_used) context_.rows_used->push_back(&row);
}

Value Expressions::row_value(const Node& n, const TableData* table, const Value& key) {
    const TableRowData* row = find_row(table, key);
    // A value read, not a key tested with `in`: the explanation rests on it.
    if (context_.rows_used && row) context_.rows_used->push_back(row);
    if (!row)
        fail(n, "eval.missing_key",
             fmt::format("table `{}` has no row for {}", table->name,
                         to_text(key, program_.shapes, true)));
    return row->value;
}

Value Expressions::index(const Node& n) {
    Value object = run(n.kids[0]);
    Value key = run(n.kids[1]);
    if (object.kind == Kind::Table) return row_value(n, object.table, key);
    if (object.kind != Kind::List)
        fail(n, "eval.type", fmt::format("`[…]` needs a list or a table, got {}", text(object)));
    if (key.kind != Kind::Number || key.number < 0 || key.number >= object.size)
        fail(n, "eval.index",
             fmt::format("position {} is outside the list (it has {} element{}; the first is 0)",
                         text(key), object.size, object.size == 1 ? "" : "s"));
    return object.items[key.number];
}

Value Expressions::ordered(const Node& n, const Value& a, const Value& b) const {
    if (a.kind != b.kind || (a.kind != Kind::Number && a.kind != Kind::String))
        fail(n, "eval.type", fmt::format("cannot compare {} with {}", text(a), text(b)));
    return Value::of_bool(order_holds(n.op, compare(a, b)));
}

bool Expressions::contains(const Node& n, const Value& item, const Value& container) {
    if (container.kind == Kind::Table) return find_row(container.table, item) != nullptr;
    if (container.kind != Kind::List)
        fail(n, "eval.type", fmt::format("`in` needs a list or a table, got {}", text(container)));
    budget_->step(container.size);
    for (const auto& v : container.list())
        if (equal(item, v, program_.shapes)) return true;
    return false;
}

// `a..b` over numbers, or over codes of the same length and all digits (95907..95913).
Value Expressions::range(const Node& n) {
    Value a = run(n.kids[0]);
    Value b = run(n.kids[1]);
    auto all_digits = [](std::string_view s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    bool codes = a.kind == Kind::String && b.kind == Kind::String && a.size == b.size &&
                 all_digits(a.str()) && all_digits(b.str()) && a.size <= 9;
    if (!(a.kind == Kind::Number && b.kind == Kind::Number) && !codes)
        fail(n, "eval.range",
             fmt::format("a range needs two numbers or two numeric codes, got {} and {}", text(a),
                         text(b)));
    std::int64_t low = codes ? std::stoll(std::string(a.str())) : a.number;
    std::int64_t high = codes ? std::stoll(std::string(b.str())) : b.number;
    if (high < low) return Value::of_list(nullptr, 0);
    if (high - low >= max_range)
        fail(n, "eval.range", fmt::format("the range has more than {} values", max_range));
    std::size_t count = static_cast<std::size_t>(high - low + 1);
    budget_->step(count);
    Value* out = context_.arena.make_array<Value>(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::int64_t v = low + static_cast<std::int64_t>(i);
        out[i] = codes ? Value::of_string(context_.arena.copy(fmt::format("{:0{}}", v, a.size)))
                       : Value::of_number(v);
    }
    return Value::of_list(out, count);
}

Value Expressions::add(const Node& n) {
    Value a = run(n.kids[0]);
    Value b = run(n.kids[1]);
    if (a.kind == Kind::Number && b.kind == Kind::Number)
        return Value::of_number(checked(n, a.number, b.number, Op::Add));
    // Sizes are 32-bit: add them as 64-bit, and let the arena's budget refuse what is too big
    // before anything is copied.
    std::size_t size = std::size_t{a.size} + b.size;
    if ((a.kind == Kind::String || a.kind == Kind::List) && a.kind == b.kind &&
        size > std::numeric_limits<std::uint32_t>::max())
        fail(n, "eval.memory", "the result of `+` is too large");
    if (a.kind == Kind::String && b.kind == Kind::String) {
        if (size == 0) return a;
        char* out = static_cast<char*>(context_.arena.allocate(size, 1));
        std::copy(a.chars, a.chars + a.size, out);
        std::copy(b.chars, b.chars + b.size, out + a.size);
        return Value::of_string({out, size});
    }
    if (a.kind == Kind::List && b.kind == Kind::List) {
        Value* out = context_.arena.make_array<Value>(size);
        std::copy(a.items, a.items + a.size, out);
        std::copy(b.items, b.items + b.size, out + a.size);
        return Value::of_list(out, size);
    }
    fail(n, "eval.type", fmt::format("`+` cannot combine {} and {}", text(a), text(b)));
}

// Each pass spends the weight of the element and the filter; every pass runs, so all are
// spent at once, before the first.
Value Expressions::comprehension(const Node& n) {
    Value source = run_list(n.kids[0]);
    bool filtered = n.kids.size() > 2;
    std::uint64_t pass = std::uint64_t{n.kids[1].weight} + (filtered ? n.kids[2].weight : 0u);
    budget_->step(pass * source.size);
    Value* out = context_.arena.make_array<Value>(source.size);
    std::size_t count = 0;
    for (const auto& item : source.list()) {
        local(n.slot) = item;
        if (filtered && !run_truth(n.kids[2])) continue;
        out[count++] = run(n.kids[1]);
    }
    return Value::of_list(out, count);
}

// `any x in source: condition` stops at the first element that holds it (true), `none` there
// too (false); `all` at the first that does not (false).
Value Expressions::quantified(const Node& n) {
    Value source = run_list(n.kids[0]);
    bool all = n.op == Op::All;
    for (const auto& item : source.list()) {
        budget_->step(n.kids[1].weight);
        local(n.slot) = item;
        if (run_truth(n.kids[1]) != all) return Value::of_bool(n.op == Op::Any);
    }
    return Value::of_bool(n.op != Op::Any);
}

Value Expressions::builtin(const Node& n) {
    // Only the arguments given are constructed (the eight Values of `Value args[8]` were
    // zeroed for every call).
    union Args {
        Value values[8];
        Args() {}
    } storage;
    Value* args = storage.values;
    std::size_t argc = std::min<std::size_t>(n.kids.size(), 8);
    for (std::size_t i = 0; i < argc; ++i)
        new (&args[i]) Value(run(n.kids[i]));
    return n.builtin->fn({args, argc}, builtin_context(n));
}

// Written at the end of a buffer the case reuses, then copied to the arena: an interpolation
// inside one of the parts writes after this one's start and takes its text back out.
Value Expressions::interpolate(const Node& n) {
    std::string& out = scratch_.text;
    std::size_t start = out.size();
    out += n.text[0];
    for (std::size_t i = 0; i < n.kids.size(); ++i) {
        Value part = run(n.kids[i]);
        append_text(out, part, program_.shapes);
        out += n.text[i + 1];
    }
    std::string_view text = context_.arena.copy(std::string_view(out).substr(start));
    out.resize(start);
    return Value::of_string(text);
}

// Only the expression part runs: no case, claim or rule. The value lives in the program's
// own arena; a built-in that asks for the date gets `date` (today's unless the checker asks
// for another), as a case without one would.
Value evaluate_constant(const Program& program, const Node& node, std::string_view date) {
    ExpressionScratch scratch;
    ExpressionContext context{*program.constants, date};
    return Expressions(program, context, scratch).eval(node);
}

std::optional<Value> first_counterexample(const Program& program, const Node& node,
                                          std::string_view date) {
    if (node.op != Op::All || node.kids.size() != 2) return std::nullopt;
    ExpressionScratch scratch;
    ExpressionContext context{*program.constants, date};
    Expressions e(program, context, scratch);
    Value items;
    try {
        items = e.expect_list(node.kids[0]);
    } catch (const EvalError&) {
        return std::nullopt;
    }
    for (const Value& item : items.list()) {
        e.local(node.slot) = item;
        try {
            if (!e.truth(node.kids[1])) return item;
        } catch (const EvalError&) {
            return item; // the element it cannot be decided for
        }
    }
    return std::nullopt;
}

} // namespace cpl
