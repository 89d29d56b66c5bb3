// interpreter/program/dispatch.cpp — how each node is evaluated. Every node carries the
// function that evaluates it (Node::run), chosen once for its operator and the form of its
// operands when the program is linked, so evaluating a node is one indirect call into a
// small function rather than a switch inside one large one (whose prologue and register
// saves every node paid); a local or a constant, the commonest operands, is read without the
// call (Expressions::run compares the node's function with theirs). link() also weighs each node
// (Node::weight, Node::height), so that an expression spends the case's budget and depth once for
// its tree, not node by node. A node no link reached (one the checker builds while folding) chooses
// the general function for its operator on each evaluation, and spends a step and a level itself:
// slower, the same value.
#include "interpreter/program/expressions.hpp"

namespace cpl {

struct Dispatch {
    using E = Expressions;

    static Value constant(E&, const Node& n) { return n.constant; }
    static Value local(E& e, const Node& n) { return e.local(n.slot); }
    static Value def(E& e, const Node& n) { return e.def(n.slot, n.span); }
    // A definition already computed for this case, without a call (unless --explain must
    // also collect the rows it looked up).
    static Value def_known(E& e, const Node& n) {
        if (e.scratch_.def_done[n.slot] && !e.context_.rows_used)
            return e.scratch_.def_values[n.slot];
        return e.def(n.slot, n.span);
    }
    static Value call_def(E& e, const Node& n) { return e.call_def(n); }
    template <std::uint32_t N> static Value call_def_of(E& e, const Node& n) {
        return e.call_def_of<N>(n);
    }
    static Value case_root(E& e, const Node&) { return e.context_.case_record; }
    static Value claim(E& e, const Node&) { return e.context_.claim; }
    static Value supported(E& e, const Node&) { return e.context_.supported; }
    static Value reviewing(E& e, const Node&) { return Value::of_bool(e.context_.reviewing); }
    static Value dated_setting(E& e, const Node& n) { return e.dated_setting(n); }
    static Value service_date(E& e, const Node&) { return Value::of_string(e.context_.date); }
    static Value disabled_billing(E& e, const Node&) {
        return Value::of_table(e.program_.disabled_billing.get());
    }

    static Value field(const Node& n, const Value& object) {
        if (object.kind != Kind::Record) E::fail(n, "eval.type", "expected a record here");
        return object.items[n.slot];
    }
    static Value member(E& e, const Node& n) { return field(n, e.run(n.kids[0])); }
    // `line.code`, `p.column_1`: most records read are locals, read without a call.
    static Value member_of_local(E& e, const Node& n) { return field(n, e.local(n.kids[0].slot)); }
    // `case.limbs`
    static Value member_of_case(E& e, const Node& n) { return field(n, e.context_.case_record); }
    static Value map_member(E& e, const Node& n) {
        Value list = e.run_list(n.kids[0]);
        e.budget_->step(list.size);
        Value* out = e.context_.arena.make_array<Value>(list.size);
        for (std::uint32_t i = 0; i < list.size; ++i)
            out[i] = list.items[i].items[n.slot];
        return Value::of_list(out, list.size);
    }
    static Value dynamic_member(E& e, const Node& n) {
        return e.dynamic_member(n, e.run(n.kids[0]));
    }
    static Value index(E& e, const Node& n) { return e.index(n); }
    // The value of `key`'s row in `table`, or null: what `key in table` and `table[key]` look
    // up, for a table the policy names. A string key of an undated table is looked for in its
    // index here, unless coverage must be told of the row; a range row, a number or a date
    // take the general way (find_row, which tells coverage). The same fast path as
    // TableData::find's, written out: through TableData::find these nodes counted 0.3% more
    // instructions (docs/performance.md).
    static const Value* named_table_value(E& e, const TableData* table, const Value& key) {
        if (key.kind == Kind::String && !table->dated && !e.context_.rows_seen) {
            if (const std::uint32_t* row = table->by_string.find(key.str()))
                return &table->rows[*row].value;
            if (table->range_rows.empty()) return nullptr;
        }
        const TableRowData* row = e.find_row(table, key);
        return row ? &row->value : nullptr;
    }
    // `aanem_limits[category]`; under --explain, and for a missing key, through row_value,
    // which records the row read and reports the key missing.
    static Value index_named_table(E& e, const Node& n) {
        Value key = e.run(n.kids[1]);
        const TableData* table = n.kids[0].constant.table;
        if (!e.context_.rows_used)
            if (const Value* value = named_table_value(e, table, key)) return *value;
        return e.row_value(n, table, key);
    }

