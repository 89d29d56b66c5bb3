// interpreter/program/expressions.hpp — evaluating one expression (a Node tree): operators,
// definitions (memoised per case), dated settings, look-ups and built-ins.
// Knows nothing of rules, claims or review: what it sees of the case comes in an
// ExpressionContext, so the checker can fold constants with this part alone.
// INVARIANT (slots resolved): names are slots; nothing here looks a name up by string,
// except fields of values whose type the checker could not know (DynamicMember).
#pragma once

#include "interpreter/program/definition_costs.hpp"
#include "interpreter/program/program.hpp"
#include "runtime/budget.hpp"
#include "runtime/eval_error.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpl {

/// What an expression can see of the case being evaluated. The evaluator owns it and sets
/// `claim`, `supported` and `reviewing` as the edits run; constant folding leaves the case empty.
struct ExpressionContext {
    Arena& arena;           // where computed strings, lists and records go
    std::string_view date;  // the date of service: dated settings, dated tables, built-ins
    Value case_record = {}; // `case`
    Value claim = {};       // `claim` (edits only)
    Value supported = {};   // `supported` (edits only)
    bool reviewing = false; // `reviewing`
    /// When set, every table row a look-up or `prefix_rows` returns is marked, by table index
    /// then row index (`cpl test --coverage`).
    std::vector<std::vector<bool>>* rows_seen = nullptr;
    /// When set (--explain), every table row whose value is read (`t[key]`, or returned by
    /// `prefix_rows`) is appended, also those a definition computed earlier in the case looked
    /// up: an explanation can then say which values it rests on, and whether their sources
    /// were verified.
    std::vector<const TableRowData*>* rows_used = nullptr;
    /// When set, every definition body run is timed and its steps counted (`cpl bench
    /// --profile`). Read once, when the Expressions evaluating the case is made.
    DefinitionCosts* definition_costs = nullptr;
};

/// Memory reused from case to case (the evaluator keeps one per thread), so that evaluating
/// a warmed-up case allocates nothing on the heap for locals, definition values or the memo.
struct ExpressionScratch {
    std::vector<Value> locals;
    std::vector<Value> def_values;
    std::vector<std::uint8_t> def_done;
    std::vector<std::vector<const TableRowData*>> def_rows; // rows each definition looked up

    // Results of function definitions by their arguments, for this case only: definitions
    // are pure, so `complete(limb)` asked by three rules is computed once. Nothing is evicted
    // (open addressing, grown at half full): a call is computed again only when its arguments
    // are other values, never because of where values happen to lie in memory, so a case
    // spends the same steps of its budget in every run.
    struct Memo {
        std::uint64_t generation = 0; // an entry of an older case is an empty slot
        std::uint32_t def = 0;
        std::uint32_t argc = 0;
        Value args[2];
        Value result;
    };
    static constexpr std::size_t memo_first_size = 512; // a power of two
    std::vector<Memo> memo;       // from the first call (constant folding makes none)
    std::size_t memo_used = 0;    // entries of this case
    std::uint64_t generation = 0; // bumped per case: older memo entries no longer match
    std::string text;             // where interpolations are written before the arena takes them
};

/// Deepest nesting of evaluation: expressions inside definitions inside definitions, and
/// `for` clauses inside each other (`eval.too_deep`). One expression is at most
/// `max_expr_depth` deep (lang/parse.hpp), but definitions chain: this bounds the stack.
inline constexpr std::uint32_t max_eval_depth = 1000;

/// Evaluates expressions of one program over one case. Concrete and non-virtual: `eval` is
/// the hot path, and the evaluator calls it directly.
class Expressions {
public:
    /// Starts a case: forgets the definition values and memo entries of the previous one.
    /// Spends from the thread's current Budget (runtime/budget.hpp), or from one of its own
    /// with the default limits when there is none.
    Expressions(const Program& program, ExpressionContext& context, ExpressionScratch& scratch);
    // Built-ins are told of rows through a pointer to this object: it stays where it is.
    Expressions(const Expressions&) = delete;
    Expressions& operator=(const Expressions&) = delete;

    /// Evaluates the expression `n` (a condition, a clause's value, a definition's body).
    /// Throws EvalError when it cannot be evaluated on this case, or when the case's budget of
    /// steps, memory or nesting runs out while evaluating it. The tree spends its weight and
    /// its height once, here: inside it, only a loop's passes and a call's body spend more.
    Value eval(const Node& n) {
        depth_ += n.height;
        if (depth_ > max_eval_depth) too_deep(n);
        Value v = charged(n, n.weight);
        depth_ -= n.height;
        return v;
    }

