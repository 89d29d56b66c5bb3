// lang/format_lists.hpp — the comments `cpl fmt` keeps inside list literals. A comment between
// a list's elements (`95860,  # one limb`) says something of an element: the list is printed one
// element a line with each comment where it was, instead of the comment moving above the whole
// declaration. Only lists `cpl fmt` may break across lines are looked in (definitions, clauses,
// rows that are not records, requirements); a comment anywhere else is placed as before.
#pragma once

#include "ast.hpp"

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cpl {

struct ListComments {
    std::vector<std::vector<const ast::Comment*>> leading; // lines of their own before element i
    std::vector<const ast::Comment*> trailing;             // at the end of element i's line
    std::vector<const ast::Comment*> closing;              // lines of their own before `]`
};

struct CommentedLists {
    std::unordered_map<const ast::Expr*, ListComments> lists;
    // The lists with comments and every expression that holds one: printed broken, never flat.
    std::unordered_set<const ast::Expr*> broken;
    std::unordered_set<const ast::Comment*> placed; // the comments the lists place
};

/// The comments of `file` that fall between the elements of a list (the innermost list that
/// holds them), and where each goes. `text` is the source `file` was parsed from.
CommentedLists commented_lists(const ast::PolicyFile& file, std::string_view text);

} // namespace cpl