    static Value not_(E& e, const Node& n) { return Value::of_bool(!e.run_truth(n.kids[0])); }
    static Value neg(E& e, const Node& n) {
        return Value::of_number(e.checked(n, 0, e.run_number(n.kids[0]), Op::Sub));
    }
    static Value and_(E& e, const Node& n) {
        return Value::of_bool(e.run_truth(n.kids[0]) && e.run_truth(n.kids[1]));
    }
    static Value or_(E& e, const Node& n) {
        return Value::of_bool(e.run_truth(n.kids[0]) || e.run_truth(n.kids[1]));
    }

    // The forms of an operand an operator reads without calling the operand's function: a
    // constant, a local, a field of a local (`line.code == "95937"`, `x in l.roots`).
    enum class Form { any, constant, local, field_of_local };
    static Form form_of(const Node& k) {
        if (k.op == Op::Const) return Form::constant;
        if (k.op == Op::Local) return Form::local;
        if (k.op == Op::Member && k.kids[0].op == Op::Local) return Form::field_of_local;
        return Form::any;
    }
    // The operand as its own function would give it, without the call.
    template <Form F> static Value operand(E& e, const Node& k) {
        if constexpr (F == Form::constant)
            return constant(e, k);
        else if constexpr (F == Form::local)
            return local(e, k);
        else if constexpr (F == Form::field_of_local)
            return member_of_local(e, k);
        else
            return e.run(k);
    }
    template <Form A, Form B> struct Eq {
        static Value run(E& e, const Node& n) {
            return Value::of_bool(
                equal(operand<A>(e, n.kids[0]), operand<B>(e, n.kids[1]), e.program_.shapes));
        }
    };
    template <Form A, Form B> struct Ne {
        static Value run(E& e, const Node& n) {
            return Value::of_bool(!Eq<A, B>::run(e, n).boolean);
        }
    };
    // Two numbers (counts against limits, most comparisons) compared here; texts, and a
    // mistake, by `ordered`.
    template <Form A, Form B> struct Ordering {
        static Value run(E& e, const Node& n) {
            Value a = operand<A>(e, n.kids[0]);
            Value b = operand<B>(e, n.kids[1]);
            if (a.kind != Kind::Number || b.kind != Kind::Number) return e.ordered(n, a, b);
            return Value::of_bool(
                E::order_holds(n.op, (a.number > b.number) - (a.number < b.number)));
        }
    };
    template <Form A, Form B> struct In {
        static Value run(E& e, const Node& n) {
            return Value::of_bool(
                e.contains(n, operand<A>(e, n.kids[0]), operand<B>(e, n.kids[1])));
        }
    };
    template <Form A, Form B> struct NotIn {
        static Value run(E& e, const Node& n) {
            return Value::of_bool(!In<A, B>::run(e, n).boolean);
        }
    };
    // Operator `Op`'s function for the forms of n's two operands.
    template <template <Form, Form> class Op, Form A> static NodeRun with_second(Form b) {
        switch (b) {
        case Form::constant:
            return Op<A, Form::constant>::run;
        case Form::local:
            return Op<A, Form::local>::run;
        case Form::field_of_local:
            return Op<A, Form::field_of_local>::run;
        default:
            return Op<A, Form::any>::run;
        }
    }
    template <template <Form, Form> class Op> static NodeRun binary(const Node& n) {
        Form b = form_of(n.kids[1]);
        switch (form_of(n.kids[0])) {
        case Form::constant:
            return with_second<Op, Form::constant>(b);
        case Form::local:
            return with_second<Op, Form::local>(b);
        case Form::field_of_local:
            return with_second<Op, Form::field_of_local>(b);
        default:
            return with_second<Op, Form::any>(b);
        }
    }