    /// One more level of nesting outside expressions (a `for` clause's body), and its end.
    void nest(const Node& at) {
        if (++depth_ > max_eval_depth) too_deep(at);
    }
    void unnest() { --depth_; }
    /// One step of the case's budget outside an expression (a loop iteration).
    void step() { budget_->step(); }

    bool truth(const Node& n) { return is_truth(n, eval(n)); }
    std::int64_t number(const Node& n) { return is_number(n, eval(n)); }
    Value expect_list(const Node& n) { return is_list(n, eval(n)); }

    /// The value of parameterless definition `slot`, computed once a case.
    Value def(std::uint32_t slot, Span at = {});

    /// Local `slot` of the innermost frame (a `for` or `let` variable, a parameter).
    Value& local(std::uint32_t slot) { return frame_locals_[slot]; }

    /// Where evaluation stands: its frames and nesting. An error thrown inside a definition's
    /// frame leaves the frame where it was; whoever catches one and goes on with the case (a
    /// `because` that could not be worded) goes back to the mark taken before.
    struct Mark {
        std::size_t frame, top;
        std::uint32_t depth;
    };
    Mark mark() const { return {frame_, top_, depth_}; }
    void back_to(const Mark& m) {
        frame_ = m.frame;
        frame_locals_ = scratch_.locals.data() + frame_;
        top_ = m.top;
        depth_ = m.depth;
    }

    /// Runs `body` in a new frame of `size` locals, the first `argc` set to `args`.
    template <typename F>
    Value in_frame(std::uint32_t size, F&& body, const Value* args = nullptr,
                   std::uint32_t argc = 0) {
        if (++depth_ > max_eval_depth) too_deep(call_at_);
        std::vector<Value>& locals = scratch_.locals;
        std::size_t base = top_;
        std::size_t need = base + std::max(size, argc);
        if (locals.size() < need) locals.resize(need * 2);
        for (std::uint32_t i = 0; i < argc; ++i)
            locals[base + i] = args[i];
        std::size_t saved = frame_;
        frame_ = base;
        frame_locals_ = locals.data() + base;
        top_ = need;
        Value v = body();
        frame_ = saved;
        frame_locals_ = locals.data() + saved; // the body may have grown `locals`
        top_ = base;
        --depth_;
        return v;
    }

    std::string text(const Value& v) const;

    [[noreturn]] static void fail(const Node& n, std::string code, std::string message);

private:
    friend struct Dispatch; // the functions that evaluate each kind of node

