// lang/parse_tree_control.hpp — private to lang/: PEGTL's parse-tree control
// (tao/pegtl/contrib/parse_tree.hpp, 3.2.7) with one change, so that a rule that is not
// itself a node costs no node.
//
// PEGTL gives every unselected rule above a selected one (`primary`, `literal`, each
// `seq`/`sor`/`star` on the way down to a `name`) a temporary node that collects the
// children its sub-rules produce and, on success, moves them to its parent: an allocation
// and a list for every such rule tried, most of which fail. Here such a rule marks how many
// children the node being built has when it starts, and on failure drops those added since;
// on success they are already in place. A rule folded when it has one child (`fold_one`: the
// precedence levels of an expression, `sum`, `product`, `comparison`…) is marked the same way,
// with where it began: most match a single operand and make no node at all; one that matched
// more (or none) makes its node on success, taking the children added since its mark. The
// tree built is the same, node for node (parse_tree_test).
#pragma once

#include "parse_tree.hpp"

#include <memory>
#include <tao/pegtl/contrib/remove_first_state.hpp>
#include <tao/pegtl/contrib/shuffle_states.hpp>
#include <type_traits>
#include <vector>

namespace cpl::detail {

namespace pegtl = tao::pegtl;

/// A folded rule under way: how many children the node being built had when it began, and
/// where in the input it began.
struct Fold {
    std::size_t mark;
    pegtl::internal::iterator begin;
};

/// The nodes being built, innermost last, and the marks of the unselected and folded rules
/// under way.
struct TreeState {
    std::vector<std::unique_ptr<Node>> stack;
    std::vector<std::size_t> marks;
    std::vector<Fold> folds;
    TreeState() { stack.push_back(std::make_unique<Node>()); }
};

/// Whether `Rule` is replaced by its child when it has exactly one (pt::fold_one).
template <typename Rule, template <typename...> class Selector>
inline constexpr bool is_folded = std::is_base_of_v<pt::fold_one, Selector<Rule>>;

template <template <typename...> class Selector, template <typename...> class Control>
struct tree_control {
    template <typename Rule, bool Selected, bool Leaf> struct handler;

    template <typename Rule>
    using type = pegtl::rotate_states_right<
        handler<Rule, pt::internal::is_selected_node<Rule, Selector>,
                pt::internal::is_leaf<8, typename Rule::subs_t, Selector>>>;
};

// Neither a node nor above one: nothing to do.
template <template <typename...> class Selector, template <typename...> class Control>
template <typename Rule>
struct tree_control<Selector, Control>::handler<Rule, false, true>
    : pegtl::remove_first_state<Control<Rule>> {};

// Above a node but not one: a mark instead of PEGTL's temporary node.
template <template <typename...> class Selector, template <typename...> class Control>
template <typename Rule>
struct tree_control<Selector, Control>::handler<Rule, false, false>
    : pegtl::remove_first_state<Control<Rule>> {
    static constexpr bool enable = true;

    template <typename ParseInput, typename... States>
    static void start(const ParseInput&, TreeState& state, States&&...) {
        state.marks.push_back(state.stack.back()->children.size());
    }

    template <typename ParseInput, typename... States>
    static void success(const ParseInput&, TreeState& state, States&&...) {
        state.marks.pop_back();
    }

    template <typename ParseInput, typename... States>
    static void failure(const ParseInput&, TreeState& state, States&&...) {
        state.stack.back()->children.resize(state.marks.back());
        state.marks.pop_back();
    }

    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput& in, TreeState& state, States&&... st) {
        failure(in, state, st...);
    }
};

// A node: as PEGTL builds it, except that a folded rule makes its node only on success, and
// only when it does not have exactly one child (which takes its place, as fold_one does).
template <template <typename...> class Selector, template <typename...> class Control>
template <typename Rule, bool Leaf>
struct tree_control<Selector, Control>::handler<Rule, true, Leaf>
    : pegtl::remove_first_state<Control<Rule>> {
    static constexpr bool folded = is_folded<Rule, Selector>;

    template <typename ParseInput, typename... States>
    static void start(const ParseInput& in, TreeState& state, States&&... st) {
        Control<Rule>::start(in, st...);
        if constexpr (folded) {
            state.folds.push_back({state.stack.back()->children.size(), in.iterator()});
        } else {
            state.stack.push_back(std::make_unique<Node>());
            state.stack.back()->template start<Rule>(in, st...);
        }
    }

    template <typename ParseInput, typename... States>
    static void success(const ParseInput& in, TreeState& state, States&&... st) {
        if constexpr (folded) {
            Fold fold = state.folds.back();
            state.folds.pop_back();
            auto& siblings = state.stack.back()->children;
            if (siblings.size() - fold.mark != 1) {
                auto n = std::make_unique<Node>();
                n->template start<Rule>(in, st...);
                n->m_begin = fold.begin;
                n->children.assign(std::make_move_iterator(siblings.begin() + fold.mark),
                                   std::make_move_iterator(siblings.end()));
                siblings.resize(fold.mark);
                n->template success<Rule>(in, st...);
                pt::internal::transform<Selector<Rule>>(in, n, st...);
                if (n) state.stack.back()->emplace_back(std::move(n), st...);
            }
        } else {
            auto n = std::move(state.stack.back());
            state.stack.pop_back();
            n->template success<Rule>(in, st...);
            pt::internal::transform<Selector<Rule>>(in, n, st...);
            if (n) state.stack.back()->emplace_back(std::move(n), st...);
        }
        Control<Rule>::success(in, st...);
    }

    template <typename ParseInput, typename... States>
    static void failure(const ParseInput& in, TreeState& state, States&&... st) {
        drop(state);
        Control<Rule>::failure(in, st...);
    }

    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput& in, TreeState& state, States&&... st) {
        drop(state);
        if constexpr (pt::internal::control_has_unwind<Control<Rule>, const ParseInput&, States...>)
            Control<Rule>::unwind(in, st...);
    }

private:
    // Forgets what the rule built (basic_node's failure() does nothing).
    static void drop(TreeState& state) {
        if constexpr (folded) {
            state.stack.back()->children.resize(state.folds.back().mark);
            state.folds.pop_back();
        } else {
            state.stack.pop_back();
        }
    }
};

/// Parses `in` with `Rule` into a tree of Nodes, as pegtl::parse_tree::parse does.
template <typename Rule, template <typename...> class Selector, template <typename...> class Action,
          template <typename...> class Control, typename ParseInput>
std::unique_ptr<Node> parse_tree(ParseInput& in) {
    TreeState state;
    if (!pegtl::parse<Rule, Action, tree_control<Selector, Control>::template type>(in, state))
        return nullptr;
    return std::move(state.stack.back());
}

} // namespace cpl::detail