    // The general forms, for a node no link reached.
    static constexpr NodeRun eq = Eq<Form::any, Form::any>::run;
    static constexpr NodeRun ne = Ne<Form::any, Form::any>::run;
    static constexpr NodeRun ordering = Ordering<Form::any, Form::any>::run;
    static constexpr NodeRun in = In<Form::any, Form::any>::run;
    static constexpr NodeRun not_in = NotIn<Form::any, Form::any>::run;
    // `line.code in ptp_pairs`: a key looked for in a table the policy names, the commonest
    // `in`.
    static bool in_named_table(E& e, const Node& n) {
        return named_table_value(e, n.kids[1].constant.table, e.run(n.kids[0])) != nullptr;
    }
    static Value in_table(E& e, const Node& n) { return Value::of_bool(in_named_table(e, n)); }
    static Value not_in_table(E& e, const Node& n) { return Value::of_bool(!in_named_table(e, n)); }
    static bool names_table(const Node& n) {
        return n.op == Op::Const && n.constant.kind == Kind::Table;
    }
    static Value range(E& e, const Node& n) { return e.range(n); }
    static Value add(E& e, const Node& n) { return e.add(n); }
    static Value arithmetic(E& e, const Node& n) {
        return Value::of_number(
            e.checked(n, e.run_number(n.kids[0]), e.run_number(n.kids[1]), n.op));
    }
    static Value if_(E& e, const Node& n) {
        return e.run_truth(n.kids[0]) ? e.run(n.kids[1]) : e.run(n.kids[2]);
    }
    // `if lower(s.nerve) in nerve_names then nerve_names[lower(s.nerve)] else …` (or
    // `then ptp[c].column_1`): the key is computed and looked up once, where the general form
    // computes it twice and looks it up twice. The then-branch is the row's value, or a field
    // of it (if_in_table_form). Under --explain the general form runs: its `T[K]` records the
    // row read.
    static Value if_in_table(E& e, const Node& n) {
        if (e.context_.rows_used) return if_(e, n);
        const Node& in = n.kids[0];
        const Value* value = named_table_value(e, in.kids[1].constant.table, e.run(in.kids[0]));
        if (!value) return e.run(n.kids[2]);
        return n.kids[1].op == Op::Index ? *value : field(n.kids[1], *value);
    }
    // Whether `a` and `b` are the same expression of a kind that gives the same value each
    // time it is computed in one frame: locals, fields, constants, definitions and built-in calls.
    static bool same_key(const Node& a, const Node& b) {
        if (a.op != b.op || a.slot != b.slot || a.builtin != b.builtin ||
            a.kids.size() != b.kids.size())
            return false;
        switch (a.op) {
        case Op::Const:
            if (a.constant.kind != b.constant.kind) return false;
            if (a.constant.kind == Kind::String) return a.constant.str() == b.constant.str();
            return a.constant.kind == Kind::Number && a.constant.number == b.constant.number;
        case Op::Local:
        case Op::Member:
        case Op::Builtin:
        case Op::Def:
        case Op::CaseRoot:
            break;
        default:
            return false;
        }
        for (std::size_t i = 0; i < a.kids.size(); ++i)
            if (!same_key(a.kids[i], b.kids[i])) return false;
        return true;
    }
    // `if K in T then T[K] else …` or `… then T[K].field else …`, T a table the policy names.
    static bool if_in_table_form(const Node& n) {
        const Node& in = n.kids[0];
        if (in.op != Op::In || !names_table(in.kids[1])) return false;
        const Node* index = &n.kids[1];
        if (index->op == Op::Member) index = &index->kids[0];
        return index->op == Op::Index && names_table(index->kids[0]) &&
               index->kids[0].constant.table == in.kids[1].constant.table &&
               same_key(index->kids[1], in.kids[0]);
    }
    static Value list(E& e, const Node& n) {
        Value* out = e.context_.arena.make_array<Value>(n.kids.size());
        std::size_t size = 0;
        for (const auto& kid : n.kids) {
            if (kid.op != Op::Guard)
                out[size++] = e.run(kid);
            else if (e.run_truth(kid.kids[0]))
                out[size++] = e.run(kid.kids[1]);
        }
        return Value::of_list(out, size);
    }
    static Value guard(E&, const Node& n) {
        E::fail(n, "eval.type", "a conditional element has a value only in a list");
    }
    static Value comprehension(E& e, const Node& n) { return e.comprehension(n); }
    static Value quantified(E& e, const Node& n) { return e.quantified(n); }
    static Value record(E& e, const Node& n) {
        Value* out = e.context_.arena.make_array<Value>(n.kids.size());
        for (std::size_t i = 0; i < n.kids.size(); ++i)
            out[i] = e.run(n.kids[i]);
        return Value::of_record(n.slot, out);
    }
    static Value builtin(E& e, const Node& n) { return e.builtin(n); }
    // `count(x)`, `lower(x)`: most calls have one argument.
    template <Form A> static Value builtin_one(E& e, const Node& n) {
        Value arg = operand<A>(e, n.kids[0]);
        return n.builtin->fn({&arg, 1}, e.builtin_context(n));
    }
    // `count(l)` of a list and `lower(s)` of a string known to be lower case answer here with
    // what the built-in starts with (count_at_once, lower_at_once), without its call; a table,
    // a string with capitals and a wrong argument go to the built-in.
    template <std::optional<Value> (*AtOnce)(const Value&), Form A>
    static Value at_once_or_call(E& e, const Node& n) {
        Value arg = operand<A>(e, n.kids[0]);
        if (auto answer = AtOnce(arg)) return *answer;
        return n.builtin->fn({&arg, 1}, e.builtin_context(n));
    }
    template <template <Form> class Of> static NodeRun by_form(const Node& operand) {
        switch (form_of(operand)) {
        case Form::local:
            return Of<Form::local>::run;
        case Form::field_of_local:
            return Of<Form::field_of_local>::run;
        default:
            return Of<Form::any>::run;
        }
    }
    template <Form A> struct Count {
        static constexpr NodeRun run = at_once_or_call<count_at_once, A>;
    };
    template <Form A> struct Lower {
        static constexpr NodeRun run = at_once_or_call<lower_at_once, A>;
    };
    template <Form A> struct AnyBuiltin { static constexpr NodeRun run = builtin_one<A>; };
    static NodeRun builtin_of_one(const Node& n) {
        if (n.builtin->fn == builtin_count) return by_form<Count>(n.kids[0]);
        if (n.builtin->fn == builtin_lower) return by_form<Lower>(n.kids[0]);
        return by_form<AnyBuiltin>(n.kids[0]);
    }
    static Value interpolate(E& e, const Node& n) { return e.interpolate(n); }