    // A node of a tree being evaluated, spent for with the tree (or, unlinked, by itself).
    // The budget running out inside it is reported at it: the innermost node being evaluated.
    Value run(const Node& n) {
        // The commonest operands, a local and a constant, are read here without the call
        // their function would make (the same value: these are their functions). Their
        // operators are the first two, so that any other node, most of them, passes with one
        // test of the byte beside its function; a node link() has not reached (run_unlinked)
        // takes its call, which spends a step for it.
        static_assert(Op::Const == Op{0} && Op::Local == Op{1});
        if (static_cast<std::uint8_t>(n.op) <= 1) {
            if (n.run == run_local) return local(n.slot);
            if (n.run == run_constant) return n.constant;
        }
        try {
            return n.run(*this, n);
        } catch (const BudgetExceeded& e) {
            fail(n, e.code, e.message);
        }
    }
    Value charged(const Node& n, std::uint32_t steps) {
        try {
            budget_->step(steps);
            return n.run(*this, n);
        } catch (const BudgetExceeded& e) {
            fail(n, e.code, e.message);
        }
    }
    bool run_truth(const Node& n) { return is_truth(n, run(n)); }
    std::int64_t run_number(const Node& n) { return is_number(n, run(n)); }
    Value run_list(const Node& n) { return is_list(n, run(n)); }
    bool is_truth(const Node& n, const Value& v) const {
        if (v.kind != Kind::Bool) wrong_kind(n, "true or false", v);
        return v.boolean;
    }
    std::int64_t is_number(const Node& n, const Value& v) const {
        if (v.kind != Kind::Number) wrong_kind(n, "a number", v);
        return v.number;
    }
    Value is_list(const Node& n, const Value& v) const {
        if (v.kind != Kind::List) wrong_kind(n, "a list", v);
        return v;
    }
    [[noreturn]] void wrong_kind(const Node& n, std::string_view expected, const Value& got) const;
    [[noreturn]] void too_deep(const Node& at) const;
    [[noreturn]] void too_deep(Span at) const;
    std::int64_t checked(const Node& n, std::int64_t a, std::int64_t b, Op op);
    Value call_def(const Node& n);
    template <std::uint32_t N> Value call_def_of(const Node& n); // N = 1 or 2 arguments
    Value remembered(const Node& n, const Value* args, std::uint32_t argc);
    // Runs definition `slot`'s body in a new frame holding its arguments: the one place a
    // body runs (forced inline: its callers took fewer instructions than with it a call).
    [[gnu::always_inline]] Value run_body(std::uint32_t slot, const Value* args = nullptr,
                                          std::uint32_t argc = 0) {
        if (costs_) [[unlikely]]
            return costed_body(slot, args, argc);
        return body_in_frame(program_.defs[slot], args, argc);
    }
    [[gnu::always_inline]] Value body_in_frame(const DefCode& d, const Value* args,
                                               std::uint32_t argc) {
        return in_frame(
            d.frame_size, [&] { return eval(d.body); }, args, argc);
    }
    Value costed_body(std::uint32_t slot, const Value* args, std::uint32_t argc);
    ExpressionScratch::Memo* memo_slot(std::uint32_t def, const Value* args, std::uint32_t argc,
                                       std::size_t hash);
    void grow_memo();
    Value dated_setting(const Node& n);
    Value dynamic_member(const Node& n, Value object);
    const TableRowData* find_row(const TableData* table, const Value& key);
    void mark_seen(const TableData& table, const TableRowData& row); // for coverage
    void row_returned(const TableData& table, const TableRowData& row);
    // What a built-in is told: the same for the whole case but for the call's place, so kept
    // and set up at the first call (the evaluator sets the date and what it records first).
    BuiltinContext& builtin_context(const Node& n) {
        if (!calls_ready_) prepare_calls();
        calls_.span = n.span;
        return calls_;
    }
    void prepare_calls() {
        calls_.date = context_.date;
        if (context_.rows_seen || context_.rows_used) {
            calls_.row_returned = [](void* to, const TableData& table, const TableRowData& row) {
                static_cast<Expressions*>(to)->row_returned(table, row);
            };
            calls_.row_returned_to = this;
        }
        calls_ready_ = true;
    }
    Value index(const Node& n);
    /// `table[key]`: the value of its row for `key` on this case's date.
    Value row_value(const Node& n, const TableData* table, const Value& key);
    Value ordered(const Node& n, const Value& a, const Value& b) const; // `a < b` and the like
    /// Whether `a OP b` holds for OP one of `<`, `<=`, `>`, `>=`, given how a and b compare
    /// (negative, zero, positive).
    static bool order_holds(Op op, int c) {
        switch (op) {
        case Op::Lt:
            return c < 0;
        case Op::Le:
            return c <= 0;
        case Op::Gt:
            return c > 0;
        default:
            return c >= 0;
        }
    }
    bool contains(const Node& n, const Value& item, const Value& container);
    Value range(const Node& n);
    Value add(const Node& n);
    Value comprehension(const Node& n);
    Value quantified(const Node& n);
    Value builtin(const Node& n);
    Value interpolate(const Node& n);

    const Program& program_;
    ExpressionContext& context_;
    ExpressionScratch& scratch_;
    std::size_t frame_ = 0;         // first local of the innermost frame
    Value* frame_locals_ = nullptr; // where it is now: locals.data() + frame_
    std::size_t top_ = 0;           // first free local
    std::uint32_t depth_ = 0;       // nesting of eval, definition frames and `for` clauses
    Span call_at_;                  // the definition reference being evaluated, for eval.too_deep
    std::unique_ptr<Budget> own_budget_; // when the caller installed none
    Budget* budget_;
    BuiltinContext calls_;
    bool calls_ready_ = false;
    DefinitionCosts* costs_; // context_.definition_costs, tested on every body run
    // Under a profile: what the definitions computed inside the body being costed spent, to
    // be taken from its own.
    struct Spent {
        double ns = 0;
        std::uint64_t steps = 0;
    } inner_spent_;
};

/// Today's date (UTC) as YYYY-MM-DD, the date of service of a case without one;
/// CPL_TODAY overrides it so tests are reproducible.
std::string_view today();

/// Evaluates a constant expression at check time: no case, no claim, no locals. Dated
/// settings and tables answer for `date`.
Value evaluate_constant(const Program& program, const Node& node, std::string_view date = today());

/// For a constant `all VAR in LIST: BODY` that does not hold on `date`: the first element of
/// LIST for which BODY does not hold or cannot be decided, what an author must change. Null
/// when `node` is no `all`, when every element holds, or when LIST cannot be evaluated.
std::optional<Value> first_counterexample(const Program& program, const Node& node,
                                          std::string_view date);

} // namespace cpl