    static Value unlinked(E& e, const Node& n) {
        if (++e.depth_ > max_eval_depth) e.too_deep(n);
        e.budget_->step();
        Value v = choose(n, false)(e, n);
        --e.depth_;
        return v;
    }

    /// The function for `n`: for its operator, and when `specialize`, for the form of its
    /// operands too (each special form must give what the general one gives: dispatch_test).
    static NodeRun choose(const Node& n, bool specialize) {
        switch (n.op) {
        case Op::Const:
            return run_constant;
        case Op::Local:
            return run_local;
        case Op::Def:
            return specialize ? def_known : def;
        case Op::CallDef:
            if (specialize && n.kids.size() == 1) return call_def_of<1>;
            if (specialize && n.kids.size() == 2) return call_def_of<2>;
            return call_def;
        case Op::CaseRoot:
            return case_root;
        case Op::Claim:
            return claim;
        case Op::Supported:
            return supported;
        case Op::Reviewing:
            return reviewing;
        case Op::DatedSetting:
            return dated_setting;
        case Op::ServiceDate:
            return service_date;
        case Op::DisabledBilling:
            return disabled_billing;
        case Op::Member:
            if (specialize && n.kids[0].op == Op::Local) return member_of_local;
            if (specialize && n.kids[0].op == Op::CaseRoot) return member_of_case;
            return member;
        case Op::MapMember:
            return map_member;
        case Op::DynamicMember:
            return dynamic_member;
        case Op::Index:
            return specialize && names_table(n.kids[0]) ? index_named_table : index;
        case Op::Not:
            return not_;
        case Op::Neg:
            return neg;
        case Op::And:
            return and_;
        case Op::Or:
            return or_;
        case Op::Eq:
            return specialize ? binary<Eq>(n) : eq;
        case Op::Ne:
            return specialize ? binary<Ne>(n) : ne;
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
            return specialize ? binary<Ordering>(n) : ordering;
        case Op::In:
            if (!specialize) return in;
            return names_table(n.kids[1]) ? in_table : binary<In>(n);
        case Op::NotIn:
            if (!specialize) return not_in;
            return names_table(n.kids[1]) ? not_in_table : binary<NotIn>(n);
        case Op::Range:
            return range;
        case Op::Add:
            return add;
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod:
            return arithmetic;
        case Op::If:
            return specialize && if_in_table_form(n) ? if_in_table : if_;
        case Op::List:
            return list;
        case Op::Guard:
            return guard;
        case Op::Comprehension:
            return comprehension;
        case Op::Any:
        case Op::All:
        case Op::None:
            return quantified;
        case Op::Record:
            return record;
        case Op::Builtin:
            return specialize && n.kids.size() == 1 ? builtin_of_one(n) : builtin;
        case Op::Interpolate:
            return interpolate;
        }
        return run_constant; // not reached: every operator is chosen above
    }
};

namespace {

thread_local std::uint64_t unlinked = 0;

std::uint32_t saturating_add(std::uint32_t a, std::uint32_t b) {
    return b > UINT32_MAX - a ? UINT32_MAX : a + b;
}

// The weight and height of `n` and of the nodes below it. A loop's body (its kids after the
// source) is left out of its weight: each pass spends the body's own.
void measure(Node& n) {
    if (n.weight) return; // measured with its parent
    std::uint32_t weight = 1;
    std::uint32_t height = 0;
    for (std::size_t i = 0; i < n.kids.size(); ++i) {
        Node& kid = n.kids[i];
        measure(kid);
        height = std::max<std::uint32_t>(height, kid.height);
        if (i == 0 || !is_loop(n.op)) weight = saturating_add(weight, kid.weight);
    }
    n.weight = weight;
    n.height = static_cast<std::uint16_t>(std::min<std::uint32_t>(height + 1, UINT16_MAX));
}

} // namespace

// Spends what eval spent on every node before nodes were weighed: a step and a level.
Value run_unlinked(Expressions& e, const Node& n) {
    ++unlinked;
    return Dispatch::unlinked(e, n);
}

Value run_local(Expressions& e, const Node& n) {
    return Dispatch::local(e, n);
}

Value run_constant(Expressions& e, const Node& n) {
    return Dispatch::constant(e, n);
}

std::uint64_t unlinked_runs() {
    return unlinked;
}

void link(Program& program) {
    for_each_node(program, [](Node& n) {
        n.run = Dispatch::choose(n, true);
        measure(n);
    });
    for_each_rule(program, [](RuleCode& rule) {
        rule.dated = rule.effective.dated();
        write_cite_json(rule);
    });
    for (RuleCode& edit : program.edits)
        edit.only_reviewing = !edit.clauses.empty() && edit.exceptions.empty() &&
                              edit.clauses[0].kind == ast::ClauseKind::When &&
                              edit.clauses[0].narrowing < 0 &&
                              edit.clauses[0].expr.op == Op::Reviewing;
}

} // namespace cpl
